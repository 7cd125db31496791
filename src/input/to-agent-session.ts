/**
 * The session format (the reference's JSON records) read into the fleet profile's
 * AgentSession. The reference's fields map as they are:
 *
 *   session_id -> sessionId ("unknown" when missing; a number or boolean is written as JSON)
 *   repo       -> repo ("global" when missing or not a string)
 *   errors[].message -> errors (text; the record's line)
 *   tool_calls[{tool, latency_ms}] -> calls; latency_ms is the time the exporter
 *                 measured for the call (measuredMs), unless duration_ms says otherwise
 *   duration_minutes -> activeMs
 *
 * and a generic exporter can add, per call (README, "Session format fields for the
 * fleet profile"):
 *
 *   ok: boolean          outcome ok / error (without it and without `error`: unknown,
 *                        and no detector counts the call as failed)
 *   error: string        the error text; implies outcome error unless `ok` is true
 *   outcome: "ok"|"error"|"rejected"|"interrupted"   (overrides ok/error)
 *   timestamp: ISO 8601 string or epoch milliseconds   when the call started
 *   command: string      the shell command line (gives the command family)
 *   duration_ms: number  measured execution time; latency_ms - duration_ms is then waiting
 *   waited_on: "approval"|"question"|"background"|"subagent"|"hook", wait_ms: number
 *   input: any JSON      the call's input (digested to recognise the same action repeated)
 *
 * and per session: model (string), usage ({input_tokens, output_tokens,
 * cache_creation_input_tokens, cache_read_input_tokens, cache_creation.ephemeral_1h_input_tokens},
 * the Anthropic names, or {input, output, cache_write, cache_write_1h, cache_read}),
 * started_at / ended_at (ISO or epoch ms),
 * branch, parent_session_id.
 *
 * Only own properties are read (a record's "__proto__" key is data, not a prototype).
 * A field of the wrong type makes the record malformed, with the field named.
 */
import type { AgentSession, AgentToolCall, CallOutcome, TokenUsage, WaitKind } from '../agent-session.js';
import { commandFamily } from './command-family.js';
import { cpSlice } from '../python/index.js';
import { parseTimestampUs } from './adapters/_util.js';

export type AgentSessionCheck = { ok: true; session: AgentSession } | { ok: false; reason: string };

/** Where the record is: the input file as given and the record's first line. */
export interface RecordPlace {
  file: string;
  line: number;
}

type Obj = Record<string, unknown>;

const hasOwn = Object.prototype.hasOwnProperty;
function own(o: Obj, key: string): unknown {
  return hasOwn.call(o, key) ? o[key] : undefined;
}
function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
function typeOf(v: unknown): string {
  if (v === null) return 'null';
  // a number refused for its value, not its type, says which value ("is a number, expected a
  // number ≥ 0" named nothing wrong; 1e999 in the log reads as Infinity)
  if (typeof v === 'number' && !Number.isFinite(v)) return 'a number too large for a double';
  if (typeof v === 'number' && v < 0) return `a negative number (${v})`;
  if (Array.isArray(v)) return 'a list';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

class Bad extends Error {}
function bad(where: string, v: unknown, expected: string): never {
  throw new Bad(`${where} is ${typeOf(v)}, expected ${expected}`);
}

const OUTCOMES = new Set<CallOutcome>(['ok', 'error', 'rejected', 'interrupted', 'unknown']);
const WAITS = new Set<WaitKind>(['approval', 'question', 'background', 'subagent', 'hook']);
const COMMAND_CHARS = 300;

function optNumber(o: Obj, key: string, where: string): number | undefined {
  const v = own(o, key);
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) bad(`${where}"${key}"`, v, 'a number ≥ 0');
  return v;
}
function optString(o: Obj, key: string, where: string): string | undefined {
  const v = own(o, key);
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') bad(`${where}"${key}"`, v, 'a string');
  return v;
}
function optTime(o: Obj, key: string, where: string): number | undefined {
  const v = own(o, key);
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'number' && Number.isFinite(v)) return Math.round(v * 1000);
  if (typeof v === 'string') {
    const us = parseTimestampUs(v);
    if (us !== undefined) return us;
  }
  return bad(`${where}"${key}"`, v, 'an ISO 8601 time or epoch milliseconds');
}

