/**
 * The `transcript` profile (the default): sessions like exported coding-agent transcripts, with
 * long messages cut from the text pool, errors from ~26 templates, lognormal tool latencies,
 * retry streaks and "manual process" sessions (generate.ts's header says what is in them).
 */
import { DURATION_MARK, MESSAGES_MARK } from './placeholders.js';
import { type Rng, Weighted } from './rng.js';
import { poolText } from './text-pool.js';
import {
  BRANCH_PREFIX,
  ERRNOS,
  ERROR_TYPES,
  type ErrorOut,
  type Gen,
  HOSTS,
  MODULES,
  PACKAGES,
  PORTS,
  REPOS,
  REPO_PICK,
  TIMEOUTS,
  hex,
  isoTime,
  path,
} from './vocabulary.js';

interface ToolSpec {
  name: string;
  weight: number;
  /** median latency in ms */
  median: number;
  /** sigma of ln(latency) */
  sigma: number;
}
const TOOLS: readonly ToolSpec[] = [
  { name: 'Read', weight: 30, median: 45, sigma: 0.8 },
  { name: 'Bash', weight: 24, median: 1400, sigma: 1.3 },
  { name: 'Edit', weight: 18, median: 90, sigma: 0.7 },
  { name: 'Grep', weight: 12, median: 140, sigma: 0.9 },
  { name: 'Glob', weight: 8, median: 60, sigma: 0.7 },
  { name: 'Write', weight: 6, median: 80, sigma: 0.6 },
  { name: 'TodoWrite', weight: 5, median: 15, sigma: 0.5 },
  { name: 'MultiEdit', weight: 3, median: 160, sigma: 0.7 },
  { name: 'WebFetch', weight: 2.5, median: 3600, sigma: 1.0 },
  { name: 'Task', weight: 2, median: 24000, sigma: 1.1 },
  { name: 'LS', weight: 2, median: 30, sigma: 0.6 },
  { name: 'WebSearch', weight: 1.5, median: 4200, sigma: 0.8 },
  { name: 'BashOutput', weight: 1, median: 50, sigma: 0.9 },
  { name: 'NotebookEdit', weight: 0.4, median: 220, sigma: 0.8 },
  { name: 'KillShell', weight: 0.3, median: 25, sigma: 0.5 },
  { name: 'mcp__github__create_pull_request', weight: 0.6, median: 2600, sigma: 0.7 },
];
const TOOL_PICK = new Weighted(
  TOOLS,
  TOOLS.map((t) => t.weight),
);
/** Tools of "manual process" sessions: a human-like loop over a couple of tools. */
const MANUAL_TOOLS = ['Read', 'Edit', 'Bash', 'Grep', 'Write'];

