/**
 * OpenAI Codex CLI rollouts: `~/.codex/sessions/YYYY/MM/DD/rollout-<ts>-<id>.jsonl`,
 * lines `{timestamp, type, payload}`. One file is one session, read line by line.
 *
 * Mapping:
 * - sessionId: `payload.id` of the first `session_meta` line, else the file name
 *   without extension.
 * - seedRepo: last path segment of `session_meta.payload.git.repository_url`
 *   without ".git", else of `session_meta.payload.cwd`, else of the first
 *   `turn_context.payload.cwd`; repo: the remote's "owner/name", else the
 *   folder (worktrees folded); branch: `session_meta.payload.git.branch`.
 * - calls: `response_item` payloads of type `function_call`,
 *   `custom_tool_call` (tool = `name`) and `local_shell_call` (tool "shell"),
 *   in file order, deduplicated by `call_id`, paired with the
 *   `function_call_output` / `custom_tool_call_output` of the same `call_id`.
 *   Shell tools (`shell`, `exec_command`, `shell_command`, `local_shell_call`)
 *   get the command line and its family.
 * - outcome: the exit code and duration are read from a JSON-string output
 *   (`{"output", "metadata": {"exit_code", "duration_seconds"}}`, or `exit_code`
 *   at the top level), else from the header lines of a text output ("Exit code:
 *   N", "Process exited with code N", "Wall time: X seconds", before an
 *   "Output:" line). Codex 0.120's unified exec answers a long command with
 *   "Process running with session ID N": its exit code comes later, in the
 *   output of a `write_stdin` poll of session N or in an `exec_command_end`
 *   event of the call, and is the exec_command's (the poll itself succeeded).
 *   A non-zero exit code, an output `{content, success: false}`, arguments Codex
 *   could not parse ("failed to parse function arguments") are errors; an
 *   output or `exec_command_end` saying the command was rejected / declined
 *   (the user or the approval reviewer) is "rejected", a wait on approval.
 *   errorText: the command's output text, its first 500 code points; "Exit
 *   code N" when that text is blank.
 * - measuredMs: the output's duration ×1000 (rounded to the microsecond), else
 *   the `exec_command_end` duration; the seed's latency is else output
 *   timestamp − call timestamp, 0 for a call without output.
 * - errors (not of a call): failed outputs whose call is not in the file.
 * - usage: the last `token_count` event's `total_token_usage` (cumulative), for
 *   the last `turn_context` model: input without the cached part, cached input
 *   as cache read, output (reasoning included).
 * - time: first/last/active over every line's timestamp.
 * Other line and payload types are ignored. A line that is not an object with a
 * string `type`, or a session_meta / response_item / turn_context line of the
 * wrong shape, is skipped as malformed. A file without a session_meta or
 * response_item line yields no session.
 */
import { cpSlice } from '../../python/index.js';
import type { AgentSession, AgentToolCall } from '../../agent-session.js';
import type { ErrorContext } from '../../errors.js';
import type { Session } from '../../session.js';
import { commandFamily, commandLineOf, MAX_COMMAND_CHARS } from './command-family.js';
import { inputDigest } from './input-digest.js';
import { oneSessionLog, type AdapterReadOptions } from './_lines.js';
import { repoIdentity } from './repo-identity.js';
import { toSeedSession } from './seed-view.js';
import { SessionBuilder, tokens } from './_session.js';
import { num, parseExecOutput, type ExecOutput } from './_codex-output.js';

export { parseExecOutput, type ExecOutput };
import { contentText, fileStem, invalid, isObj, lastSegment, optField, secondsToMs, timestampField, typeName, type Obj } from './_util.js';
import { CODEX_LINE_TYPES as LINE_TYPES, codexSignature as detect } from './_signatures.js';

const FORMAT = 'Codex';
/** the line types whose payload is read (and so must be an object) */
const READ_TYPES = new Set(['session_meta', 'response_item', 'turn_context']);
const CALL_TYPES = new Set(['function_call', 'custom_tool_call', 'local_shell_call']);
const OUTPUT_TYPES = new Set(['function_call_output', 'custom_tool_call_output']);
export const MAX_ERROR_CHARS = 500;

