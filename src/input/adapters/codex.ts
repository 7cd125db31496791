/**
 * OpenAI Codex CLI rollouts: `~/.codex/sessions/YYYY/MM/DD/rollout-<ts>-<id>.jsonl`,
 * lines `{timestamp, type, payload}`. One file is one session, read line by line.
 *
 * Mapping:
 * - session_id: `payload.id` of the first `session_meta` line, else the file name
 *   without extension.
 * - repo: last path segment of `session_meta.payload.git.repository_url` without
 *   ".git", else of `session_meta.payload.cwd`, else of the first
 *   `turn_context.payload.cwd`; "global" without any.
 * - tool_calls: `response_item` payloads of type `function_call`,
 *   `custom_tool_call` (tool = `name`) and `local_shell_call` (tool "shell"),
 *   in file order, deduplicated by `call_id`, paired with the
 *   `function_call_output` / `custom_tool_call_output` of the same `call_id`.
 * - errors: an output whose exit code is not 0. The exit code and duration are
 *   read from a JSON-string output (`{"output", "metadata": {"exit_code",
 *   "duration_seconds"}}`, or `exit_code` at the top level), else from the header
 *   lines of a text output ("Exit code: N", "Process exited with code N",
 *   "Wall time: X seconds", before an "Output:" line). The message is the
 *   command's output text (the JSON `output`, or what follows "Output:"),
 *   its first 500 code points; "Exit code N" when that text is blank.
 *   An output object `{content, success: false}` is an error too.
 * - latency_ms: the output's duration ×1000 (rounded to the microsecond), else
 *   output timestamp − call timestamp; 0 for a call without output.
 * - duration_minutes: latest − earliest line timestamp.
 * Other line and payload types are ignored. A file without a session_meta or
 * response_item line yields no session.
 */
import { cpSlice } from '../../python/index.js';
import type { Session, ToolCall } from '../../session.js';
import { headLines, tryParse } from './_head.js';
import { typedLines } from './_lines.js';
import {
  contentText,
  fileStem,
  invalid,
  isObj,
  lastSegment,
  latencyMs,
  makeSession,
  optField,
  secondsToMs,
  TimeSpan,
  timestampField,
  typeName,
} from './_util.js';

const FORMAT = 'Codex';
const LINE_TYPES = new Set(['session_meta', 'response_item', 'event_msg', 'turn_context', 'compacted']);
/** the line types whose payload is read (and so must be an object) */
const READ_TYPES = new Set(['session_meta', 'response_item', 'turn_context']);
const CALL_TYPES = new Set(['function_call', 'custom_tool_call', 'local_shell_call']);
const OUTPUT_TYPES = new Set(['function_call_output', 'custom_tool_call_output']);
export const MAX_ERROR_CHARS = 500;

export interface ExecOutput {
  exitCode?: number;
  durationS?: number;
  /** what the command printed (the message of an error) */
  text: string;
}

const EXIT_RES = [/^Exit code:\s*(-?\d+)\s*$/m, /^Process exited with code (-?\d+)\s*$/m];
const WALL_RE = /^Wall time:\s*([0-9]+(?:\.[0-9]+)?)\s*seconds\s*$/m;

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** Exit code, duration and output text of a Codex tool output string. */
export function parseExecOutput(raw: string): ExecOutput {
  const trimmed = raw.trimStart();
  if (trimmed.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch {
      // plain text that happens to start with "{": read as text below
      parsed = undefined;
    }
    if (isObj(parsed)) {
      const meta = isObj(parsed.metadata) ? parsed.metadata : parsed;
      const exitCode = num(meta.exit_code);
      if (exitCode !== undefined) {
        const out: ExecOutput = { exitCode, text: typeof parsed.output === 'string' ? parsed.output : '' };
        const d = num(meta.duration_seconds) ?? num(meta.wall_time_seconds);
        if (d !== undefined) out.durationS = d;
        return out;
      }
    }
  }
  const marker = /^Output:[ \t]*\r?$/m.exec(raw);
  const header = marker ? raw.slice(0, marker.index) : raw;
  const out: ExecOutput = { text: marker ? raw.slice(marker.index + marker[0].length).replace(/^\n/, '') : raw };
  for (const re of EXIT_RES) {
    const m = re.exec(header);
    if (m) {
      out.exitCode = Number(m[1]);
      break;
    }
  }
  const w = WALL_RE.exec(header);
  if (w) out.durationS = Number(w[1]);
  return out;
}

interface Call {
  tool: string;
  callUs: number | undefined;
  latency: number;
}

