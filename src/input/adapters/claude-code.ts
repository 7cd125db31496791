/**
 * Claude Code transcripts: `~/.claude/projects/<project>/<session>.jsonl`, and
 * subagent transcripts under `<session>/subagents/agent-<id>.jsonl`.
 * One file is one session; lines are read one at a time and only the session
 * being built is kept (its tool calls, errors and the ids seen).
 *
 * Mapping (see the adapters table in README):
 * - session_id: the first `sessionId`, else the file name without extension.
 *   A subagent transcript (its lines carry `agentId` and `isSidechain: true`)
 *   shares its parent's `sessionId`, so it is named `<sessionId>/agent-<agentId>`
 *   to keep the two sessions apart.
 * - repo: last path segment of the first `cwd` (the session's starting folder;
 *   a later `cd` into a subfolder does not rename the repo); "global" without one.
 * - tool_calls: `tool_use` blocks of assistant lines, in order of first
 *   appearance, deduplicated by block id (one response is written as several
 *   lines sharing `message.id`, and a block may be repeated). A call with no
 *   result (interrupted session) still counts, with latency 0.
 * - latency_ms: `toolUseResult.durationMs`, else `toolUseResult.totalDurationMs`
 *   (Task), when the result line holds exactly one tool_result; otherwise the
 *   result line's timestamp minus the call line's timestamp.
 * - errors, in file order: the text of each `tool_result` with `is_error: true`
 *   (a string, or the text blocks of a list joined by "\n"; first result per
 *   tool_use id only), and each `system` line with subtype `api_error`.
 * - duration_minutes: (latest − earliest timestamp) of user, assistant and
 *   system lines; progress, snapshot and queue lines are not session time.
 * Lines of other types (progress, file-history-snapshot, queue-operation,
 * summary, anything new) are ignored. A file with no user, assistant or system
 * line (a summary-only file) yields no session.
 */
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
  TimeSpan,
  timestampField,
  typeName,
  type Obj,
} from './_util.js';

const FORMAT = 'Claude Code';
const CONVERSATION = new Set(['user', 'assistant', 'system']);
const KNOWN_TYPES = new Set(['user', 'assistant', 'system', 'summary', 'progress', 'file-history-snapshot', 'queue-operation']);

interface Call {
  tool: string;
  callUs: number | undefined;
  latency: number;
  resolved: boolean;
}

/** Message of a `system`/`api_error` line: its `content`, else what its `error` object says. */
export function apiErrorMessage(line: Obj): string {
  if (typeof line.content === 'string' && line.content.trim() !== '') return line.content;
  const err = line.error;
  if (typeof err === 'string' && err !== '') return `API error: ${err}`;
  let status: unknown;
  let detail: string | undefined;
  if (isObj(err)) {
    status = err.status;
    // The Anthropic error body nests: {status, error: {type: "error", error: {type, message}}}
    const candidates: unknown[] = [err.message];
    if (isObj(err.error)) {
      candidates.push(err.error.message);
      if (isObj(err.error.error)) candidates.push(err.error.error.message);
    }
    if (isObj(err.cause)) candidates.push(err.cause.message, err.cause.code);
    detail = candidates.find((c): c is string => typeof c === 'string' && c !== '');
  }
  const head = typeof status === 'number' ? `API error ${status}` : 'API error';
  return detail !== undefined ? `${head}: ${detail}` : head;
}

function toolResultDurationMs(tur: unknown): number | undefined {
  if (!isObj(tur)) return undefined;
  for (const key of ['durationMs', 'totalDurationMs']) {
    const v = tur[key];
    if (typeof v === 'number' && Number.isFinite(v)) return v > 0 ? v : 0;
  }
  return undefined;
}