/** ~26 error templates; placeholders vary so that _normalize_error folds them into shared keys. */
const ERROR_TEMPLATES: ReadonlyArray<{ weight: number; gen: Gen }> = [
  { weight: 20, gen: (r) => `ModuleNotFoundError: No module named '${r.pick(MODULES)}' in ${path(r, 0)}` },
  { weight: 16, gen: (r) => `fatal: The current branch ${r.pick(BRANCH_PREFIX)}-${hex(r, 10)} has no upstream branch` },
  { weight: 14, gen: (r, t) => `Timeout after ${r.pick(TIMEOUTS)}ms at ${isoTime(t)}` },
  {
    weight: 12,
    gen: (r) =>
      `TypeError: Cannot read properties of undefined (reading '${r.pick(['map', 'length', 'id', 'then'])}') at ${path(r, 0)}:${r.int(1, 400)}:${r.int(1, 80)}`,
  },
  { weight: 10, gen: (r) => `Error: ${r.pick(ERRNOS)}: no such file or directory, open '${path(r, 0)}'` },
  { weight: 9, gen: (r) => `npm ERR! 404 Not Found - GET https://${r.pick(HOSTS)}/${r.pick(PACKAGES)} - Not found` },
  { weight: 8, gen: (r) => `error: failed to push some refs to 'git@github.com:${r.pick(REPOS)}.git' (commit ${hex(r, 40)})` },
  { weight: 7, gen: (r) => `AssertionError: expected 200 to equal ${r.pick(['404', '500', '401'])} in ${path(r, 0)}` },
  { weight: 6, gen: (r) => `Error: listen EADDRINUSE: address already in use :::${r.pick(PORTS)}` },
  { weight: 6, gen: (r) => `SyntaxError: Unexpected token '}' in ${path(r, 0)} (build ${hex(r, 12)})` },
  { weight: 5, gen: (r) => `error[E0382]: borrow of moved value: \`${r.pick(['cfg', 'buf', 'conn', 'state'])}\` --> ${path(r, 0)}` },
  { weight: 5, gen: (r, t) => `Database connection refused at ${isoTime(t)} (host ${r.pick(HOSTS)}:${r.pick(PORTS)})` },
  { weight: 5, gen: (r) => `Permission denied (publickey) for key SHA256:${hex(r, 16)}` },
  { weight: 4, gen: (r) => `tsc: error TS2322: Type 'string' is not assignable to type 'number'. ${path(r, 0)}(${r.int(1, 300)},${r.int(1, 60)})` },
  { weight: 4, gen: (r) => `docker: Error response from daemon: manifest for acme/app:${hex(r, 8)} not found` },
  {
    weight: 4,
    gen: (r) =>
      `Traceback (most recent call last):\n  File "${path(r, 0)}", line ${r.int(1, 900)}, in <module>\nKeyError: '${r.pick(['user_id', 'token', 'config'])}'`,
  },
  { weight: 3, gen: (r, t) => `CI job ${hex(r, 8)} failed at ${isoTime(t)}: exit code ${r.pick(['1', '2', '137'])}` },
  { weight: 3, gen: (r) => `Fehler: Datei „Größe.txt“ nicht gefunden in ${path(r, 0)} — Überprüfung fehlgeschlagen` },
  {
    weight: 3,
    gen: (r) =>
      `✗ Build failed 💥 after ${r.int(2, 9)} retries — 构建失败 (see ${path(r, 0)}); the bundler reported ${r.int(2, 40)} unresolved imports 🚨🚨 while compiling the client bundle for production, aborting`,
  },
  { weight: 2, gen: (r) => `Rate limit exceeded for "${r.pick(HOSTS)}": retry after ${r.int(1, 60)}s (request ${hex(r, 24)})` },
  { weight: 2, gen: (r) => `ENOSPC: System limit for number of file watchers reached, watch '${path(r, 0)}'` },
  { weight: 2, gen: (r) => `pytest: ${r.int(1, 30)} failed, ${r.int(10, 400)} passed in ${r.int(1, 99)}.${r.int(10, 99)}s` },
  { weight: 1.5, gen: (r) => `OOMKilled: container "worker" exceeded memory limit (pod app-${hex(r, 10)})` },
  { weight: 1, gen: (r) => `Unhandled rejection: request id req_${r.u32().toString(36)}${r.u32().toString(36)} failed` },
  { weight: 1, gen: (r) => `Warning: C:\\Users\\dev\\AppData\\Local\\Temp\\${hex(r, 8)}.tmp could not be removed\t(code ${r.pick(ERRNOS)})` },
  { weight: 0.5, gen: (r) => `Segmentation fault (core dumped) in ${path(r, 0)} — pid ${r.int(1000, 99999)}` },
];
const ERROR_PICK = new Weighted(
  ERROR_TEMPLATES.map((e) => e.gen),
  ERROR_TEMPLATES.map((e) => e.weight),
);

/** A message whose content is pool fragments (by index) then an escaped tail. */
export interface Message {
  role: string;
  fragments: number[];
  /** JSON-escaped, without quotes */
  tailJson: string;
}

interface ToolCallOut {
  tool: string;
  latency_ms?: number;
  status: string;
}