export async function* read(path: string): AsyncGenerator<Session> {
  let sessionId: string | undefined;
  let repoUrl: string | undefined;
  let metaCwd: string | undefined;
  let turnCwd: string | undefined;
  let seen = false;
  let metaSeen = false;
  const calls: Call[] = [];
  const byId = new Map<string, number>();
  const outputsSeen = new Set<string>();
  const errors: string[] = [];
  const span = new TimeSpan();

  for await (const { rec, type, ctx } of typedLines(FORMAT, path)) {
    if (!LINE_TYPES.has(type)) continue; // unknown line types are skipped unread
    const us = timestampField(FORMAT, rec, '', ctx);
    if (us !== undefined) span.add(us);
    if (!READ_TYPES.has(type)) continue; // event_msg, compacted: time only
    const payload = rec.payload;
    if (!isObj(payload)) throw invalid(FORMAT, `"payload" of a ${type} line is ${typeName(payload)}, expected an object`, ctx);

    if (type === 'session_meta') {
      seen = true;
      if (metaSeen) continue; // a resumed or forked rollout repeats it: the first one names the session
      metaSeen = true;
      sessionId = optField(FORMAT, payload, 'id', 'string', 'session_meta ', ctx);
      metaCwd = optField(FORMAT, payload, 'cwd', 'string', 'session_meta ', ctx);
      const git = optField(FORMAT, payload, 'git', 'object', 'session_meta ', ctx);
      if (git !== undefined) repoUrl = optField(FORMAT, git, 'repository_url', 'string', 'session_meta git ', ctx);
      continue;
    }
    if (type === 'turn_context') {
      if (turnCwd === undefined) turnCwd = optField(FORMAT, payload, 'cwd', 'string', 'turn_context ', ctx);
      continue;
    }
    if (type !== 'response_item') continue;
    seen = true;
    const ptype = payload.type;
    if (typeof ptype !== 'string') throw invalid(FORMAT, `"payload.type" is ${typeName(ptype)}, expected a string`, ctx);

    if (CALL_TYPES.has(ptype)) {
      let callId = payload.call_id;
      if ((callId === undefined || callId === null) && ptype === 'local_shell_call') callId = payload.id;
      if (typeof callId !== 'string') throw invalid(FORMAT, `"call_id" of a ${ptype} is ${typeName(callId)}, expected a string`, ctx);
      let tool = 'shell';
      if (ptype !== 'local_shell_call') {
        const n = payload.name;
        if (typeof n !== 'string') throw invalid(FORMAT, `"name" of ${ptype} ${callId} is ${typeName(n)}, expected a string`, ctx);
        tool = n;
      }
      if (byId.has(callId)) continue;
      byId.set(callId, calls.length);
      calls.push({ tool, callUs: us, latency: 0 });
      continue;
    }
    if (!OUTPUT_TYPES.has(ptype)) continue;
    const callId = payload.call_id;
    if (typeof callId !== 'string') throw invalid(FORMAT, `"call_id" of a ${ptype} is ${typeName(callId)}, expected a string`, ctx);
    if (outputsSeen.has(callId)) continue;
    outputsSeen.add(callId);
    const output = payload.output;
    let exec: ExecOutput;
    let failed = false;
    if (typeof output === 'string') exec = parseExecOutput(output);
    else if (Array.isArray(output)) exec = parseExecOutput(contentText(output));
    else if (isObj(output)) {
      exec = parseExecOutput(typeof output.content === 'string' ? output.content : contentText(output.content));
      failed = output.success === false && exec.exitCode === undefined;
    } else if (output === undefined || output === null) exec = { text: '' };
    else throw invalid(FORMAT, `"output" of ${ptype} ${callId} is ${typeName(output)}, expected a string`, ctx);

    if ((exec.exitCode !== undefined && exec.exitCode !== 0) || failed) {
      const text = exec.text.trim() !== '' ? exec.text : exec.exitCode !== undefined ? `Exit code ${exec.exitCode}` : 'Tool call failed';
      errors.push(cpSlice(text, MAX_ERROR_CHARS));
    }
    const at = byId.get(callId);
    if (at === undefined) continue; // an output without its call: its error counts, there is no call to time
    const call = calls[at]!;
    call.latency = exec.durationS !== undefined ? secondsToMs(exec.durationS) : latencyMs(call.callUs, us);
  }

  if (!seen) return;
  const toolCalls: ToolCall[] = calls.map((c) => ({ tool: c.tool, latency_ms: c.latency }));
  let repo: string | undefined;
  if (repoUrl !== undefined) repo = lastSegment(repoUrl, true);
  if (repo === undefined && metaCwd !== undefined) repo = lastSegment(metaCwd);
  if (repo === undefined && turnCwd !== undefined) repo = lastSegment(turnCwd);
  yield makeSession(sessionId ?? fileStem(path), repo, errors, toolCalls, span.minutes());
}

/**
 * A rollout's first line is `{"timestamp":..., "type": "session_meta"|"response_item"|
 * "event_msg"|"turn_context", "payload": {...}}` (matched on its beginning when
 * the line is longer than the head, as session_meta with long instructions is).
 */
export function detect(head: Buffer, _path: string): boolean {
  const first = headLines(head, 1)[0];
  if (first === undefined) return false;
  const rec = tryParse(first);
  if (isObj(rec)) return typeof rec.type === 'string' && LINE_TYPES.has(rec.type) && isObj(rec.payload);
  if (first.complete) return false;
  return /^\s*\{\s*("timestamp"\s*:\s*"[^"]*"\s*,\s*)?"type"\s*:\s*"(session_meta|response_item|event_msg|turn_context)"\s*,\s*"payload"\s*:\s*\{/.test(
    first.text,
  );
}

export const name = 'codex';
export const codex = { name, detect, read } as const;
