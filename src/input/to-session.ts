/**
 * Validate one decoded record into a canonical Session, with the reference's
 * defaults and exactly its tolerance: what `improvement_proposals.py` accepts is
 * accepted with the same meaning; what would make it crash is "malformed" (the
 * record is skipped and counted, or fatal under --strict).
 *
 * Accepted as the reference does:
 *  - missing keys: session_id "unknown", repo "global", errors/tool_calls empty, duration 0;
 *  - `null` or any other JSON value for session_id and repo (printed Python's way);
 *  - `""` and `{}` for errors/tool_calls (Python iterates nothing);
 *  - a falsy error message (`null`, `false`, `0`, `""`, `[]`, `{}`) is ignored;
 *  - booleans as latency/duration (Python compares True as 1);
 *  - a non-numeric duration when the session is not a manual process (never read);
 *  - a list/object tool name that is never hashed (no latency, no streak, not manual).
 * Malformed (the reference raises): a record that is not an object; errors or
 * tool_calls of another type; an error or tool call that is not an object; a
 * truthy message that is not a string; a latency that is not a number; a
 * non-numeric duration in a manual-process session; a list/object tool name that
 * the reference would hash.
 */
import { callsOfColumns, type JsonValue, type NameValue, type Session, type ToolCall, type ToolColumns } from '../session.js';
import { PyNum } from '../python/py-num.js';
import { isManualProcess } from '../manual-process.js';
import { pyKey } from '../python/py-key.js';
import { ColumnSession } from './_column-session.js';
import { ReadErrors, ReadToolCalls } from './_read-members.js';

export type SessionCheck = { ok: true; session: Session } | { ok: false; reason: string };

const hasOwn = Object.prototype.hasOwnProperty;
const NOTHING: readonly unknown[] = [];

export function pyTypeName(v: unknown): string {
  if (v === null) return 'null';
  if (v instanceof PyNum) return 'a number';
  if (Array.isArray(v)) return 'a list';
  switch (typeof v) {
    case 'string':
      return 'a string';
    case 'number':
      return 'a number';
    case 'boolean':
      return 'a boolean';
    case 'object':
      return 'an object';
    default:
      return typeof v;
  }
}