const SHELL_TOOLS = new Set(['shell', 'exec_command', 'shell_command', 'container.exec', 'local_shell']);
/** Codex's own words: "exec command rejected by user", "patch rejected by user", an approval
 * reviewer's "rejected due to ..." (the output's first line; a file named rejected.go is no rejection) */
const REJECTED = /\b(rejected|declined|denied)( by| due to|:)/i;
const BAD_ARGUMENTS = /^failed to parse function arguments/;
const RUNNING = /^Process running with session ID (\d+)\s*$/m;

function parseArguments(args: unknown): unknown {
  if (typeof args !== 'string') return args;
  try {
    return JSON.parse(args);
  } catch {
    // arguments Codex could not parse either: digested as the raw text
    return args;
  }
}

function shellCommand(tool: string, input: unknown): string | undefined {
  if (!isObj(input)) return undefined;
  if (tool === 'exec_command') return commandLineOf(input.cmd);
  if (tool === 'local_shell') return commandLineOf(isObj(input.action) ? input.action.command : input.command);
  return commandLineOf(input.command);
}

function durationOf(v: unknown): number | undefined {
  if (!isObj(v)) return undefined;
  const secs = num(v.secs);
  const nanos = num(v.nanos) ?? 0;
  return secs === undefined ? undefined : secs * 1000 + nanos / 1e6;
}

class CodexSession {
  readonly b = new SessionBuilder();
  sessionId: string | undefined;
  repoUrl: string | undefined;
  metaCwd: string | undefined;
  turnCwd: string | undefined;
  branch: string | undefined;
  model: string | undefined;
  seen = false;
  metaSeen = false;
  firstLine = 0;
  readonly byId = new Map<string, number>();
  readonly outputsSeen = new Set<string>();
  /** unified exec sessions still running: session id -> the exec_command call */
  readonly running = new Map<string, number>();
  /** write_stdin calls: call index -> the session id they poll */
  readonly polls = new Map<number, string>();

  line(rec: Obj, type: string, ctx: ErrorContext & { line: number }): void {
    if (!LINE_TYPES.has(type)) return; // unknown line types are skipped unread
    const us = timestampField(FORMAT, rec, '', ctx);
    const payload = rec.payload;
    if (type === 'event_msg') {
      this.b.event(us);
      if (isObj(payload)) this.event(payload, us, ctx.line);
      return;
    }
    if (!READ_TYPES.has(type)) return this.b.event(us); // compacted: time only
    if (!isObj(payload)) throw invalid(FORMAT, `"payload" of a ${type} line is ${typeName(payload)}, expected an object`, ctx);

    if (type === 'session_meta') {
      if (this.metaSeen) {
        this.b.event(us);
        this.mark(ctx.line);
        return; // a resumed or forked rollout repeats it: the first one names the session
      }
      const id = optField(FORMAT, payload, 'id', 'string', 'session_meta ', ctx);
      const cwd = optField(FORMAT, payload, 'cwd', 'string', 'session_meta ', ctx);
      const git = optField(FORMAT, payload, 'git', 'object', 'session_meta ', ctx);
      const url = git === undefined ? undefined : optField(FORMAT, git, 'repository_url', 'string', 'session_meta git ', ctx);
      const branch = git === undefined ? undefined : optField(FORMAT, git, 'branch', 'string', 'session_meta git ', ctx);
      this.b.event(us);
      this.mark(ctx.line);
      this.metaSeen = true;
      this.sessionId = id;
      this.metaCwd = cwd;
      this.repoUrl = url;
      this.branch = branch;
      return;
    }
    if (type === 'turn_context') {
      const cwd = optField(FORMAT, payload, 'cwd', 'string', 'turn_context ', ctx);
      this.b.event(us);
      if (this.turnCwd === undefined) this.turnCwd = cwd;
      if (typeof payload.model === 'string' && payload.model !== '') this.model = payload.model;
      return;
    }
    const ptype = payload.type;
    if (typeof ptype !== 'string') throw invalid(FORMAT, `"payload.type" is ${typeName(ptype)}, expected a string`, ctx);
    if (CALL_TYPES.has(ptype)) return this.call(payload, ptype, us, ctx);
    if (OUTPUT_TYPES.has(ptype)) return this.output(payload, ptype, us, ctx);
    this.b.event(us);
    this.mark(ctx.line);
  }

  private mark(line: number): void {
    if (!this.seen) this.firstLine = line;
    this.seen = true;
  }