function idString(v: unknown, fallback: string): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return JSON.stringify(v);
  return fallback;
}

/** FNV-1a 32-bit of a string, as 8 hex digits: a short stable digest, not a security hash. */
export function digest(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

/**
 * The digests of calls that have neither a command nor an input, by tool: a dense archive's 6.5M
 * calls of 10 tools built and hashed the same ten strings 650,000 times each (0.97 s of a 9.4 s
 * fleet run). At most TOOL_DIGESTS tools are kept (then the table starts again): memory stays
 * bounded whatever the names.
 */
const toolDigests = new Map<string, string>();
const TOOL_DIGESTS = 4096;

function toolOnlyDigest(tool: string): string {
  let d = toolDigests.get(tool);
  if (d === undefined) {
    if (toolDigests.size >= TOOL_DIGESTS) toolDigests.clear();
    d = digest(`${tool}\u0000`);
    toolDigests.set(tool, d);
  }
  return d;
}

/** JSON with object keys sorted, so equal inputs digest equally. */
function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (isObj(v))
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson(v[k])}`)
      .join(',')}}`;
  return JSON.stringify(v) ?? 'null';
}

function readCall(raw: unknown, i: number, place: RecordPlace): AgentToolCall {
  const where = `tool_calls[${i}].`;
  if (!isObj(raw)) bad(`tool_calls[${i}]`, raw, 'an object');
  const toolRaw = own(raw, 'tool');
  const tool = typeof toolRaw === 'string' ? toolRaw : toolRaw === undefined || toolRaw === null ? 'unknown' : stableJson(toolRaw);
  const latency = optNumber(raw, 'latency_ms', where);
  const duration = optNumber(raw, 'duration_ms', where);
  const command = optString(raw, 'command', where);
  const errorText = optString(raw, 'error', where);
  const okRaw = own(raw, 'ok');
  if (okRaw !== undefined && okRaw !== null && typeof okRaw !== 'boolean') bad(`${where}"ok"`, okRaw, 'a boolean');
  let outcome: CallOutcome = okRaw === true ? 'ok' : okRaw === false || errorText !== undefined ? 'error' : 'unknown';
  const outcomeRaw = optString(raw, 'outcome', where);
  if (outcomeRaw !== undefined) {
    if (!OUTCOMES.has(outcomeRaw as CallOutcome)) bad(`${where}"outcome"`, outcomeRaw, 'ok, error, rejected, interrupted or unknown');
    outcome = outcomeRaw as CallOutcome;
  }
  const waitedRaw = optString(raw, 'waited_on', where);
  if (waitedRaw !== undefined && !WAITS.has(waitedRaw as WaitKind))
    bad(`${where}"waited_on"`, waitedRaw, 'approval, question, background, subagent or hook');
  let waitMs = optNumber(raw, 'wait_ms', where);
  const startUs = optTime(raw, 'timestamp', where);
  const input = own(raw, 'input');

  const call: AgentToolCall = {
    tool,
    inputDigest:
      command === undefined && input === undefined
        ? toolOnlyDigest(tool)
        : digest(`${tool}\u0000${command ?? (input === undefined ? '' : stableJson(input))}`),
    outcome,
    line: place.line,
  };
  if (command !== undefined) {
    call.command = cpSlice(command, COMMAND_CHARS);
    const family = commandFamily(command);
    if (family !== '') call.family = family;
  }
  // latency_ms is the exporter's measured time unless duration_ms is given; then
  // the rest of the latency is time the call waited
  const measured = duration ?? latency;
  if (measured !== undefined) call.measuredMs = measured;
  if (duration !== undefined && latency !== undefined && latency > duration && waitMs === undefined) waitMs = latency - duration;
  if (startUs !== undefined) {
    call.startUs = startUs;
    const total = latency ?? duration;
    if (total !== undefined) call.endUs = startUs + Math.round(total * 1000);
  }
  if (errorText !== undefined && outcome !== 'ok') call.errorText = errorText;
  if (waitedRaw !== undefined) call.waitedOn = waitedRaw as WaitKind;
  if (waitMs !== undefined) {
    call.waitMs = waitMs;
    call.waitedOn ??= 'approval';
  }
  return call;
}

