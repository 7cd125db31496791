/**
 * `--profile fleet` on the real agent logs of ../shared/realdata, end to end through
 * the CLI (adapters -> fleet detectors -> JSON report), checked as a skeptical reader
 * would: the findings issue 10 names are there, user rejections are friction and not
 * bugs, no "slow Write/Read", Bash split by command family with its hook time as
 * waiting, the report is the same bytes for 1, 2 and 3 workers, and every evidence
 * line of every finding is a real line of the log it names, of the session it names
 * (in a JSON document, the line where an event, step or message opens).
 */
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers.js';
import { pathAtLine, valueAt, valueLines } from '../input/adapters/_value-lines.js';

const REALDATA = path.join(import.meta.dirname, '../../../shared/realdata');
const HAVE = existsSync(REALDATA);
if (!HAVE) console.warn(`*** SKIPPING the fleet realdata tests: ${REALDATA} is missing ***`);

interface Evidence {
  session_id: string;
  file: string;
  line: number;
}
interface Finding {
  kind: string;
  key: string;
  category?: string;
  sessions: string[];
  session_count: number;
  occurrences: number;
  evidence: Evidence[];
  details?: Record<string, unknown>;
  proposal: { title: string; action: string; priority: string };
}
interface ToolRow {
  kind: 'tool' | 'family';
  key: string;
  calls: number;
  failed: number;
  rejected: number;
  waiting_ms: number;
  waiting_by: Record<string, number>;
  measured_total_ms: number;
}
interface FleetJson {
  profile: string;
  sessions: number;
  findings: Finding[];
  where_to_look_first: Array<{ kind: string; ranked_by: string; findings: number[] }>;
  tools: ToolRow[];
}

const lineCache = new Map<string, string[]>();
function linesOf(file: string): string[] {
  let lines = lineCache.get(file);
  if (lines === undefined) {
    lines = readFileSync(file, 'utf8').split('\n');
    lineCache.set(file, lines);
  }
  return lines;
}

