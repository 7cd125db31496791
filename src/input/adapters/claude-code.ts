/**
 * Claude Code transcripts: `~/.claude/projects/<project>/<session>.jsonl`, and
 * subagent transcripts under `<session>/subagents/agent-<id>.jsonl`.
 * One file is one session; lines are read one at a time and only the session
 * being built is kept (its tool calls, errors, responses and the ids seen).
 *
 * Mapping (see the adapters table in README):
 * - sessionId: the first `sessionId`, else the file name without extension.
 *   A subagent transcript (its lines carry `agentId` and `isSidechain: true`)
 *   shares its parent's `sessionId`, so it is named `<sessionId>/agent-<agentId>`
 *   (and `parentSessionId` is the parent's).
 * - seedRepo: last path segment of the first `cwd`; repo: the same folder with
 *   worktrees folded (repo-identity.ts); branch: the first `gitBranch`.
 * - calls: `tool_use` blocks of assistant lines, in order of first appearance,
 *   deduplicated by block id (one response is written as several lines sharing
 *   `message.id`, and a block may be repeated); `line` is the tool_use's line,
 *   `resultLine` its tool_result's. A call with no result has outcome "unknown".
 * - measuredMs: `toolUseResult.durationMs`, else `.totalDurationMs` (Task), when
 *   the result line holds exactly one tool_result; else none (the seed's latency
 *   is then result time − call time).
 * - outcome: `is_error` results are "rejected" (the user declined: "The user
 *   doesn't want to proceed/take this action"), "interrupted" ("[Request
 *   interrupted by user"), else "error", with the result's text as errorText.
 * - waits: Task/Agent a subagent, TaskOutput (and `waiting_for_task` progress) a
 *   background task, AskUserQuestion a question, ExitPlanMode and rejected calls
 *   the user's approval: each for result − call time. PreToolUse hook progress
 *   lines make a call wait on a hook: for the hooks' measured `durationMs` when
 *   2.1.110 attachment lines give it; else until its command started (the first
 *   `bash_progress` line's time − its elapsed seconds) when logged, for the whole
 *   call when the hook blocked it (an error that is not the command's
 *   "Exit code N"), else for an unknown time.
 * - errors (not of a call): `system` lines with subtype `api_error`, and results
 *   whose tool_use never appears.
 * - usage: per `message.model` of assistant lines, the last record of each
 *   (message id, request id) pair (one response spans several lines).
 * - time: first/last and active time over user, assistant and system lines;
 *   progress, snapshot, attachment and queue lines are not session time.
 * - friction: questions, user interruptions and permission rejections.
 * Lines of other types (progress except the ones above, file-history-snapshot,
 * queue-operation, summary, attachment, last-prompt, permission-mode, anything
 * new) are ignored. A line that is not an object with a string `type`, or a
 * user/assistant/system line of the wrong shape (no timestamp, a `message` that
 * is not an object, ...), is skipped as malformed (adapters/_lines.ts). A file
 * with no user, assistant or system line (a summary-only file) yields no session.
 */
import { cpSlice } from '../../python/index.js';
import type { AgentSession, AgentToolCall, CallOutcome, TokenUsage } from '../../agent-session.js';
import type { ErrorContext } from '../../errors.js';
import type { Session } from '../../session.js';
import { commandFamily, MAX_COMMAND_CHARS } from './command-family.js';
import { inputDigest } from './input-digest.js';
import { oneSessionLog, type AdapterReadOptions } from './_lines.js';
import { folderRepo } from './repo-identity.js';
import { toSeedSession } from './seed-view.js';
import { SessionBuilder, tokens } from './_session.js';
import { contentText, fileStem, invalid, isObj, lastSegment, optField, parseTimestampUs, typeName, type Obj } from './_util.js';
import { claudeCodeSignature as detect } from './_signatures.js';

const FORMAT = 'Claude Code';
const CONVERSATION = new Set(['user', 'assistant', 'system']);
const SHELL_TOOLS = new Set(['Bash']);
const REJECTED = /^The user doesn't want to (proceed with|take) this/;
const INTERRUPTED = /\[Request interrupted by user/;

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
    if (typeof v === 'number' && Number.isFinite(v)) return Math.max(v, 0);
  }
  return undefined;
}

interface Result {
  us: number | undefined;
  line: number;
  durationMs: number | undefined;
  isError: boolean;
  text: string;
  errorSeq: number | undefined;
}

