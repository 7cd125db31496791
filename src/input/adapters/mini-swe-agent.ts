/**
 * mini-swe-agent trajectories (`<instance>.traj.json`): one JSON object
 * `{info, messages, trajectory_format: "mini-swe-agent-1", instance_id}`. The
 * agent answers in `messages` with one ```bash block per assistant message; the
 * next user message carries its result as `<returncode>N</returncode><output>…`.
 * One file is one session; messages are streamed one at a time (_json-walk.ts)
 * and only the action waiting for its result is kept beyond the session's calls.
 *
 * Mapping:
 * - sessionId: `instance_id`, else the file name without ".traj.json".
 * - seedRepo: the repository of a SWE-bench instance id `owner__repo-N`
 *   ("pytest"); repo: "owner/repo"; else "global".
 * - calls: one per assistant message holding a ```bash block, tool "bash", the
 *   block as the command (and its family). Outcome from the next user message:
 *   `<returncode>0` ok, another code an error (errorText: that message, its first
 *   500 code points); "timed out" an error; the final submission (the action
 *   echoes COMPLETE_TASK_AND_SUBMIT_FINAL_OUTPUT) ok. A message with more than
 *   one block is a format error the agent is told about: a failed call.
 * - time: each response's `extra.response.created` (seconds), the only clock
 *   the trajectory has; calls have a start, no end and no measured duration.
 * - usage: `extra.response.usage` of each assistant message (prompt tokens
 *   without the cached part, cached tokens, completion tokens), per
 *   `extra.response.model`, de-duplicated by response id; with the cost the agent
 *   logged for the run (`info.model_stats.instance_cost`, when above 0, on the line it
 *   is written; for `info.config.model.model_name` when no response has usage).
 * A message that is not an object, or whose `role`/`content` has the wrong
 * type, is skipped as malformed.
 */
import { cpSlice } from '../../python/index.js';
import type { AgentSession, AgentToolCall } from '../../agent-session.js';
import type { Session } from '../../session.js';
import { commandFamily, MAX_COMMAND_CHARS } from './command-family.js';
import { inputDigest } from './input-digest.js';
import { walkJson } from './_json-walk.js';
import { skipMalformed, type AdapterReadOptions } from './_lines.js';
import { toSeedSession } from './seed-view.js';
import { SessionBuilder, tokens } from './_session.js';
import { repoFromInstanceId } from './swe-agent.js';
import { contentText, invalid, isObj, typeName, type Obj } from './_util.js';
import { basename } from 'node:path';
import { miniSweAgentSignature as detect } from './_signatures.js';

const FORMAT = 'mini-swe-agent';
const BASH_BLOCK = /```bash[ \t]*\r?\n([\s\S]*?)\r?\n?```/g;
const RETURNCODE = /<returncode>\s*(-?\d+)\s*<\/returncode>/;
const SUBMIT = 'COMPLETE_TASK_AND_SUBMIT_FINAL_OUTPUT';
const MAX_ERROR_CHARS = 500;
/** What is read of `info` (each taken alone, so its line is known): the run's logged cost and its configured model. */
const INFO_FIELDS = new Set(['info.model_stats.instance_cost', 'info.config.model.model_name']);

function stem(path: string): string {
  return basename(path)
    .replace(/\.traj\.json$/, '')
    .replace(/\.json$/, '');
}

interface Waiting {
  call: AgentToolCall;
  submit: boolean;
}