  private call(payload: Obj, ptype: string, us: number | undefined, ctx: ErrorContext & { line: number }): void {
    let callId = payload.call_id;
    if ((callId === undefined || callId === null) && ptype === 'local_shell_call') callId = payload.id;
    if (typeof callId !== 'string') throw invalid(FORMAT, `"call_id" of a ${ptype} is ${typeName(callId)}, expected a string`, ctx);
    let tool = 'shell';
    if (ptype !== 'local_shell_call') {
      const n = payload.name;
      if (typeof n !== 'string') throw invalid(FORMAT, `"name" of ${ptype} ${callId} is ${typeName(n)}, expected a string`, ctx);
      tool = n;
    }
    this.b.event(us);
    this.mark(ctx.line);
    if (this.byId.has(callId)) return;
    const input = ptype === 'local_shell_call' ? payload.action : ptype === 'custom_tool_call' ? payload.input : parseArguments(payload.arguments);
    const call: AgentToolCall = { tool, inputDigest: inputDigest(tool, input ?? null), outcome: 'unknown', line: ctx.line };
    if (us !== undefined) call.startUs = us;
    if (SHELL_TOOLS.has(tool) || ptype === 'local_shell_call') {
      const command = shellCommand(ptype === 'local_shell_call' ? 'local_shell' : tool, ptype === 'local_shell_call' ? { action: input } : input);
      if (command !== undefined) {
        call.command = cpSlice(command, MAX_COMMAND_CHARS);
        const family = commandFamily(command);
        if (family !== undefined) call.family = family;
      }
    }
    this.byId.set(callId, this.b.calls.length);
    if (tool === 'write_stdin' && isObj(input) && (typeof input.session_id === 'number' || typeof input.session_id === 'string')) {
      this.polls.set(this.b.calls.length, String(input.session_id));
    }
    this.b.calls.push(call);
  }

  private output(payload: Obj, ptype: string, us: number | undefined, ctx: ErrorContext & { line: number }): void {
    const callId = payload.call_id;
    if (typeof callId !== 'string') throw invalid(FORMAT, `"call_id" of a ${ptype} is ${typeName(callId)}, expected a string`, ctx);
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
    this.b.event(us);
    this.mark(ctx.line);
    if (this.outputsSeen.has(callId)) return;
    this.outputsSeen.add(callId);

    const at = this.byId.get(callId);
    const call = at === undefined ? undefined : this.b.calls[at]!;
    const poll = at === undefined ? undefined : this.polls.get(at);
    // the exit code a poll reports is its process's: it settles the exec_command that started it
    const target = poll !== undefined && exec.exitCode !== undefined ? this.runningCall(poll) : undefined;
    const raw = typeof output === 'string' ? output : '';
    const marker = /^Output:[ \t]*\r?$/m.exec(raw);
    const running = RUNNING.exec(marker ? raw.slice(0, marker.index) : raw);
    if (call !== undefined && poll === undefined && exec.exitCode === undefined && running !== null) {
      // still running: its "Wall time" is the wait for output, not the run; settled by a poll or exec_command_end
      call.resultLine = ctx.line;
      this.running.set(running[1]!, at!);
      return;
    }
    if (call !== undefined) {
      call.resultLine = ctx.line;
      if (us !== undefined) call.endUs = us;
      if (exec.durationS !== undefined) call.measuredMs = secondsToMs(exec.durationS);
    }
    if (target !== undefined) {
      if (call !== undefined) call.outcome = 'ok';
      this.settle(target, exec.exitCode!, exec.text, ctx.line, us);
      return;
    }
    const rejected = exec.exitCode === undefined && REJECTED.test(exec.text.split('\n', 1)[0] ?? '');
    const bad = failed || (exec.exitCode !== undefined && exec.exitCode !== 0) || (exec.exitCode === undefined && BAD_ARGUMENTS.test(exec.text));
    if (!bad && !rejected) {
      if (call !== undefined) call.outcome = 'ok';
      return;
    }
    const text = errorTextOf(exec.text, exec.exitCode);
    const seq = this.b.nextErrorSeq();
    if (call === undefined) {
      this.b.sessionError(text, ctx.line, seq); // an output without its call: its error counts, there is no call to time
      return;
    }
    call.outcome = rejected ? 'rejected' : 'error';
    call.errorText = text;
    call.errorSeq = seq;
  }