/** What the log shows of a call besides its lines: hook and background-task progress. */
interface CallProgress {
  hookUs?: number;
  /** PreToolUse hooks' measured durations, summed (attachment lines) */
  hookMs?: number;
  commandStartUs?: number;
  background?: boolean;
}

class ClaudeSession {
  readonly b = new SessionBuilder();
  sessionId: string | undefined;
  agentId: string | undefined;
  cwd: string | undefined;
  branch: string | undefined;
  seen = false;
  firstLine = 0;
  readonly callIndex = new Map<string, number>();
  readonly resultsSeen = new Set<string>();
  /** results whose tool_use comes later in the file (Claude Code 2.1.110 writes some so) */
  readonly early = new Map<string, Result>();
  readonly progress = new Map<string, CallProgress>();

  line(rec: Obj, type: string, ctx: ErrorContext & { line: number }): void {
    if (type === 'progress') return this.progressLine(rec);
    if (type === 'attachment') return this.hookResult(rec);
    if (!CONVERSATION.has(type)) return;
    // validate everything before changing the session: a malformed line is skipped whole
    const sid = optField(FORMAT, rec, 'sessionId', 'string', '', ctx);
    const dir = optField(FORMAT, rec, 'cwd', 'string', '', ctx);
    const branch = optField(FORMAT, rec, 'gitBranch', 'string', '', ctx);
    const ts = rec.timestamp;
    if (typeof ts !== 'string')
      throw invalid(FORMAT, `"timestamp" of ${article(type)} line is ${ts === undefined ? 'missing' : typeName(ts)}, expected a string`, ctx);
    const us = parseTimestampUs(ts);
    if (us === undefined) throw invalid(FORMAT, `"timestamp" ${JSON.stringify(ts)} is not an ISO 8601 date-time`, ctx);
    let content: unknown[] | undefined;
    let message: Obj | undefined;
    if (type !== 'system') {
      message = rec.message as Obj;
      if (!isObj(message)) throw invalid(FORMAT, `"message" of ${article(type)} line is ${typeName(message)}, expected an object`, ctx);
      const c = message.content;
      if (Array.isArray(c)) content = c;
      else if (c !== undefined && c !== null && typeof c !== 'string')
        throw invalid(FORMAT, `"message.content" is ${typeName(c)}, expected a string or a list`, ctx);
      if (content !== undefined) checkBlocks(type, content, ctx);
    }

    if (!this.seen) this.firstLine = ctx.line;
    this.seen = true;
    this.b.event(us);
    if (this.sessionId === undefined && sid !== undefined) {
      this.sessionId = sid;
      if (rec.isSidechain === true && typeof rec.agentId === 'string' && rec.agentId !== '') this.agentId = rec.agentId;
    }
    if (this.cwd === undefined && dir !== undefined && dir !== '') this.cwd = dir;
    if (this.branch === undefined && branch !== undefined && branch !== '' && branch !== 'HEAD') this.branch = branch;

    if (type === 'system') {
      if (rec.subtype === 'api_error') this.b.sessionError(apiErrorMessage(rec), ctx.line);
      return;
    }
    if (type === 'assistant') {
      this.usage(rec, message!);
      if (content !== undefined) this.toolUses(content, us, ctx.line);
      return;
    }
    const text = typeof message!.content === 'string' ? message!.content : undefined;
    if (text !== undefined && INTERRUPTED.test(text)) this.b.friction.push({ kind: 'interrupt', line: ctx.line, atUs: us });
    if (content !== undefined) this.toolResults(rec, content, us, ctx.line);
  }

  private usage(rec: Obj, message: Obj): void {
    const u = message.usage;
    const model = message.model;
    if (!isObj(u) || typeof model !== 'string' || model === '<synthetic>') return;
    const id = message.id;
    const req = rec.requestId;
    const key = typeof id === 'string' && typeof req === 'string' ? `${id}\u0000${req}` : undefined;
    const usage: TokenUsage = {
      input: tokens(u.input_tokens),
      output: tokens(u.output_tokens),
      cacheWrite: tokens(u.cache_creation_input_tokens),
      cacheRead: tokens(u.cache_read_input_tokens),
    };
    // the 1-hour cache costs twice the 5-minute one: ccusage's dollars need it apart
    if (isObj(u.cache_creation)) usage.cacheWrite1h = tokens(u.cache_creation.ephemeral_1h_input_tokens);
    this.b.usage(key, model, usage);
  }

