/**
 * SWE-agent trajectories (`<instance>.traj`): one JSON object per run with
 * `trajectory` (the executed steps), `history` (the chat), `info` and, since
 * 1.0, `replay_config`. One file is one session; steps and history messages are
 * streamed one at a time (_json-walk.ts), so the long observations are never
 * held together.
 *
 * Mapping:
 * - session_id: `info.instance_id` when present, else the file name without extension.
 * - repo: last segment of `replay_config.env.repo.github_url` (without ".git");
 *   else the repository of a SWE-bench style instance id `owner__repo-N`
 *   (`info.instance_id`, else the file name up to its first "."); else "global".
 *   (`environment` is the name of the environment, e.g. "swe_main", and
 *   `repo_name` the folder inside the container, e.g. "testbed": neither names a repo.)
 * - tool_calls: one per `trajectory` step whose `action` is not blank; tool =
 *   first word of the action ("edit 4:4\n..." -> "edit", "python x.py" -> "python").
 *   Only when the trajectory has no step: the `history`'s assistant messages
 *   instead, tool = each `tool_calls[].function.name`, else the action's first word.
 * - latency_ms: the step's `execution_time` (seconds) ×1000, else 0.
 * - errors: steps (or, without steps, history tool/observation messages) whose
 *   observation matches `isErrorObservation`; message = the observation.
 * - duration_minutes: 0, since a trajectory records no wall-clock time (the sum of
 *   `execution_time` leaves out the model's time, so it would understate).
 * AgentSession: a step's call has the action as its command (with its family),
 * measuredMs = execution_time, outcome "error" with the observation as its text
 * when the observation is an error, else "ok"; history calls have no outcome;
 * usage from `info.model_stats` (tokens_sent / tokens_received) for the model of
 * `replay_config.agent.model.name` ("unknown" without one), with the cost the agent
 * logged (`instance_cost`, when above 0; its line is the cost's evidence); a call's
 * or error's line is the file line where its step or message opens (its `{`).
 * A step or message that is not an object or has a field of the wrong type is
 * skipped as malformed.
 */
import { cpSlice } from '../../python/index.js';
import type { AgentSession, AgentToolCall } from '../../agent-session.js';
import type { Session } from '../../session.js';
import { commandFamily, MAX_COMMAND_CHARS } from './command-family.js';
import { inputDigest } from './input-digest.js';
import { walkJson } from './_json-walk.js';
import { skipMalformed, type AdapterReadOptions } from './_lines.js';
import { remoteName } from './repo-identity.js';
import { toSeedSession } from './seed-view.js';
import { SessionBuilder, tokens } from './_session.js';
import { contentText, fileStem, invalid, isObj, lastSegment, secondsToMs, typeName, type Obj } from './_util.js';
import { basename } from 'node:path';
import { sweAgentSignature as detect } from './_signatures.js';

const FORMAT = 'SWE-agent';

/**
 * The error rule. An observation is an error when it
 *  1. contains a Python traceback: "Traceback (most recent call last)";
 *  2. has a line that starts with a word ending in "Error" or "Exception" and a
 *     colon, /^\w*(Error|Exception):/m, as in "ModuleNotFoundError: No module
 *     named 'x'", "Exception: boom" or "Error: file not found";
 *  3. reports a missing command: "command not found";
 *  4. is SWE-agent's linter refusing an edit: "Your proposed edit has introduced new syntax error".
 * Lines are matched at their start, so source code shown by `open`
 * ("  1466:   raise ValueError(msg)") and diff lines ("+raise ValueError") are not errors.
 */
export function isErrorObservation(obs: string): boolean {
  return (
    obs.includes('Traceback (most recent call last)') ||
    /^\w*(Error|Exception):/m.test(obs) ||
    obs.includes('command not found') ||
    obs.includes('Your proposed edit has introduced new syntax error')
  );
}