function readUsage(raw: unknown, where: string): TokenUsage {
  if (!isObj(raw)) bad(where, raw, 'an object');
  const n = (a: string, b: string): number => optNumber(raw, a, `${where}.`) ?? optNumber(raw, b, `${where}.`) ?? 0;
  const usage: TokenUsage & { cacheWrite1h?: number } = {
    input: n('input_tokens', 'input'),
    output: n('output_tokens', 'output'),
    cacheWrite: n('cache_creation_input_tokens', 'cache_write'),
    cacheRead: n('cache_read_input_tokens', 'cache_read'),
  };
  // the 1-hour part of the cache writes (priced apart): Anthropic's
  // cache_creation.ephemeral_1h_input_tokens, or cache_write_1h
  const cc = own(raw, 'cache_creation');
  const w1h =
    (isObj(cc) ? optNumber(cc, 'ephemeral_1h_input_tokens', `${where}.cache_creation.`) : undefined) ?? optNumber(raw, 'cache_write_1h', `${where}.`);
  if (w1h !== undefined) usage.cacheWrite1h = w1h;
  return usage;
}

function list(rec: Obj, key: string): unknown[] {
  const v = own(rec, key);
  if (v === undefined || v === null || v === '') return [];
  if (Array.isArray(v)) return v;
  if (isObj(v) && Object.keys(v).length === 0) return [];
  return bad(`"${key}"`, v, 'a list');
}

/** A session-format record as an AgentSession, or why it is malformed. */
export function toAgentSession(value: unknown, place: RecordPlace): AgentSessionCheck {
  if (!isObj(value)) return { ok: false, reason: `record is ${typeOf(value)}, expected an object` };
  try {
    const errors = list(value, 'errors').flatMap((e, i) => {
      if (!isObj(e)) bad(`errors[${i}]`, e, 'an object');
      const m = own(e, 'message');
      if (m === undefined || m === null || m === '') return [];
      if (typeof m !== 'string') bad(`errors[${i}]."message"`, m, 'a string');
      return [{ text: m, line: place.line, errorSeq: i }];
    });
    const calls = list(value, 'tool_calls').map((c, i) => readCall(c, i, place));
    const repoRaw = own(value, 'repo');
    const session: AgentSession = {
      sessionId: idString(own(value, 'session_id'), 'unknown'),
      agent: 'sessions',
      file: place.file,
      line: place.line,
      repo: typeof repoRaw === 'string' ? repoRaw : 'global',
      usage: [],
      activeMs: 0,
      calls,
      errors,
      friction: [],
    };
    const minutes = own(value, 'duration_minutes');
    if (typeof minutes === 'number' && Number.isFinite(minutes) && minutes > 0) session.activeMs = minutes * 60_000;
    const branch = optString(value, 'branch', '');
    if (branch !== undefined) session.branch = branch;
    const parent = optString(value, 'parent_session_id', '');
    if (parent !== undefined) session.parentSessionId = parent;
    const usageRaw = own(value, 'usage');
    if (usageRaw !== undefined && usageRaw !== null) session.usage.push([optString(value, 'model', '') ?? 'unknown', readUsage(usageRaw, '"usage"')]);
    // first and last event: the session's own times, else its calls'
    let first = optTime(value, 'started_at', '');
    let last = optTime(value, 'ended_at', '');
    for (const c of calls) {
      if (c.startUs !== undefined && (first === undefined || c.startUs < first)) first = c.startUs;
      const end = c.endUs ?? c.startUs;
      if (end !== undefined && (last === undefined || end > last)) last = end;
    }
    if (first !== undefined) session.firstUs = first;
    if (last !== undefined) session.lastUs = last;
    return { ok: true, session };
  } catch (err) {
    if (err instanceof Bad) return { ok: false, reason: err.message };
    throw err;
  }
}
