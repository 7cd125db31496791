/**
 * Agent-log adapters: each reads one file of a real agent's log format and
 * yields canonical Sessions, streaming (memory bounded by one session, see
 * each adapter's header for its exact bound and mapping).
 *
 * `detectFormat(head, path)` picks the adapter from the first ≤64 KB of the file
 * (content first; the path only breaks ties, e.g. `.traj`). It returns
 * `undefined` for anything else, including the project's own session archives
 * (`session_id`/`tool_calls` records), which the decoders read.
 */
import { open } from 'node:fs/promises';
import type { Session } from '../../session.js';
import { HEAD_BYTES } from './_head.js';
import { readFailure } from './_lines.js';
import { claudeCode } from './claude-code.js';
import { codex } from './codex.js';
import { openHands } from './openhands.js';
import { otlp } from './otlp.js';
import { sweAgent } from './swe-agent.js';

export interface AgentAdapter {
  /** stable id, e.g. "claude-code" */
  readonly name: string;
  /** true when `head` (the file's first ≤64 KB) is in this format */
  detect(head: Buffer, path: string): boolean;
  /** the file's sessions, in a deterministic order; throws AnalyzerError (FP_INPUT) on a broken file */
  read(path: string): AsyncIterable<Session>;
}

/** In detection order: the most specific signatures first. */
export const ADAPTERS = [otlp, codex, claudeCode, openHands, sweAgent] as const satisfies readonly AgentAdapter[];

export type AdapterName = (typeof ADAPTERS)[number]['name'];

export { HEAD_BYTES };

export function detectFormat(head: Buffer, path: string): AgentAdapter | undefined {
  return ADAPTERS.find((a) => a.detect(head, path));
}

export function adapterByName(name: string): AgentAdapter | undefined {
  return ADAPTERS.find((a) => a.name === name);
}

/** Read a file's head and detect its format. */
export async function detectFileFormat(path: string): Promise<AgentAdapter | undefined> {
  let fh;
  try {
    fh = await open(path, 'r');
    const buf = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await fh.read(buf, 0, HEAD_BYTES, 0);
    return detectFormat(buf.subarray(0, bytesRead), path);
  } catch (err) {
    throw readFailure(path, err);
  } finally {
    await fh?.close();
  }
}
