/**
 * Agent-log adapters: each reads one file of a real agent's log format and
 * yields AgentSessions (`sessions`, the fleet profile's rich record) or their
 * seed view, the canonical Sessions (`read` = `sessions` mapped by
 * `toSeedSession`), streaming: memory bounded by one session (see each
 * adapter's header for its exact bound and mapping).
 *
 * Odd records: a line or event that is valid JSON but not the format's shape,
 * and the incomplete last line of a JSON Lines log (a session still being
 * written), go to `opts.onSkip`; without it they throw (the strict behaviour).
 * `skipCollector` turns skips into the malformed-record summary the session
 * format uses (count, first five locations on stderr; fatal under --strict).
 *
 * The registry of formats is `formats.ts` (`AGENT_FORMATS`, re-exported here):
 * `detectFormat(head, path)` picks a format from the first ≤64 KB of the file
 * by its signature (`_signatures.ts`: content first; the path only breaks ties,
 * e.g. `.traj`) without importing any adapter, and returns `undefined` for
 * anything else, including the project's own session archives
 * (`session_id`/`tool_calls` records), which the decoders read. A format's
 * adapter is imported by `load()` when a file of it is read.
 */
import { open } from 'node:fs/promises';
import type { AgentSession } from '../../agent-session.js';
import type { Ordinal } from '../../ordinal.js';
import { emptyMalformed, noteMalformed, type MalformedSummary } from '../../malformed.js';
import { HEAD_BYTES } from './_head.js';
import { readFailure, type AdapterReadOptions, type Skip } from './_lines.js';
import { detectFormat, loadAdapter, type AgentAdapter, type AgentFormat } from './formats.js';

export type { AdapterReadOptions, AgentAdapter, Skip };
export { toSeedSession } from './seed-view.js';

/**
 * Collects one file's skips as malformed records (ordinals `[fileIndex, 1, k]`,
 * k-th skip of the file) or, under `strict`, throws the first one's error.
 */
export function skipCollector(strict: boolean, fileIndex: number): AdapterReadOptions & { malformed: MalformedSummary } {
  const malformed = emptyMalformed();
  return {
    malformed,
    onSkip(skip: Skip) {
      if (strict) throw skip.error;
      const at: Ordinal = [fileIndex, 1, malformed.count];
      noteMalformed(malformed, { at, reason: skip.message, context: skip.error.context, message: skip.message });
    },
  };
}

export { HEAD_BYTES };
export { AGENT_FORMATS, AGENT_FORMAT_NAMES, detectFormat, formatByName, loadAdapter, type AdapterName, type AgentFormat } from './formats.js';

/** Read a file's head and detect its format; its adapter, loaded. */
export async function detectFileFormat(path: string): Promise<AgentAdapter | undefined> {
  let fh;
  let format: AgentFormat | undefined;
  try {
    fh = await open(path, 'r');
    const buf = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await fh.read(buf, 0, HEAD_BYTES, 0);
    format = detectFormat(buf.subarray(0, bytesRead), path);
  } catch (err) {
    throw readFailure(path, err);
  } finally {
    await fh?.close();
  }
  return format?.load();
}

/**
 * The AgentSessions of one agent-log file, in the file's order, one at a time
 * (memory bounded by one session): the format is `from` (an adapter name) or
 * detected from the file's head. `undefined` when the file is not an agent log
 * (the session format, read by the decoders).
 */
export async function agentSessionsOf(
  path: string,
  from: string = 'auto',
  opts: AdapterReadOptions = {},
): Promise<AsyncIterable<AgentSession> | undefined> {
  const adapter = from === 'auto' ? await detectFileFormat(path) : await loadAdapter(from);
  return adapter?.sessions(path, opts);
}
