/**
 * OpenHands trajectories: a JSON array of events (actions and observations),
 * as written by `save_trajectory_path` / the "export trajectory" button.
 * One file is one session; the array is streamed one event at a time
 * (_json-walk.ts), keeping only the actions still waiting for their observation.
 *
 * Mapping:
 * - session_id: the file name without extension (the events carry no id).
 * - repo: last segment of the first `extras.repo_name` (a workspace-context
 *   `recall` observation names the repository), else of `extras.repo_directory`;
 *   "global" when the trajectory names none (the sandbox's `/workspace` is not a repo).
 * - tool_calls: agent actions (`action` set, `source` "agent" or absent) except
 *   the conversational and control ones (message, system, finish, reject,
 *   change_agent_state, recall, condensation, null, start, pause, resume, stop);
 *   tool = the `action` (run, read, edit, browse, think, ...), in file order.
 * - latency_ms: timestamp of the observation whose `cause` is the action's `id`
 *   minus the action's timestamp (naive timestamps are UTC, microseconds kept).
 * - errors: observations of type "error", and observations with a non-zero
 *   `extras.metadata.exit_code` or `extras.exit_code` (-1, "no new output after
 *   N seconds", is not 0). Message: the observation's `content`, else its `message`,
 *   else "Exit code N".
 * - duration_minutes: latest − earliest event timestamp.
 * AgentSession: a call's outcome is "ok" once its observation arrives, "error"
 * (with the observation's text) for the errors above, "rejected" for a
 * `user_rejected` observation; a `run` action's `args.command` gives the command
 * and its family; a call's line is the file line where its action event opens (its
 * `{`), its resultLine the observation's.
 * An event that is not an object, or has a field of the wrong type, is skipped
 * as malformed. An empty array yields no session.
 */
import { cpSlice } from '../../python/index.js';
import type { AgentSession, AgentToolCall } from '../../agent-session.js';
import type { Session } from '../../session.js';
import { commandFamily, MAX_COMMAND_CHARS } from './command-family.js';
import { inputDigest } from './input-digest.js';
import { walkJson } from './_json-walk.js';
import { skipMalformed, type AdapterReadOptions } from './_lines.js';
import { toSeedSession } from './seed-view.js';
import { SessionBuilder } from './_session.js';
import { fileStem, invalid, isObj, lastSegment, optField, timestampField, typeName, type Obj } from './_util.js';
import { openHandsSignature as detect } from './_signatures.js';

const FORMAT = 'OpenHands';
export const NON_TOOL_ACTIONS: ReadonlySet<string> = new Set([
  'message',
  'system',
  'finish',
  'reject',
  'change_agent_state',
  'recall',
  'condensation',
  'condensation_request',
  'null',
  'start',
  'pause',
  'resume',
  'stop',
]);

function exitCodeOf(extras: Obj | undefined): number | undefined {
  if (extras === undefined) return undefined;
  const meta = extras.metadata;
  if (isObj(meta) && typeof meta.exit_code === 'number') return meta.exit_code;
  return typeof extras.exit_code === 'number' ? extras.exit_code : undefined;
}

interface Pending {
  at: number;
}