  private runningCall(session: string): AgentToolCall | undefined {
    const at = this.running.get(session);
    if (at === undefined) return undefined;
    this.running.delete(session);
    return this.b.calls[at];
  }

  /** A running exec_command's exit, reported later. */
  private settle(call: AgentToolCall, exitCode: number, text: string, line: number, us: number | undefined): void {
    call.resultLine = line;
    if (us !== undefined && call.endUs === undefined) call.endUs = us;
    if (exitCode === 0) {
      call.outcome = 'ok';
      return;
    }
    call.outcome = 'error';
    call.errorText = errorTextOf(text, exitCode);
    call.errorSeq = this.b.nextErrorSeq();
  }

  private event(payload: Obj, us: number | undefined, line: number): void {
    if (payload.type === 'token_count') {
      const info = payload.info;
      const total = isObj(info) ? info.total_token_usage : undefined;
      if (!isObj(total)) return;
      const cached = tokens(total.cached_input_tokens);
      this.b.usage('total', this.model ?? 'unknown', {
        input: Math.max(0, tokens(total.input_tokens) - cached),
        output: tokens(total.output_tokens),
        cacheWrite: 0,
        cacheRead: cached,
      });
      return;
    }
    if (payload.type !== 'exec_command_end' || typeof payload.call_id !== 'string') return;
    const at = this.byId.get(payload.call_id);
    if (at === undefined) return;
    const call = this.b.calls[at]!;
    const ms = durationOf(payload.duration);
    if (call.measuredMs === undefined && ms !== undefined) call.measuredMs = ms;
    if (call.endUs === undefined && us !== undefined) call.endUs = us;
    for (const [session, i] of this.running) if (i === at) this.running.delete(session);
    if (call.outcome === 'error' || call.outcome === 'rejected') return;
    const text =
      typeof payload.aggregated_output === 'string'
        ? payload.aggregated_output
        : typeof payload.formatted_output === 'string'
          ? payload.formatted_output
          : '';
    if (payload.status === 'declined') {
      call.outcome = 'rejected';
      call.errorText = errorTextOf(text, undefined);
      call.errorSeq = this.b.nextErrorSeq();
      return;
    }
    const code = num(payload.exit_code);
    if (code !== undefined && (call.outcome === 'unknown' || code !== 0)) this.settle(call, code, text, line, us);
  }

  finish(path: string): AgentSession | undefined {
    if (!this.seen) return undefined;
    for (const c of this.b.calls) {
      if (c.outcome === 'rejected') {
        c.waitedOn = 'approval';
        if (c.startUs !== undefined && c.endUs !== undefined && c.endUs >= c.startUs) c.waitMs = (c.endUs - c.startUs) / 1000;
        this.b.friction.push({ kind: 'permission', line: c.resultLine ?? c.line });
      }
    }
    let seedRepo: string | undefined;
    if (this.repoUrl !== undefined) seedRepo = lastSegment(this.repoUrl, true);
    if (seedRepo === undefined && this.metaCwd !== undefined) seedRepo = lastSegment(this.metaCwd);
    if (seedRepo === undefined && this.turnCwd !== undefined) seedRepo = lastSegment(this.turnCwd);
    return this.b.build({
      sessionId: this.sessionId ?? fileStem(path),
      agent: 'codex',
      file: path,
      line: this.firstLine,
      repo: repoIdentity(this.repoUrl, this.metaCwd ?? this.turnCwd, 'global'),
      seedRepo,
      branch: this.branch,
    });
  }
}

function errorTextOf(text: string, exitCode: number | undefined): string {
  const t = text.trim() !== '' ? text : exitCode !== undefined ? `Exit code ${exitCode}` : 'Tool call failed';
  return cpSlice(t, MAX_ERROR_CHARS);
}

/** The file's session as the fleet profile reads it (at most one). */
export async function* sessions(path: string, opts: AdapterReadOptions = {}): AsyncGenerator<AgentSession> {
  yield* oneSessionLog(FORMAT, path, opts, new CodexSession());
}

export async function* read(path: string, opts: AdapterReadOptions = {}): AsyncGenerator<Session> {
  for await (const a of sessions(path, opts)) yield toSeedSession(a);
}

export const name = 'codex';
export const codex = { name, detect, read, sessions } as const;
