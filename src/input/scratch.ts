/**
 * This process's private temporary folders (an agent log inflated from gzip, stdin or a pipe is
 * copied into one: `agent-logs.ts`). They are named after the process id, `fleet-proposals-<pid>-*`
 * in the system's temporary folder, so that the signal handler on the main thread can remove those
 * made by worker threads too (a thread's own list would not be visible from there).
 */
import { readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const NAME = `fleet-proposals-${process.pid}-`;

/** The prefix for `mkdtemp`. */
export function scratchPrefix(): string {
  return path.join(tmpdir(), NAME);
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