/** The file's session as the fleet profile reads it (at most one). */
export async function* sessions(path: string, opts: AdapterReadOptions = {}): AsyncGenerator<AgentSession> {
  const b = new SessionBuilder();
  const pending = new Map<number | string, Pending>();
  let repo: string | undefined;
  let events = 0;

  const events$ = walkJson(path, FORMAT, (p, kind, line) => {
    if (p.length === 0) {
      if (kind !== 'array')
        throw invalid(FORMAT, `the document is ${kind === 'object' ? 'an object' : 'a scalar'}, expected a list of events`, { file: path, line });
      return false;
    }
    return p.length === 1;
  });
  for await (const { path: p, value: ev, line } of events$) {
    const index = p[0] as number;
    const where = `event #${index}: `;
    let checked: ReturnType<typeof checkEvent>;
    try {
      checked = checkEvent(ev, where, { file: path, line });
    } catch (err) {
      skipMalformed(opts, err);
      continue;
    }
    const { e, us, id, action, observation, source, extras, cause } = checked;
    events++;
    b.event(us);
    if (repo === undefined && extras !== undefined) {
      for (const key of ['repo_name', 'repo_directory']) {
        const v = extras[key];
        if (typeof v === 'string' && v !== '') {
          repo = lastSegment(v, true);
          if (repo !== undefined) break;
        }
      }
    }

    if (action !== undefined) {
      if ((source === undefined || source === 'agent') && !NON_TOOL_ACTIONS.has(action)) {
        if (typeof id === 'number' || typeof id === 'string') pending.set(id, { at: b.calls.length });
        const args = isObj(e.args) ? e.args : undefined;
        const call: AgentToolCall = { tool: action, inputDigest: inputDigest(action, args ?? null), outcome: 'unknown', line };
        if (us !== undefined) call.startUs = us;
        if (action === 'run' && args !== undefined && typeof args.command === 'string' && args.command.trim() !== '') {
          call.command = cpSlice(args.command, MAX_COMMAND_CHARS);
          const family = commandFamily(args.command);
          if (family !== undefined) call.family = family;
        }
        b.calls.push(call);
      }
      continue;
    }
    if (observation === undefined) continue;
    let call: AgentToolCall | undefined;
    if (cause !== undefined && cause !== null) {
      const waiting = pending.get(cause as number | string);
      if (waiting !== undefined) {
        pending.delete(cause as number | string);
        call = b.calls[waiting.at]!;
        if (us !== undefined) call.endUs = us;
        call.resultLine = line;
        call.outcome = 'ok';
      }
    }
    const code = exitCodeOf(extras);
    if (observation === 'error' || (code !== undefined && code !== 0)) {
      const content = typeof e.content === 'string' ? e.content : '';
      const message = typeof e.message === 'string' ? e.message : '';
      const text = content.trim() !== '' ? content : message.trim() !== '' ? message : code !== undefined ? `Exit code ${code}` : 'error';
      const seq = b.nextErrorSeq();
      if (call === undefined) b.sessionError(text, line, seq);
      else {
        call.outcome = observation === 'user_rejected' ? 'rejected' : 'error';
        call.errorText = text;
        call.errorSeq = seq;
      }
    } else if (call !== undefined && observation === 'user_rejected') {
      call.outcome = 'rejected';
    }
  }
  if (events === 0) return;
  yield b.build({ sessionId: fileStem(path), agent: 'openhands', file: path, line: 1, repo: repo ?? 'global', seedRepo: repo });
}

function checkEvent(ev: unknown, where: string, ctx: { file: string; line: number }) {
  if (!isObj(ev)) throw invalid(FORMAT, `${where}the event is ${typeName(ev)}, expected an object`, ctx);
  const us = timestampField(FORMAT, ev, where, ctx);
  const id = ev.id;
  if (id !== undefined && id !== null && typeof id !== 'number' && typeof id !== 'string')
    throw invalid(FORMAT, `${where}"id" is ${typeName(id)}, expected a number`, ctx);
  const action = optField(FORMAT, ev, 'action', 'string', where, ctx);
  const observation = optField(FORMAT, ev, 'observation', 'string', where, ctx);
  const source = optField(FORMAT, ev, 'source', 'string', where, ctx);
  const extras = optField(FORMAT, ev, 'extras', 'object', where, ctx);
  const cause = ev.cause;
  if (
    action === undefined &&
    observation !== undefined &&
    cause !== undefined &&
    cause !== null &&
    typeof cause !== 'number' &&
    typeof cause !== 'string'
  )
    throw invalid(FORMAT, `${where}"cause" is ${typeName(cause)}, expected a number`, ctx);
  return { e: ev, us, id, action, observation, source, extras, cause };
}

export async function* read(path: string, opts: AdapterReadOptions = {}): AsyncGenerator<Session> {
  for await (const a of sessions(path, opts)) yield toSeedSession(a);
}

export const name = 'openhands';
export const openHands = { name, detect, read, sessions } as const;
