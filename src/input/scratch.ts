/**
 * This process's private temporary folders (an agent log inflated from gzip, stdin or a pipe is
 * copied into one: `agent-logs.ts`). They are named after the process id, `fleet-proposals-<pid>-*`
 * in the system's temporary folder, so that the signal handler on the main thread can remove those
 * made by worker threads too (a thread's own list would not be visible from there).
 */
import { readdirSync, rmSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AnalyzerError } from '../errors.js';
import { describeFsError } from './sources.js';

const NAME = `fleet-proposals-${process.pid}-`;

/** A new private temporary folder; one that cannot be made is exit 4 naming TMPDIR's folder. */
export async function makeScratchDir(): Promise<string> {
  try {
    return await mkdtemp(path.join(tmpdir(), NAME));
  } catch (err) {
    throw scratchError(err);
  }
}

/**
 * A temporary copy that could not be written (a missing TMPDIR, a full /tmp): exit 4, as an output
 * that could not be written, naming the folder; never "Cannot read input" nor an internal error.
 */
export function scratchError(err: unknown): AnalyzerError {
  const where = tmpdir();
  return new AnalyzerError(
    'FP_OUTPUT',
    `Cannot write the temporary copy of an agent log: ${describeFsError(err)}, in ${where} (TMPDIR: set it to a writable folder)`,
    { file: where },
    { cause: err },
  );
}

/** Remove every private temporary folder of this process (synchronous: for a signal handler). */
export function removeScratchSync(): void {
  let names: string[];
  try {
    names = readdirSync(tmpdir());
  } catch {
    return; // no temporary folder to clean
  }
  for (const n of names) if (n.startsWith(NAME)) rmSync(path.join(tmpdir(), n), { recursive: true, force: true });
}
