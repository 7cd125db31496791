/** The `worker` command's process side: start, log to stderr, stop cleanly on SIGINT/SIGTERM. */
import { startWorker } from './worker.js';

export async function runWorkerUntilSignal(redis: string, concurrency: number, stderr: NodeJS.WritableStream): Promise<number> {
  const w = await startWorker({ redis, concurrency, log: (line) => stderr.write(line + '\n') });
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  stderr.write('fleet-proposals worker: stopping after the running jobs\n');
  await w.close();
  return 0;
}