  private toolUses(content: unknown[], us: number, line: number): void {
    for (const block of content as Obj[]) {
      if (block.type !== 'tool_use') continue;
      const id = block.id as string;
      const name = block.name as string;
      if (this.callIndex.has(id)) continue;
      this.callIndex.set(id, this.b.calls.length);
      const input = block.input;
      const call: AgentToolCall = { tool: name, inputDigest: inputDigest(name, input ?? null), startUs: us, outcome: 'unknown', line };
      if (SHELL_TOOLS.has(name) && isObj(input) && typeof input.command === 'string') {
        const family = commandFamily(input.command);
        if (family !== undefined) call.family = family;
        call.command = cpSlice(input.command, MAX_COMMAND_CHARS);
      }
      if (name === 'AskUserQuestion') this.b.friction.push({ kind: 'question', line, atUs: us });
      this.b.calls.push(call);
      const pending = this.early.get(id);
      if (pending !== undefined) {
        this.early.delete(id);
        applyResult(call, pending);
      }
    }
  }

  private toolResults(rec: Obj, content: unknown[], us: number, line: number): void {
    let results = 0;
    for (const block of content as Obj[]) if (block.type === 'tool_result') results++;
    const lineDuration = results === 1 ? toolResultDurationMs(rec.toolUseResult) : undefined;
    for (const block of content as Obj[]) {
      if (block.type === 'text' && typeof block.text === 'string' && INTERRUPTED.test(block.text)) {
        this.b.friction.push({ kind: 'interrupt', line, atUs: us });
      }
      if (block.type !== 'tool_result') continue;
      const id = block.tool_use_id as string;
      if (this.resultsSeen.has(id)) continue;
      this.resultsSeen.add(id);
      const isError = block.is_error === true;
      const text = isError ? contentText(block.content) : '';
      const r: Result = { us, line, durationMs: lineDuration, isError, text, errorSeq: isError && text !== '' ? this.b.nextErrorSeq() : undefined };
      const at = this.callIndex.get(id);
      if (at === undefined) this.early.set(id, r);
      else applyResult(this.b.calls[at]!, r);
    }
  }

  /** 2.1.110 writes a hook's result as an attachment, with its measured duration. */
  private hookResult(rec: Obj): void {
    const a = rec.attachment;
    if (!isObj(a) || a.hookEvent !== 'PreToolUse' || typeof a.toolUseID !== 'string') return;
    const ms = a.durationMs;
    if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) return;
    let p = this.progress.get(a.toolUseID);
    if (p === undefined) this.progress.set(a.toolUseID, (p = {}));
    p.hookMs = (p.hookMs ?? 0) + ms;
  }

  private progressLine(rec: Obj): void {
    const data = rec.data;
    const parent = rec.parentToolUseID;
    if (!isObj(data) || typeof parent !== 'string') return;
    const us = typeof rec.timestamp === 'string' ? parseTimestampUs(rec.timestamp) : undefined;
    if (us === undefined) return;
    let p = this.progress.get(parent);
    const get = () => (p ??= this.progress.set(parent, {}).get(parent)!);
    if (data.type === 'hook_progress' && data.hookEvent === 'PreToolUse') {
      const c = get();
      if (c.hookUs === undefined || us < c.hookUs) c.hookUs = us;
    } else if (data.type === 'bash_progress' && typeof data.elapsedTimeSeconds === 'number' && Number.isFinite(data.elapsedTimeSeconds)) {
      const start = us - data.elapsedTimeSeconds * 1_000_000;
      const c = get();
      if (c.commandStartUs === undefined || start < c.commandStartUs) c.commandStartUs = start;
    } else if (data.type === 'waiting_for_task') {
      get().background = true;
    }
  }

  finish(path: string): AgentSession | undefined {
    if (!this.seen) return undefined;
    for (const [, r] of this.early) {
      if (r.errorSeq !== undefined) this.b.sessionError(r.text, r.line, r.errorSeq);
    }
    for (const [id, at] of this.callIndex) waits(this.b.calls[at]!, this.progress.get(id));
    for (const c of this.b.calls) {
      if (c.outcome === 'rejected')
        this.b.friction.push({
          kind: 'permission',
          line: c.resultLine ?? c.line,
          ...(c.endUs !== undefined ? { atUs: c.endUs } : {}),
          ...(c.waitMs !== undefined ? { waitMs: c.waitMs } : {}),
        });
    }
    this.b.friction.sort((x, y) => x.line - y.line);
    let id = this.sessionId ?? fileStem(path);
    let parent: string | undefined;
    if (this.sessionId !== undefined && this.agentId !== undefined) {
      id = `${this.sessionId}/agent-${this.agentId}`;
      parent = this.sessionId;
    }
    const seedRepo = this.cwd === undefined ? undefined : lastSegment(this.cwd);
    return this.b.build({
      sessionId: id,
      agent: 'claude-code',
      file: path,
      line: this.firstLine,
      repo: (this.cwd === undefined ? undefined : folderRepo(this.cwd)) ?? 'global',
      seedRepo,
      branch: this.branch,
      parentSessionId: parent,
    });
  }
}