/** The file's session as the fleet profile reads it (always one). */
export async function* sessions(path: string, opts: AdapterReadOptions = {}): AsyncGenerator<AgentSession> {
  const b = new SessionBuilder();
  let instanceId: string | undefined;
  let waiting: Waiting | undefined;
  let cost: { usd: unknown; line: number } | undefined;
  let configModel: string | undefined;

  const parts = walkJson(path, FORMAT, (p, kind, line) => {
    if (p.length === 0) {
      if (kind !== 'object')
        throw invalid(FORMAT, `the document is ${kind === 'array' ? 'a list' : 'a scalar'}, expected an object`, { file: path, line });
      return false;
    }
    if (p.length === 1) {
      if (p[0] === 'messages') {
        if (kind !== 'array')
          throw invalid(FORMAT, `"messages" is ${kind === 'object' ? 'an object' : 'a scalar'}, expected a list`, { file: path, line });
        return false;
      }
      return p[0] === 'instance_id';
    }
    if (p[0] === 'info') return INFO_FIELDS.has(p.join('.'));
    return p.length === 2 && p[0] === 'messages';
  });

  for await (const { path: p, value, line } of parts) {
    if (p[0] === 'instance_id') {
      if (typeof value === 'string' && value !== '') instanceId = value;
      continue;
    }
    if (p[0] === 'info') {
      if (p[2] === 'instance_cost') cost = { usd: value, line };
      else if (typeof value === 'string' && value !== '') configModel = value;
      continue;
    }
    const index = p[1] as number;
    const where = `message #${index}: `;
    const ctx = { file: path, line };
    let msg: Obj;
    let text: string;
    try {
      if (!isObj(value)) throw invalid(FORMAT, `${where}${typeName(value)}, expected an object`, ctx);
      if (typeof value.role !== 'string') throw invalid(FORMAT, `${where}"role" is ${typeName(value.role)}, expected a string`, ctx);
      const c = value.content;
      if (typeof c !== 'string' && !Array.isArray(c)) throw invalid(FORMAT, `${where}"content" is ${typeName(c)}, expected a string or a list`, ctx);
      msg = value;
      text = contentText(c);
    } catch (err) {
      skipMalformed(opts, err);
      continue;
    }

    if (msg.role === 'assistant') {
      waiting = undefined;
      const response = isObj(msg.extra) && isObj(msg.extra.response) ? msg.extra.response : undefined;
      const created =
        response !== undefined && typeof response.created === 'number' && Number.isFinite(response.created)
          ? response.created * 1_000_000
          : undefined;
      b.event(created);
      if (response !== undefined && isObj(response.usage)) {
        const u = response.usage;
        const cached = isObj(u.prompt_tokens_details) ? tokens(u.prompt_tokens_details.cached_tokens) : 0;
        const model = typeof response.model === 'string' && response.model !== '' ? response.model : 'unknown';
        b.usage(typeof response.id === 'string' ? response.id : undefined, model, {
          input: Math.max(0, tokens(u.prompt_tokens) - cached),
          output: tokens(u.completion_tokens),
          cacheWrite: 0,
          cacheRead: cached,
        });
      }
      const blocks = [...text.matchAll(BASH_BLOCK)].map((m) => m[1] ?? '');
      if (blocks.length === 0) continue; // thinking aloud: no action
      const action = blocks.length === 1 ? blocks[0]! : blocks.join('\n');
      const call: AgentToolCall = { tool: 'bash', inputDigest: inputDigest('bash', action), outcome: 'unknown', line };
      if (created !== undefined) call.startUs = created;
      if (action.trim() !== '') {
        call.command = cpSlice(action, MAX_COMMAND_CHARS);
        const family = commandFamily(action);
        if (family !== undefined) call.family = family;
      }
      b.calls.push(call);
      waiting = { call, submit: action.includes(SUBMIT) };
      continue;
    }
    if (msg.role !== 'user' || waiting === undefined) continue;
    const { call, submit } = waiting;
    waiting = undefined;
    call.resultLine = line;
    const code = RETURNCODE.exec(text);
    if (code !== null) {
      if (Number(code[1]) === 0) call.outcome = 'ok';
      else fail(b, call, text);
    } else if (submit) {
      call.outcome = 'ok';
    } else if (/EXACTLY ONE action|timed out|Timeout/i.test(text)) {
      fail(b, call, text);
    }
  }

  if (cost !== undefined) b.loggedCost(cost.usd, cost.line, configModel ?? 'unknown');
  const id = instanceId ?? stem(path);
  const seedRepo = repoFromInstanceId(id);
  const owner = /^([^_]+(?:_[^_]+)*?)__/.exec(id)?.[1];
  const repo = seedRepo !== undefined && owner !== undefined ? `${owner}/${seedRepo}` : (seedRepo ?? 'global');
  yield b.build({ sessionId: id, agent: 'mini-swe-agent', file: path, line: 1, repo, seedRepo });
}

function fail(b: SessionBuilder, call: AgentToolCall, text: string): void {
  call.outcome = 'error';
  call.errorText = cpSlice(text, MAX_ERROR_CHARS);
  call.errorSeq = b.nextErrorSeq();
}

export async function* read(path: string, opts: AdapterReadOptions = {}): AsyncGenerator<Session> {
  for await (const a of sessions(path, opts)) yield toSeedSession(a);
}

export const name = 'mini-swe-agent';
export const miniSweAgent = { name, detect, read, sessions } as const;