function firstWord(action: string): string | undefined {
  const m = /\S+/.exec(action);
  return m ? m[0] : undefined;
}

/** "pydicom__pydicom-1458" -> "pydicom"; "swe-agent__test-repo-i1" -> "test-repo". */
export function repoFromInstanceId(id: string): string | undefined {
  const m = /^[^_]+(?:_[^_]+)*?__(.+)-[^-]+$/.exec(id);
  return m ? m[1] : undefined;
}

/** The file's session as the fleet profile reads it (always one). */
export async function* sessions(path: string, opts: AdapterReadOptions = {}): AsyncGenerator<AgentSession> {
  const steps = new SessionBuilder();
  const hist = new SessionBuilder();
  let stepCount = 0;
  let instanceId: string | undefined;
  let githubUrl: string | undefined;
  let model: string | undefined;
  let stats: Obj | undefined;
  let costLine = 1;

  const parts = walkJson(path, FORMAT, (p, kind, line) => {
    if (p.length === 0) {
      if (kind !== 'object')
        throw invalid(FORMAT, `the document is ${kind === 'array' ? 'a list' : 'a scalar'}, expected an object`, { file: path, line });
      return false;
    }
    const top = p[0];
    if (p.length === 1) {
      if (top === 'trajectory' || top === 'history') {
        if (kind !== 'array')
          throw invalid(FORMAT, `"${top}" is ${kind === 'object' ? 'an object' : 'a scalar'}, expected a list`, { file: path, line });
        return false;
      }
      // an `info` object is walked into, for the line its cost is written on; anything else is taken (and refused below)
      return (top === 'info' && kind !== 'object') || top === 'replay_config';
    }
    if (top === 'info') return p.length === 2 ? !(p[1] === 'model_stats' && kind === 'object') : p.length === 3;
    return p.length === 2 && (top === 'trajectory' || top === 'history');
  });

  for await (const { path: p, value, line } of parts) {
    const top = p[0];
    const ctx = { file: path, line };
    if (top === 'info') {
      if (p.length === 1) {
        if (value === null) continue;
        throw invalid(FORMAT, `"info" is ${typeName(value)}, expected an object`, ctx);
      }
      if (p[1] === 'instance_id' && typeof value === 'string' && value !== '') instanceId = value;
      // info.model_stats, one field at a time (a model_stats that is not an object counts nothing)
      if (p.length === 3) {
        stats ??= {};
        stats[p[2] as string] = value;
        if (p[2] === 'instance_cost') costLine = line;
      }
      continue;
    }
    if (top === 'replay_config') {
      let cfg: unknown = value;
      if (typeof value === 'string') {
        try {
          cfg = JSON.parse(value);
        } catch {
          // replay_config is informative only: an unparsable one names no repo
          cfg = undefined;
        }
      }
      const repoCfg = isObj(cfg) && isObj(cfg.env) && isObj(cfg.env.repo) ? cfg.env.repo : undefined;
      if (repoCfg !== undefined && typeof repoCfg.github_url === 'string') githubUrl = repoCfg.github_url;
      const agentModel = isObj(cfg) && isObj(cfg.agent) && isObj(cfg.agent.model) ? cfg.agent.model.name : undefined;
      if (typeof agentModel === 'string' && agentModel !== '') model = agentModel;
      continue;
    }
    const index = p[1] as number;
    const where = `${String(top)} #${String(index)}: `;
    try {
      if (!isObj(value)) throw invalid(FORMAT, `${where}${typeName(value)}, expected an object`, ctx);
      if (top === 'trajectory') {
        readStep(value, where, ctx, steps, line);
        stepCount++;
      } else {
        readHistoryMessage(value, where, ctx, hist, line);
      }
    } catch (err) {
      skipMalformed(opts, err);
    }
  }

  const id = instanceId ?? fileStem(path);
  let repo = githubUrl !== undefined ? lastSegment(githubUrl, true) : undefined;
  if (repo === undefined) repo = repoFromInstanceId(instanceId ?? basename(path).split('.')[0] ?? '');
  const b = stepCount > 0 ? steps : hist;
  if (stats !== undefined) {
    const m = model ?? 'unknown';
    b.usage(undefined, m, { input: tokens(stats.tokens_sent), output: tokens(stats.tokens_received), cacheWrite: 0, cacheRead: 0 });
    // the instance's cost, not `total_cost` (the whole batch's so far, when the run had several instances)
    b.loggedCost(stats.instance_cost, costLine, m);
  }
  const identity = (githubUrl === undefined ? undefined : remoteName(githubUrl)) ?? repo ?? 'global';
  yield b.build({ sessionId: id, agent: 'swe-agent', file: path, line: 1, repo: identity, seedRepo: repo });
}

