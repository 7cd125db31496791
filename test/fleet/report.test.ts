import { describe, expect, it } from 'vitest';
import {
  buildFleetReport,
  compareFindings,
  escapeMarkdown,
  finalizeFleetState,
  foldFleet,
  renderFleetJson,
  renderFleetMarkdown,
  shorten,
} from '../../src/fleet/index.js';
import { call, session } from './_build.js';
import { ALL_CASES } from './_realdata-cases.js';

const report = (ss = ALL_CASES, hourlyRate?: number) =>
  buildFleetReport(finalizeFleetState(foldFleet(ss)), hourlyRate === undefined ? {} : { hourlyRate });

describe('fleet report', () => {
  it('names the realdata cases among its top findings, rejections as friction only', () => {
    const r = report();
    const top = r.findings.slice(0, 8).map((f) => `${f.kind}:${f.key.slice(0, 40)}`);
    expect(top[0]).toBe('failed_retry:git commit');
    expect(top.some((t) => t.startsWith('error_cluster:String to replace not found'))).toBe(true);
    expect(r.findings.find((f) => f.key.includes('no upstream branch'))?.session_count).toBe(4);
    expect(r.findings.filter((f) => f.category === 'rejection').every((f) => f.kind === 'friction')).toBe(true);
    expect(r.findings.some((f) => f.kind === 'tool_time' && (f.key === 'Write' || f.key === 'Read'))).toBe(false);
  });

  it("has the issue's JSON shape; hours per week of the real span; --hourly-rate gives dollars", () => {
    const r = report(ALL_CASES, 120);
    expect(Object.keys(r)).toEqual([
      'profile',
      'span',
      'sessions',
      'agents',
      'hourly_rate',
      'totals',
      'cost',
      'findings',
      'where_to_look_first',
      'weekly',
      'tools',
      'files',
    ]);
    expect(r.profile).toBe('fleet');
    // 2025-06-08T11:05:01.885Z to 2026-02-12T21:03:05.474Z
    expect(r.span).toEqual({ from: '2025-06-08T11:05:01.885Z', to: '2026-02-12T21:03:05.474Z', weeks: 35.63, untimed_sessions: 0 });
    const f = r.findings[0]!;
    expect(f.hours_per_week).toBe(Math.round((f.hours / 35.6309) * 100) / 100);
    expect(f.dollars_per_week).toBeCloseTo((f.seconds_lost / 3600 / 35.6309) * 120, 1);
    expect(r.totals.dollars_per_week).not.toBeNull();
    for (const x of r.findings) {
      expect(Object.keys(x)).toEqual(expect.arrayContaining(['kind', 'key', 'sessions', 'occurrences', 'hours_per_week', 'proposal', 'evidence']));
      expect(x.evidence.length).toBeLessThanOrEqual(10);
      expect(x.sessions).toEqual(x.sessions.slice().sort());
    }
    expect(r.files).toHaveLength(8);
    expect(JSON.parse(renderFleetJson(r))).toEqual(JSON.parse(JSON.stringify(r)));
  });

  it('an archive shorter than a week counts as one week (no extrapolation)', () => {
    const r = report([ALL_CASES[0]!]);
    expect(r.span.weeks).toBe(1);
  });

  it('orders findings by hours, then key', () => {
    const r = report();
    for (let i = 1; i < r.findings.length; i++) expect(compareFindings(r.findings[i - 1]!, r.findings[i]!)).toBeLessThan(0);
  });
});

describe('Markdown escaping', () => {
  it('no newline, | or backtick from a log breaks a heading or a table row', () => {
    const evil = 'boom | `rm -rf` \n# Heading\r\n<script>';
    const calls = [1, 2].map((l) => call({ tool: 'Bash|`x`', line: l, outcome: 'error', errorText: evil }));
    const md = renderFleetMarkdown(report([session('id|1`\n', 'dir/a|b`.jsonl', calls), session('id2', 'f', calls)]));
    for (const line of md.split('\n')) {
      if (line.startsWith('|')) {
        // every | inside a cell is escaped: the count of unescaped pipes is the column count + 1
        const cells = line.replace(/\\\|/g, '').split('|').length;
        const header = md.split('\n').find((l) => l.startsWith('|') && l.split('|').length === cells);
        expect(header).toBeDefined();
      }
      expect(line).not.toMatch(/(^|[^\\])`/);
      expect(line).not.toMatch(/^# Heading/);
      expect(line).not.toContain('<script>');
    }
    expect(md).toContain('boom \\| \\`rm -rf\\` ⏎ \\# Heading ⏎ \\<script\\>');
  });

  it('escapeMarkdown and shorten', () => {
    expect(escapeMarkdown('a|b`c\nd_e*f[g]')).toBe('a\\|b\\`c ⏎ d\\_e\\*f\\[g\\]');
    // `2>&1` (a command in an error key) reads as itself; only a character reference is defused
    expect(escapeMarkdown('Bash(go test ./... 2>&1)')).toBe('Bash(go test ./... 2\\>&1)');
    expect(escapeMarkdown('a &lt;b&gt; &#60; & c')).toBe('a \\&lt;b\\&gt; \\&\\#60; & c');
    expect(shorten('alpha beta gamma-delta-epsilon', 20)).toBe('alpha beta …');
    expect(shorten('ae4a77f8-aedd-4bc1-888f-c94edc91af04', 10)).toBe('ae4a77f8-aedd-4bc1-888f-c94edc91af04');
  });
});
