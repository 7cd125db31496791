/**
 * An agent log through any transport. The adapters read a log by path (several
 * seek or re-open it), so a gzipped log, or one arriving on stdin or a pipe, is
 * first inflated into a private temporary file named like the original (the
 * adapters derive a session id from the name), read from there, and removed.
 * Error and skip messages and the sessions' `file` (fleet evidence, states) name the
 * input as the user gave it, never the copy, which is gone when the run ends; offsets
 * are of the inflated bytes, as for the session format.
 */
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AnalyzerError } from '../errors.js';
import type { AgentSession } from '../agent-session.js';
import type { AdapterReadOptions, AgentAdapter } from './adapters/index.js';
import { openBytes, readError } from './bytes.js';
import { innerName, type Input } from './classify.js';
import { makeScratchDir, scratchError } from './scratch.js';

/** The sessions of an agent log; `onBytes` gets the raw bytes read, `read.onSkip` the odd lines. */
export async function* readAgentLog(
  input: Input,
  adapter: AgentAdapter,
  onBytes: ((n: number) => void) | undefined,
  read: AdapterReadOptions,
): AsyncGenerator<AgentSession> {
  if (input.transport === 'file' && !input.gzip) {
    yield* adapter.sessions(input.path, read);
    onBytes?.(input.size ?? 0);
    return;
  }
  const dir = await makeScratchDir(); // named by pid: a signal removes it (scratch.ts)
  const local = path.join(dir, input.transport === 'stdin' ? 'stdin' : path.basename(innerName(input.path)));
  try {
    const copy = createWriteStream(local, { mode: 0o600 });
    let copyError: unknown;
    copy.on('error', (err) => (copyError = err));
    try {
      await pipeline(Readable.from(openBytes(input, onBytes)), copy);
    } catch (err) {
      throw err === copyError ? scratchError(err) : readError(input.path, err); // a full /tmp is not the input's fault
    }
    const onSkip = read.onSkip;
    const asGiven: AdapterReadOptions = {
      ...read,
      onSkip:
        onSkip && ((skip) => onSkip({ ...skip, message: skip.message.split(local).join(input.path), error: renamed(skip.error, local, input.path) })),
    };
    try {
      for await (const session of adapter.sessions(local, asGiven)) {
        if (session.file === local) session.file = input.path;
        yield session;
      }
    } catch (err) {
      throw renamed(err, local, input.path);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The error with the temporary path replaced by the input's own. */
function renamed<E>(err: E, local: string, original: string): E | AnalyzerError {
  if (!(err instanceof AnalyzerError) || !err.message.includes(local)) return err;
  const context = err.context.file === local ? { ...err.context, file: original } : err.context;
  return new AnalyzerError(err.code, err.message.split(local).join(original), context, { cause: err });
}