/** "a user", "an assistant" */
function article(type: string): string {
  return `${type === 'assistant' ? 'an' : 'a'} ${type}`;
}

function checkBlocks(type: string, content: unknown[], ctx: ErrorContext): void {
  for (const block of content) {
    if (!isObj(block)) throw invalid(FORMAT, `a content block is ${typeName(block)}, expected an object`, ctx);
    if (type === 'assistant' && block.type === 'tool_use') {
      if (typeof block.id !== 'string') throw invalid(FORMAT, `"id" of a tool_use block is ${typeName(block.id)}, expected a string`, ctx);
      if (typeof block.name !== 'string') throw invalid(FORMAT, `"name" of tool_use ${block.id} is ${typeName(block.name)}, expected a string`, ctx);
    }
    if (type === 'user' && block.type === 'tool_result' && typeof block.tool_use_id !== 'string') {
      throw invalid(FORMAT, `"tool_use_id" of a tool_result block is ${typeName(block.tool_use_id)}, expected a string`, ctx);
    }
  }
}

function outcomeOf(r: Result): CallOutcome {
  if (!r.isError) return 'ok';
  if (REJECTED.test(r.text)) return 'rejected';
  if (INTERRUPTED.test(r.text)) return 'interrupted';
  return 'error';
}

function applyResult(call: AgentToolCall, r: Result): void {
  call.outcome = outcomeOf(r);
  call.resultLine = r.line;
  if (r.us !== undefined) call.endUs = r.us;
  if (r.durationMs !== undefined) call.measuredMs = r.durationMs;
  if (r.isError) call.errorText = r.text;
  if (r.errorSeq !== undefined) call.errorSeq = r.errorSeq;
}

function span(call: AgentToolCall): number | undefined {
  return call.startUs !== undefined && call.endUs !== undefined && call.endUs >= call.startUs ? (call.endUs - call.startUs) / 1000 : undefined;
}

function waits(call: AgentToolCall, p: CallProgress | undefined): void {
  const whole = span(call);
  const set = (kind: NonNullable<AgentToolCall['waitedOn']>, ms: number | undefined) => {
    call.waitedOn = kind;
    if (ms !== undefined) call.waitMs = ms;
  };
  if (call.tool === 'Task' || call.tool === 'Agent') return set('subagent', call.measuredMs ?? whole);
  if (call.tool === 'TaskOutput' || p?.background === true) return set('background', whole);
  if (call.tool === 'AskUserQuestion') return set('question', whole);
  if (call.tool === 'ExitPlanMode' || call.outcome === 'rejected') return set('approval', whole);
  if (p?.hookMs !== undefined) return set('hook', p.hookMs);
  if (p?.hookUs === undefined || call.startUs === undefined) return;
  if (p.commandStartUs !== undefined) return set('hook', Math.max(0, (p.commandStartUs - call.startUs) / 1000));
  if (call.outcome === 'error' && !/^Exit code \d+/.test(call.errorText ?? '')) return set('hook', whole);
  set('hook', undefined);
}

/** The file's session as the fleet profile reads it (at most one). */
export async function* sessions(path: string, opts: AdapterReadOptions = {}): AsyncGenerator<AgentSession> {
  yield* oneSessionLog(FORMAT, path, opts, new ClaudeSession());
}

export async function* read(path: string, opts: AdapterReadOptions = {}): AsyncGenerator<Session> {
  for await (const a of sessions(path, opts)) yield toSeedSession(a);
}

export const name = 'claude-code';
export const claudeCode = { name, detect, read, sessions } as const;