function latency(rng: Rng, spec: ToolSpec): number | undefined {
  const r = rng.float();
  if (r < 0.01) return undefined; // key missing
  if (r < 0.03) return 0; // cached / not measured
  let ms = spec.median * Math.exp(spec.sigma * rng.normal());
  if (rng.chance(0.004)) ms = 120000 + rng.int(0, 5000); // hard timeouts
  if (rng.chance(0.1)) return Math.round(ms * 1000) / 1000; // fractional
  return Math.max(1, Math.round(ms));
}

function call(rng: Rng, spec: ToolSpec, status = 'ok'): ToolCallOut {
  const ms = latency(rng, spec);
  return ms === undefined ? { tool: spec.name, status } : { tool: spec.name, latency_ms: ms, status };
}

/**
 * The next transcript session starting at `start`, with placeholders for `messages` and
 * `duration_minutes` (SessionFactory.emit fills them). `uuid` is called where the session id
 * is drawn, after the tool calls, so that the draws stay in the order of generator version 1.
 */
export function transcriptSessionOf(f: { rng: Rng; pool: readonly string[]; start: number; uuid: () => string }): {
  session: Record<string, unknown>;
  messages: Message[];
} {
  const { rng, pool, start } = f;

  const messages: Message[] = [];
  const nMessages = rng.int(5, 60);
  for (let i = 0; i < nMessages; i++) {
    const role = i === 0 && rng.chance(0.1) ? 'system' : i % 2 === 0 ? 'user' : rng.chance(0.15) ? 'tool' : 'assistant';
    // log-uniform 200..4000: many short messages, a long tail of long ones
    const len = Math.round(200 * 20 ** rng.float());
    messages.push({ role, ...poolText(rng, pool, len) });
  }

  const errors: ErrorOut[] = [];
  const nErrors = Math.min(8, Math.floor(-Math.log(1 - rng.float()) * 1.6));
  for (let i = 0; i < nErrors; i++) {
    const when = start + rng.int(0, 3_600_000);
    const message = rng.chance(0.01) ? '' : ERROR_PICK.pick(rng)(rng, when);
    errors.push({ message, type: rng.pick(ERROR_TYPES), timestamp: new Date(when).toISOString() });
  }

  const toolCalls: ToolCallOut[] = [];
  if (rng.chance(0.04)) {
    // manual process: a long loop over at most three tools
    const k = rng.int(1, 3);
    const names = new Set<string>();
    while (names.size < k) names.add(rng.pick(MANUAL_TOOLS));
    const specs = TOOLS.filter((t) => names.has(t.name));
    const n = rng.int(11, 80);
    for (let i = 0; i < n; i++) toolCalls.push(call(rng, rng.pick(specs)));
  } else {
    const n = rng.chance(0.08) ? 0 : Math.min(80, Math.floor(-Math.log(1 - rng.float()) * 18));
    while (toolCalls.length < n) {
      const spec = TOOL_PICK.pick(rng);
      if (rng.chance(0.06)) {
        const streak = rng.int(3, 6);
        for (let i = 0; i < streak && toolCalls.length < n; i++) toolCalls.push(call(rng, spec, i < streak - 1 ? 'error' : 'ok'));
      } else {
        toolCalls.push(call(rng, spec));
      }
    }
  }

  const minutes = Math.max(0.5, Math.exp(3.2 + 0.9 * rng.normal()));
  const duration = rng.chance(0.15) ? { raw: String(Math.round(minutes)) } : { raw: minutes.toFixed(1) };

  const session = {
    session_id: f.uuid(),
    repo: REPO_PICK.pick(rng),
    started_at: new Date(start).toISOString(),
    model: rng.pick(['claude-sonnet-4', 'claude-opus-4', 'gpt-4.1', 'claude-3-5-haiku']),
    messages: MESSAGES_MARK,
    errors,
    tool_calls: toolCalls,
    // placeholder replaced after stringify so that "37.0" stays a float literal
    duration_minutes: DURATION_MARK + duration.raw,
  };
  return { session, messages };
}