describe.skipIf(!HAVE)('--profile fleet on ../shared/realdata', () => {
  let report: FleetJson;
  let text: string;
  beforeAll(async () => {
    const r = await runCli(['--profile', 'fleet', '--input', REALDATA, '--format', 'json', '--workers', '1', '--quiet']);
    expect(r.code).toBe(0);
    text = r.stdout;
    report = JSON.parse(text) as FleetJson;
  }, 120_000);

  it('is the same bytes with 2 and 3 workers', async () => {
    for (const w of ['2', '3']) {
      const r = await runCli(['--profile', 'fleet', '--input', REALDATA, '--format', 'json', '--workers', w, '--quiet']);
      expect(r.stdout, `--workers ${w}`).toBe(text);
    }
  }, 120_000);

  it('names the git commit pre-commit loop of ae4a77f8: 7 failed attempts in a row, the last trying --no-verify in vain', () => {
    const loop = report.findings.find((f) => f.kind === 'failed_retry' && f.key === 'git commit');
    expect(loop).toBeDefined();
    expect(loop!.sessions).toContain('ae4a77f8-aedd-4bc1-888f-c94edc91af04');
    // the --no-verify try failed on the same hook (ae4a77f8:1463): both loops end with a commit that passed
    expect(loop!.details).toMatchObject({ max_attempts: 7, bypassed: 0, succeeded: 2 });
    const ev = loop!.evidence.filter((e) => e.session_id.startsWith('ae4a77f8'));
    expect(ev.length).toBeGreaterThanOrEqual(6);
    // each evidence line is a failed `git commit` result blocked by the pre-commit hook
    for (const e of ev) {
      const line = linesOf(path.resolve(e.file))[e.line - 1]!;
      expect(line, `${e.file}:${e.line}`).toContain('"is_error":true');
      expect(line, `${e.file}:${e.line}`).toMatch(/Pre-commit validation failed|pre-commit|CREDO|DIALYZER/i);
    }
  });

  it('groups "no upstream branch" across its 4 sessions (branch names differ) into one cluster', () => {
    const c = report.findings.filter((f) => f.kind === 'error_cluster' && f.key.includes('has no upstream branch'));
    expect(c).toHaveLength(1);
    expect(c[0]!.session_count).toBe(4);
    expect(c[0]!.category).toBe('git');
    for (const e of c[0]!.evidence) expect(linesOf(path.resolve(e.file))[e.line - 1]).toContain('has no upstream branch');
  });

  it('groups the 3 "String to replace not found" errors despite the quoted code', () => {
    const c = report.findings.filter((f) => f.kind === 'error_cluster' && f.key.startsWith('String to replace not found'));
    expect(c).toHaveLength(1);
    expect(c[0]!.occurrences).toBe(3);
    for (const e of c[0]!.evidence) expect(linesOf(path.resolve(e.file))[e.line - 1]).toContain('String to replace not found');
  });

  it('reports user rejections as friction, never as an error to root-cause', () => {
    const rejections = report.findings.filter((f) => f.kind === 'friction' && f.category === 'rejection');
    expect(rejections.length).toBeGreaterThan(0);
    for (const f of report.findings.filter((x) => x.kind === 'error_cluster')) {
      expect(f.key).not.toMatch(/doesn't want to proceed/);
      expect(f.category).not.toBe('user_rejection');
    }
    for (const f of rejections) {
      for (const e of f.evidence)
        expect(linesOf(path.resolve(e.file))[e.line - 1], `${e.file}:${e.line}`).toMatch(/doesn't want to|rejected|declined/i);
    }
  });

  it('calls no Write or Read slow, and shows Bash by command family with git commit on top and its hook time as waiting', () => {
    // a tool_time finding on a file tool may only be about waiting on hooks, never slowness
    for (const f of report.findings.filter((x) => x.kind === 'tool_time' && ['Write', 'Read', 'Edit'].includes(x.key))) {
      expect(f.proposal.title, f.key).toMatch(/hooks/);
      expect(f.proposal.title.toLowerCase()).not.toMatch(/slow/);
    }
    const families = report.tools
      .filter((t) => t.kind === 'family')
      .sort((a, b) => b.waiting_ms + b.measured_total_ms - (a.waiting_ms + a.measured_total_ms));
    expect(families[0]!.key).toBe('git commit');
    expect(families[0]!.waiting_by['hook']).toBeGreaterThan(0);
    const bash = report.tools.find((t) => t.kind === 'tool' && t.key === 'Bash')!;
    expect(bash.waiting_by['hook']).toBeGreaterThan(0);
  });

  it('says nothing a careful reader would not sign: no cancelled siblings, no grep "errors", no parallel "retries", no end_of_edit', async () => {
    const clusters = report.findings.filter((f) => f.kind === 'error_cluster');
    // consequences of another call's error (Claude Code cancels a failed call's parallel siblings)
    for (const f of clusters) expect(f.key).not.toMatch(/Sibling tool call errored|Cancelled: parallel tool call/);
    // a grep/rg that matched nothing (exit 1, no output) made a cluster "Exit code 1" of 4
    expect(clusters.map((f) => f.key)).not.toContain('Exit code 1');
    const loops = report.findings.filter((f) => f.kind === 'failed_retry');
    // three `git show` issued at once (codex 16-bfc6ff6845-0.full.jsonl:172-174) are one batch, not a loop
    expect(loops.map((f) => f.key)).not.toContain('git show');
    // SWE-agent's `edit 287:295` … `end_of_edit` failed 3 times on syntax errors (steps 6-8), then worked (step 9)
    expect(loops.map((f) => f.key)).not.toContain('end_of_edit');
    const edit = loops.find((f) => f.key === 'edit')!;
    expect(edit.details).toMatchObject({ attempts: 3, succeeded: 1 });
    const trajFile = path.join(REALDATA, 'swe-agent/pydicom__pydicom-1458.traj');
    const traj = JSON.parse(readFileSync(trajFile, 'utf8')) as {
      trajectory: Array<{ action: string; observation: string }>;
    };
    // the file lines where steps 6-8 (trajectory #5-#7) open
    const steps = valueLines(readFileSync(trajFile, 'utf8'));
    expect(edit.evidence.map((e) => e.line)).toEqual([5, 6, 7].map((i) => steps.get(`trajectory/${i}`)));
    for (const e of edit.evidence) {
      expect(linesOf(trajFile)[e.line - 1]!.trim()).toBe('{');
      const step = valueAt(traj, pathAtLine(trajFile, e.line)!) as { action: string; observation: string };
      expect(step.action).toMatch(/^edit 287:295\n/);
      expect(step.observation).toContain('Your proposed edit has introduced new syntax error(s)');
    }
    // `2>&1` in a Markdown cell reads as itself
    const md = await runCli(['--profile', 'fleet', '--input', REALDATA, '--quiet']);
    expect(md.stdout).not.toContain('&amp;');
  }, 120_000);

  describe('ranks what issue 10 names among the top (src/fleet/report/rank.ts)', () => {
    /** 1-based position of the finding in the report's order (time lost, then key) */
    const position = (kind: string, pick: (f: Finding) => boolean): number => report.findings.findIndex((f) => f.kind === kind && pick(f)) + 1;
    const top = (kind: string): number[] => report.where_to_look_first.find((l) => l.kind === kind)!.findings;

    it('keeps the findings ordered by time lost, then key', () => {
      const lost = (f: Finding) => (f as Finding & { seconds_lost: number }).seconds_lost;
      for (let i = 1; i < report.findings.length; i++) {
        const [a, b] = [report.findings[i - 1]!, report.findings[i]!];
        expect(lost(a) > lost(b) || (lost(a) === lost(b) && a.key <= b.key), `${i}`).toBe(true);
      }
    });

    it('the git commit loop is finding #1 (high), and the git commit hook time leads the tool-time list', () => {
      expect(position('failed_retry', (f) => f.key === 'git commit')).toBe(1);
      expect(report.findings[0]!.proposal.priority).toBe('high');
      // only the hook time the log timed (the commits the hook blocked, the hooks before a command's
      // first output): 11.9 min, not the 47 min from call to result of every commit with hooks logged
      expect(top('tool_time')[0]).toBe(position('tool_time', (f) => f.key === 'git commit'));
      // second of the failure loops, after pytest's 18 attempts in one SWE session
      expect(top('failed_retry').slice(0, 2)).toContain(1);
    });

    it('"no upstream branch" (4 sessions) is the first recurring error, at least medium priority', () => {
      const n = position('error_cluster', (f) => f.key.includes('has no upstream branch'));
      expect(top('error_cluster')[0]).toBe(n);
      expect(report.findings[n - 1]!.proposal.priority).toBe('medium');
    });

    it('"String to replace not found" (3 errors, 2 sessions) is among the recurring errors shown', () => {
      const n = position('error_cluster', (f) => f.key.startsWith('String to replace not found'));
      // every error cluster seen in 2+ sessions is listed first (9 on realdata), ranked by sessions
      const listed = top('error_cluster');
      expect(listed).toContain(n);
      const multi = report.findings.filter((f) => f.kind === 'error_cluster' && f.session_count >= 2);
      expect(multi.length).toBeLessThanOrEqual(listed.length);
      for (const i of listed.slice(0, multi.length)) expect(report.findings[i - 1]!.session_count).toBeGreaterThanOrEqual(2);
    });

    it('user rejections are friction, summed per kind in the Markdown "Where to look first"', async () => {
      const rejections = report.findings.filter((f) => f.kind === 'friction' && f.category === 'rejection');
      const md = (await runCli(['--profile', 'fleet', '--input', REALDATA, '--quiet'])).stdout;
      const where = md.slice(md.indexOf('## Where to look first'), md.indexOf('## Findings'));
      const n = rejections.reduce((s, f) => s + f.occurrences, 0);
      expect(where).toContain(`rejection ${n} (${rejections.map((f) => f.key).join(', ')})`);
      // the Findings table says "–" for a time no log recorded, never "0 s"
      expect(md).not.toMatch(/\| 0 s \|/);
    }, 120_000);
  });

  it('every evidence line of every finding is a real line of the file it names, of the session it names', () => {
    let checked = 0;
    let documents = 0;
    for (const f of report.findings) {
      expect(f.evidence.length, `${f.kind} ${f.key}`).toBeGreaterThan(0);
      expect(f.evidence.length).toBeLessThanOrEqual(10);
      for (const e of f.evidence) {
        const file = path.resolve(e.file);
        expect(existsSync(file), e.file).toBe(true);
        expect(f.sessions.length === f.session_count ? f.sessions : [e.session_id]).toContain(e.session_id);
        const line = linesOf(file)[e.line - 1];
        expect(line, `${e.file}:${e.line}`).toBeDefined();
        if (!file.endsWith('.jsonl') && f.kind === 'cost') {
          // a cost the agent logged (SWE-agent, mini-swe-agent): the line that states it
          expect(pathAtLine(file, e.line, 3), `${e.file}:${e.line}`).toBe('info/model_stats/instance_cost');
        } else if (!file.endsWith('.jsonl')) {
          // a JSON document (OpenHands, SWE-agent, mini-swe-agent): the line where an event, step or message opens
          expect(line!.trim(), `${e.file}:${e.line}`).toBe('{');
          expect(pathAtLine(file, e.line), `${e.file}:${e.line}`).toMatch(/^(\d+|(trajectory|history|messages)\/\d+)$/);
          documents++;
        }
        // Claude Code lines carry their session id (a subagent's id is "<session>/agent-<id>")
        if (file.includes('/claude-code/')) expect(line, `${e.file}:${e.line}`).toContain(e.session_id.split('/')[0]!);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(50);
    expect(documents).toBeGreaterThan(10);
  });

  describe('counts the SWE-agent and mini-swe-agent runs at the cost their logs state', () => {
    /** Each run as its file has it: info.model_stats read straight from the JSON. */
    const runs = () =>
      [
        ...readdirSync(path.join(REALDATA, 'swe-agent')).map((f) => path.join(REALDATA, 'swe-agent', f)),
        ...readdirSync(path.join(REALDATA, 'mini-swe-agent'), { recursive: true, encoding: 'utf8' })
          .filter((f) => f.endsWith('.traj.json'))
          .map((f) => path.join(REALDATA, 'mini-swe-agent', f)),
      ].map((file) => {
        const text = readFileSync(file, 'utf8');
        const doc = JSON.parse(text) as { info: { model_stats: { instance_cost: number; tokens_sent?: number } } };
        return { file, stats: doc.info.model_stats, line: valueLines(text, 3).get('info/model_stats/instance_cost')! };
      });
    const cents = (usd: number) => Math.round(usd * 100);
    let cost: {
      total_usd: number;
      logged_usd: number;
      table_usd: number;
      sessions_with_logged_cost: number;
      sessions_without_usage: number;
      unpriced_models: string[];
      models: Array<{ model: string; usd: number; logged_usd: number; logged_sessions: number }>;
    };
    let findings: Finding[];
    let markdown: string;
    beforeAll(async () => {
      const args = ['--profile', 'fleet', '--input', path.join(REALDATA, 'swe-agent'), '--input', path.join(REALDATA, 'mini-swe-agent'), '--quiet'];
      const r = await runCli([...args, '--format', 'json']);
      expect(r.code).toBe(0);
      ({ cost, findings } = JSON.parse(r.stdout) as { cost: typeof cost; findings: Finding[] });
      markdown = (await runCli([...args, '--format', 'markdown'])).stdout;
    }, 120_000);

    it('the dollars are the instance_cost of each run above 0, summed; none priced by the table', () => {
      const logged = runs().filter((r) => r.stats.instance_cost > 0);
      expect(logged.length).toBe(3); // pydicom, test-repo, pytest; marshmallow logs 0
      const sum = logged.reduce((a, r) => a + r.stats.instance_cost, 0);
      expect(cost.sessions_with_logged_cost).toBe(logged.length);
      expect(cost.logged_usd).toBe(cents(sum) / 100);
      expect(cost.total_usd).toBe(cost.logged_usd);
      expect(cost.table_usd).toBe(0);
      // the runs were priced by the agents only: gemini-3-pro-preview and the SWE-agent 0.x runs' unnamed
      // model are not in the table, yet not "unpriced" any more
      expect(cost.unpriced_models).toEqual([]);
      const mini = logged.filter((r) => r.file.endsWith('.traj.json'));
      expect(cost.models.find((m) => m.model === 'google/gemini-3-pro-preview')).toMatchObject({
        logged_sessions: mini.length,
        usd: cents(mini.reduce((a, r) => a + r.stats.instance_cost, 0)) / 100,
      });
      // a run that logs an instance_cost of 0 (and 0 tokens for its api_calls) is a session without usage, not a free one
      const zero = runs().filter((r) => r.stats.instance_cost === 0);
      expect(zero.map((r) => path.basename(r.file))).toEqual(['marshmallow-code__marshmallow-1867.function_calling_replace.traj']);
      expect(zero[0]!.stats.tokens_sent).toBe(0);
      expect(cost.sessions_without_usage).toBe(zero.length);
    });

    it('the cost findings cite the line of each instance_cost, and the Markdown says where the dollars come from', () => {
      const cited = findings.filter((f) => f.kind === 'cost').flatMap((f) => f.evidence.map((e) => `${path.resolve(e.file)}:${e.line}`));
      const expected = runs()
        .filter((r) => r.stats.instance_cost > 0)
        .map((r) => `${r.file}:${r.line}`);
      expect(cited.sort()).toEqual(expected.sort());
      expect(markdown).toContain(`$${cost.logged_usd.toFixed(2)} as the agents logged it in 3 session(s), $0.00 from the price table`);
    });
  });

  it('prices the Claude Code sessions as ccusage does: equal tokens, within 2% of its $51.72', async () => {
    // the folders ccusage's numbers were taken on (the entireio sample came later)
    const dir = mkdtempSync(path.join(os.tmpdir(), 'fp-ccusage-'));
    for (const sub of ['sniffly', 'spotter']) cpSync(path.join(REALDATA, 'claude-code', sub), path.join(dir, sub), { recursive: true });
    const r = await runCli(['--profile', 'fleet', '--input', dir, '--format', 'json', '--quiet']);
    const cost = (JSON.parse(r.stdout) as { cost: { total_usd: number; tokens: Record<string, number> } }).cost;
    expect(cost.tokens).toMatchObject({ input: 6602, output: 214854, cache_write: 1864346, cache_read: 79186952 });
    expect(Math.abs(cost.total_usd - 51.72) / 51.72).toBeLessThan(0.02);
  }, 120_000);
});