export async function* read(path: string, opts: AdapterReadOptions = {}): AsyncGenerator<Session> {
  for await (const a of sessions(path, opts)) yield toSeedSession(a);
}

function readStep(step: Obj, where: string, ctx: { file: string; line: number }, b: SessionBuilder, line: number): void {
  const action = step.action;
  if (action !== undefined && action !== null && typeof action !== 'string')
    throw invalid(FORMAT, `${where}"action" is ${typeName(action)}, expected a string`, ctx);
  const obs = step.observation;
  if (obs !== undefined && obs !== null && typeof obs !== 'string')
    throw invalid(FORMAT, `${where}"observation" is ${typeName(obs)}, expected a string`, ctx);
  const time = step.execution_time;
  if (time !== undefined && time !== null && (typeof time !== 'number' || !Number.isFinite(time)))
    throw invalid(FORMAT, `${where}"execution_time" is ${typeName(time)}, expected a number`, ctx);
  const tool = typeof action === 'string' ? firstWord(action) : undefined;
  const failed = typeof obs === 'string' && isErrorObservation(obs);
  if (tool === undefined) {
    if (failed) b.sessionError(obs, line);
    return;
  }
  const call: AgentToolCall = {
    tool,
    inputDigest: inputDigest(tool, action),
    outcome: typeof obs === 'string' ? (failed ? 'error' : 'ok') : 'unknown',
    line,
  };
  call.command = cpSlice(action as string, MAX_COMMAND_CHARS);
  const family = commandFamily(action as string);
  if (family !== undefined) call.family = family;
  call.measuredMs = typeof time === 'number' ? secondsToMs(time) : 0;
  if (failed) {
    call.errorText = obs;
    call.errorSeq = b.nextErrorSeq();
  }
  b.calls.push(call);
}

function readHistoryMessage(msg: Obj, where: string, ctx: { file: string; line: number }, b: SessionBuilder, line: number): void {
  const role = msg.role;
  if (role === 'assistant') {
    const tc = msg.tool_calls;
    if (tc !== undefined && tc !== null && !Array.isArray(tc)) throw invalid(FORMAT, `${where}"tool_calls" is ${typeName(tc)}, expected a list`, ctx);
    const names: Array<[string, unknown]> = [];
    for (const c of tc ?? []) {
      const fn = isObj(c) && isObj(c.function) ? c.function : undefined;
      if (fn !== undefined && typeof fn.name === 'string' && fn.name !== '') names.push([fn.name, fn.arguments]);
    }
    if (names.length === 0 && typeof msg.action === 'string') {
      const w = firstWord(msg.action);
      if (w !== undefined) names.push([w, msg.action]);
    }
    for (const [n, input] of names) b.calls.push({ tool: n, inputDigest: inputDigest(n, input ?? null), outcome: 'unknown', line, measuredMs: 0 });
    return;
  }
  if (role === 'tool' || msg.message_type === 'observation') {
    const text = contentText(msg.content);
    if (isErrorObservation(text)) b.sessionError(text, line);
  }
}

export const name = 'swe-agent';
export const sweAgent = { name, detect, read, sessions } as const;