/** Python truthiness of a JSON value. */
function truthy(v: unknown): boolean {
  if (v === null || v === undefined || v === false || v === 0 || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === 'object') return Object.keys(v as object).length > 0;
  return true;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A list field: an array, or the empty string/object Python iterates as nothing. */
function listField(rec: Record<string, unknown>, key: string): unknown[] | string {
  if (!hasOwn.call(rec, key)) return [];
  const v = rec[key];
  if (Array.isArray(v)) return v;
  if (v === '' || (isPlainObject(v) && Object.keys(v).length === 0)) return [];
  return `"${key}" is ${pyTypeName(v)}, expected a list`;
}

function isUnhashable(v: unknown): boolean {
  return typeof v === 'object' && v !== null && !(v instanceof PyNum);
}

export function toSession(value: unknown): SessionCheck {
  // a record the record kernel read whole, made a session with its defaults (_read-members.ts)
  if (value instanceof ColumnSession) return checkedColumnSession(value);
  if (!isPlainObject(value)) return { ok: false, reason: `record is ${pyTypeName(value)}, expected an object` };
  const rec = value;

  // the fast decoder's seed sessions: lists read from the bytes, already checked (input/_read-members.ts)
  const readErrors = hasOwn.call(rec, 'errors') ? rec['errors'] : undefined;
  const readCalls = hasOwn.call(rec, 'tool_calls') ? rec['tool_calls'] : undefined;

  const rawErrors = readErrors instanceof ReadErrors ? NOTHING : listField(rec, 'errors');
  if (typeof rawErrors === 'string') return { ok: false, reason: rawErrors };
  const errors: string[] = readErrors instanceof ReadErrors ? readErrors.messages : [];
  const errorKeys = readErrors instanceof ReadErrors ? readErrors.keys : undefined;
  for (let i = 0; i < rawErrors.length; i++) {
    const err = rawErrors[i];
    if (!isPlainObject(err)) return { ok: false, reason: `errors[${i}] is ${pyTypeName(err)}, expected an object` };
    // own properties only, everywhere a record is read: an inherited `message` is no message
    const msg = hasOwn.call(err, 'message') ? err['message'] : undefined;
    if (!truthy(msg)) continue;
    if (typeof msg !== 'string') {
      return { ok: false, reason: `errors[${i}].message is ${pyTypeName(msg)}, expected a string` };
    }
    errors.push(msg);
  }

  // columns read from the bytes: every tool a string, every latency a positive number
  if (readCalls instanceof ReadToolCalls && !Array.isArray(readCalls.calls)) return columnSession(rec, errors, errorKeys, readCalls.calls);
  const rawCalls = readCalls instanceof ReadToolCalls ? NOTHING : listField(rec, 'tool_calls');
  if (typeof rawCalls === 'string') return { ok: false, reason: rawCalls };
  // a read tool is never a list or an object: nothing unhashable among them
  const toolCalls: ToolCall[] = readCalls instanceof ReadToolCalls ? (readCalls.calls as ToolCall[]) : new Array(rawCalls.length);
  let unhashableTool = -1;
  for (let i = 0; i < rawCalls.length; i++) {
    const tc = rawCalls[i];
    if (!isPlainObject(tc)) return { ok: false, reason: `tool_calls[${i}] is ${pyTypeName(tc)}, expected an object` };
    let latency: number;
    if (!hasOwn.call(tc, 'latency_ms')) latency = 0;
    else {
      const l = tc['latency_ms'];
      if (typeof l === 'number') latency = l;
      else if (typeof l === 'boolean') latency = l ? 1 : 0;
      else return { ok: false, reason: `tool_calls[${i}].latency_ms is ${pyTypeName(l)}, expected a number` };
    }
    const tool = hasOwn.call(tc, 'tool') ? (tc['tool'] as NameValue) : undefined;
    if (unhashableTool < 0 && isUnhashable(tool)) unhashableTool = i;
    toolCalls[i] = { tool, latency_ms: latency };
  }

  // Whether the session is a manual process matters only for a non-numeric duration or
  // a list/object tool: asked only then (it was 3% of a dense archive's run, asked always).
  let duration: JsonValue = 0;
  if (hasOwn.call(rec, 'duration_minutes')) {
    const d = rec['duration_minutes'] as JsonValue;
    duration = typeof d === 'boolean' ? (d ? 1 : 0) : d;
    if (typeof duration !== 'number' && isManualProcess(toolCalls)) {
      return { ok: false, reason: `"duration_minutes" is ${pyTypeName(d)}, expected a number` };
    }
  }

  if (unhashableTool >= 0) {
    const bad = hashedUnhashableTool(toolCalls, isManualProcess(toolCalls));
    if (bad >= 0) {
      return {
        ok: false,
        reason: `tool_calls[${bad}].tool is ${pyTypeName(toolCalls[bad]?.tool)}, expected a string`,
      };
    }
  }

  return {
    ok: true,
    session: {
      session_id: hasOwn.call(rec, 'session_id') ? (rec['session_id'] as NameValue) : 'unknown',
      repo: hasOwn.call(rec, 'repo') ? (rec['repo'] as NameValue) : 'global',
      errors,
      ...(errorKeys !== undefined ? { errorKeys } : {}),
      tool_calls: toolCalls,
      duration_minutes: duration,
    },
  };
}

/** toSession's end for a record whose tool calls came as columns. */
function columnSession(rec: Record<string, unknown>, errors: string[], errorKeys: ReadErrors['keys'], calls: ToolColumns): SessionCheck {
  let duration: JsonValue = 0;
  if (hasOwn.call(rec, 'duration_minutes')) {
    const d = rec['duration_minutes'] as JsonValue;
    duration = typeof d === 'boolean' ? (d ? 1 : 0) : d;
  }
  const id = hasOwn.call(rec, 'session_id') ? (rec['session_id'] as NameValue) : 'unknown';
  const repo = hasOwn.call(rec, 'repo') ? (rec['repo'] as NameValue) : 'global';
  return checkedColumnSession(new ColumnSession(id, repo, errors, errorKeys, calls, duration));
}

/** A column session's duration checked: a manual process's must be a number (see the file's head). */
function checkedColumnSession(s: ColumnSession): SessionCheck {
  const d = s.duration_minutes;
  if (typeof d !== 'number' && isManualProcess(callsOfColumns(s.calls))) {
    return { ok: false, reason: `"duration_minutes" is ${pyTypeName(d)}, expected a number` };
  }
  return { ok: true, session: s };
}

/** Index of a list/object tool name that the reference would use as a dict key or
 * set member (and so crash on), or -1. */
function hashedUnhashableTool(calls: readonly ToolCall[], manual: boolean): number {
  for (let i = 0; i < calls.length; i++) {
    const c = calls[i]!;
    if (isUnhashable(c.tool) && (manual || c.latency_ms > 0)) return i;
  }
  // a streak of 3+ equal tools ends with retry_counts[prev_tool] += 1
  let streak = 0;
  let prev: string | undefined;
  for (let i = 0; i <= calls.length; i++) {
    const c = calls[i];
    const key = c === undefined ? undefined : pyKey(c.tool === undefined ? 'unknown' : c.tool);
    if (key !== undefined && key === prev) {
      streak++;
      continue;
    }
    if (streak >= 3 && isUnhashable(calls[i - 1]?.tool)) return i - 1;
    streak = 1;
    prev = key;
  }
  return -1;
}
