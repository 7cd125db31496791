/**
 * The `worker` command's process side: start, log to stderr, stop when told.
 *
 * It listens to no signal itself: cli.ts owns SIGINT/SIGTERM (one listener, so no order between
 * listeners decides what a signal does) and settles `stop` on the first one, `now` on a second.
 */
import { STOP_GRACE_MS, startWorker } from './worker.js';

export interface WorkerStop {
  /** settles when the worker should stop taking jobs and leave (the first signal, with its name) */
  stop: Promise<string>;
  /** settles when the running jobs should go back to the queue without waiting (a second signal) */
  now: Promise<unknown>;
}

export async function runWorkerUntil(redis: string, concurrency: number, stderr: NodeJS.WritableStream, when: WorkerStop): Promise<void> {
  const w = await startWorker({ redis, concurrency, log: (line) => stderr.write(line + '\n') });
  const signal = await when.stop;
  stderr.write(
    `fleet-proposals worker: ${signal}: stopping after the running jobs (${STOP_GRACE_MS / 1000} s at most, then they go back to the queue; a second ${signal}: at once)\n`,
  );
  await w.close(when.now);
}
