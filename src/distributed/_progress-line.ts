/** One status line on stderr: shards done, bytes, MB/s, workers seen (rewritten in place on a terminal). */
import { formatBytes } from '../cache/summary.js';

export interface ProgressLine {
  update(s: { shardsDone: number; shards: number; bytes: number; workers: number }): void;
  stop(): void;
}

export function createProgressLine(stream: NodeJS.WritableStream, tty: boolean, now: () => number = Date.now): ProgressLine {
  const start = now();
  let last = 0;
  let shown = false;
  return {
    update(s) {
      const t = now();
      if (t - last < (tty ? 200 : 5000)) return;
      last = t;
      const mbps = s.bytes / 1e6 / Math.max(0.001, (t - start) / 1000);
      const line = `Shards ${s.shardsDone}/${s.shards} | ${formatBytes(s.bytes)} | ${mbps.toFixed(1)} MB/s | ${s.workers} worker${s.workers === 1 ? '' : 's'}`;
      stream.write(tty ? `\r${line}\x1b[K` : line + '\n');
      shown = true;
    },
    stop() {
      if (shown && tty) stream.write('\r\x1b[K');
    },
  };
}