export async function* read(path: string): AsyncGenerator<Session> {
  let sessionId: string | undefined;
  let agentId: string | undefined;
  let cwd: string | undefined;
  let seen = false;
  const calls: Call[] = [];
  const callIndex = new Map<string, number>();
  const resultsSeen = new Set<string>();
  // Results whose tool_use comes later in the file (never written so by Claude Code, but cheap to honour).
  const early = new Map<string, { us: number | undefined; durationMs: number | undefined }>();
  const errors: string[] = [];
  const span = new TimeSpan();

  for await (const { rec, type, ctx } of typedLines(FORMAT, path)) {
    if (!CONVERSATION.has(type)) continue;

    seen = true;
    const sid = optField(FORMAT, rec, 'sessionId', 'string', '', ctx);
    const dir = optField(FORMAT, rec, 'cwd', 'string', '', ctx);
    const us = timestampField(FORMAT, rec, '', ctx);
    if (us !== undefined) span.add(us);
    if (sessionId === undefined && sid !== undefined) {
      sessionId = sid;
      if (rec.isSidechain === true && typeof rec.agentId === 'string' && rec.agentId !== '') agentId = rec.agentId;
    }
    if (cwd === undefined && dir !== undefined && dir !== '') cwd = dir;

    if (type === 'system') {
      if (rec.subtype === 'api_error') errors.push(apiErrorMessage(rec));
      continue;
    }

    const message = rec.message;
    if (!isObj(message)) throw invalid(FORMAT, `"message" of a ${type} line is ${typeName(message)}, expected an object`, ctx);
    const content = message.content;
    if (content === undefined || content === null || typeof content === 'string') continue;
    if (!Array.isArray(content)) throw invalid(FORMAT, `"message.content" is ${typeName(content)}, expected a string or a list`, ctx);

    if (type === 'assistant') {
      for (const block of content) {
        if (!isObj(block)) throw invalid(FORMAT, `a content block is ${typeName(block)}, expected an object`, ctx);
        if (block.type !== 'tool_use') continue;
        const id = block.id;
        const name = block.name;
        if (typeof id !== 'string') throw invalid(FORMAT, `"id" of a tool_use block is ${typeName(id)}, expected a string`, ctx);
        if (typeof name !== 'string') throw invalid(FORMAT, `"name" of tool_use ${id} is ${typeName(name)}, expected a string`, ctx);
        if (callIndex.has(id)) continue;
        callIndex.set(id, calls.length);
        const call: Call = { tool: name, callUs: us, latency: 0, resolved: false };
        const pending = early.get(id);
        if (pending !== undefined) {
          early.delete(id);
          call.resolved = true;
          call.latency = pending.durationMs ?? latencyMs(us, pending.us);
        }
        calls.push(call);
      }
      continue;
    }

    // user line: tool results
    let results = 0;
    for (const block of content) {
      if (isObj(block) && block.type === 'tool_result') results++;
    }
    if (results === 0) continue;
    const lineDuration = results === 1 ? toolResultDurationMs(rec.toolUseResult) : undefined;
    for (const block of content) {
      if (!isObj(block)) throw invalid(FORMAT, `a content block is ${typeName(block)}, expected an object`, ctx);
      if (block.type !== 'tool_result') continue;
      const id = block.tool_use_id;
      if (typeof id !== 'string') throw invalid(FORMAT, `"tool_use_id" of a tool_result block is ${typeName(id)}, expected a string`, ctx);
      if (resultsSeen.has(id)) continue;
      resultsSeen.add(id);
      if (block.is_error === true) {
        const text = contentText(block.content);
        if (text !== '') errors.push(text);
      }
      const at = callIndex.get(id);
      if (at === undefined) {
        early.set(id, { us, durationMs: lineDuration });
        continue;
      }
      const call = calls[at]!;
      call.resolved = true;
      call.latency = lineDuration ?? latencyMs(call.callUs, us);
    }
  }

  if (!seen) return;
  let id = sessionId ?? fileStem(path);
  if (sessionId !== undefined && agentId !== undefined) id = `${sessionId}/agent-${agentId}`;
  const toolCalls: ToolCall[] = calls.map((c) => ({ tool: c.tool, latency_ms: c.latency }));
  const repo = cwd === undefined ? undefined : lastSegment(cwd);
  yield makeSession(id, repo, errors, toolCalls, span.minutes());
}

/**
 * A Claude Code transcript starts with a JSON object line whose `type` is one of
 * the transcript's line types and that carries `sessionId` (or, for a summary
 * line, `leafUuid`; for a snapshot, `messageId`). When the first line is longer
 * than the head, its beginning is matched instead.
 */
export function detect(head: Buffer, _path: string): boolean {
  const first = headLines(head, 1)[0];
  if (first === undefined) return false;
  const rec = tryParse(first);
  if (isObj(rec)) {
    if (typeof rec.type !== 'string' || !KNOWN_TYPES.has(rec.type) || 'payload' in rec) return false;
    if (typeof rec.sessionId === 'string') return true;
    if (rec.type === 'summary') return typeof rec.leafUuid === 'string';
    if (rec.type === 'file-history-snapshot') return typeof rec.messageId === 'string';
    return false;
  }
  if (first.complete || !first.text.trimStart().startsWith('{')) return false;
  return (
    /"type"\s*:\s*"(user|assistant|system|summary|progress|file-history-snapshot|queue-operation)"/.test(first.text) &&
    /"(sessionId|parentUuid|leafUuid)"\s*:/.test(first.text)
  );
}

export const name = 'claude-code';
export const claudeCode = { name, detect, read } as const;
