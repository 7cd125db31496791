/**
 * OpenHands trajectories: a JSON array of events (actions and observations),
 * as written by `save_trajectory_path` / the "export trajectory" button.
 * One file is one session; the array is streamed one event at a time
 * (stream-json), keeping only the actions still waiting for their observation.
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
 * An empty array yields no session.
 */
import type { Session, ToolCall } from '../../session.js';
import { scanDocument } from './_head.js';
import { walkJson } from './_json-walk.js';
import {
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

export async function* read(path: string): AsyncGenerator<Session> {
  const calls: { tool: string; latency: number }[] = [];
  const pending = new Map<number | string, { at: number; us: number | undefined }>();
  const errors: string[] = [];
  const span = new TimeSpan();
  let repo: string | undefined;
  let events = 0;

  const events$ = walkJson(path, FORMAT, (p, kind) => {
    if (p.length === 0) {
      if (kind !== 'array') throw invalid(FORMAT, `the document is ${kind === 'object' ? 'an object' : 'a scalar'}, expected a list of events`, { file: path });
      return false;
    }
    return p.length === 1;
  });
  for await (const { path: p, value: ev } of events$) {
    const index = p[0] as number;
    const where = `event #${index}: `;
    const ctx = { file: path };
    if (!isObj(ev)) throw invalid(FORMAT, `${where}the event is ${typeName(ev)}, expected an object`, ctx);
    events++;
    const us = timestampField(FORMAT, ev, where, ctx);
    if (us !== undefined) span.add(us);
    const id = ev.id;
    if (id !== undefined && id !== null && typeof id !== 'number' && typeof id !== 'string')
      throw invalid(FORMAT, `${where}"id" is ${typeName(id)}, expected a number`, ctx);
    const action = optField(FORMAT, ev, 'action', 'string', where, ctx);
    const observation = optField(FORMAT, ev, 'observation', 'string', where, ctx);
    const source = optField(FORMAT, ev, 'source', 'string', where, ctx);
    const extras = optField(FORMAT, ev, 'extras', 'object', where, ctx);
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
        if (typeof id === 'number' || typeof id === 'string') pending.set(id, { at: calls.length, us });
        calls.push({ tool: action, latency: 0 });
      }
      continue;
    }
    if (observation === undefined) continue;
    const cause = ev.cause;
    if (cause !== undefined && cause !== null && typeof cause !== 'number' && typeof cause !== 'string')
      throw invalid(FORMAT, `${where}"cause" is ${typeName(cause)}, expected a number`, ctx);
    if (cause !== undefined && cause !== null) {
      const waiting = pending.get(cause);
      if (waiting !== undefined) {
        pending.delete(cause);
        calls[waiting.at]!.latency = latencyMs(waiting.us, us);
      }
    }
    const code = exitCodeOf(extras);
    if (observation === 'error' || (code !== undefined && code !== 0)) {
      const content = typeof ev.content === 'string' ? ev.content : '';
      const message = typeof ev.message === 'string' ? ev.message : '';
      const text = content.trim() !== '' ? content : message.trim() !== '' ? message : code !== undefined ? `Exit code ${code}` : 'error';
      errors.push(text);
    }
  }
  if (events === 0) return;
  const toolCalls: ToolCall[] = calls.map((c) => ({ tool: c.tool, latency_ms: c.latency }));
  yield makeSession(fileStem(path), repo, errors, toolCalls, span.minutes());
}

/** A JSON array whose first element is an event: `source` plus a string `action` or `observation`. */
export function detect(head: Buffer, _path: string): boolean {
  const doc = scanDocument(head);
  if (doc.root !== 'array') return false;
  const first = doc.firstElement;
  if (isObj(first)) {
    return typeof first.source === 'string' && (typeof first.action === 'string' || typeof first.observation === 'string');
  }
  const text = doc.firstElementText;
  if (text === undefined || !text.startsWith('{')) return false;
  return /"source"\s*:\s*"/.test(text) && /"(action|observation)"\s*:\s*"/.test(text);
}

export const name = 'openhands';
export const openHands = { name, detect, read } as const;
