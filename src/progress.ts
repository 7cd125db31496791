/** Progress on stderr: bytes read of total, MB/s, sessions, ETA (cli-progress). */

export interface Progress {
  bytes(n: number): void;
  sessions(n: number): void;
  stop(): void;
}

export const NO_PROGRESS: Progress = { bytes() {}, sessions() {}, stop() {} };

/** A progress bar; cli-progress (24 modules) is imported here, by a run that shows one, not by every run. */
export async function createProgress(totalBytes: number | undefined, stream: NodeJS.WriteStream): Promise<Progress> {
  const { default: cliProgress } = await import('cli-progress');
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: totalBytes
        ? ' {bar} {percentage}% | {readMB}/{totalMB} MB | {rate} MB/s | {sessions} sessions | ETA {eta_formatted}'
        : ' {readMB} MB | {rate} MB/s | {sessions} sessions',
      hideCursor: true,
      clearOnComplete: true,
      fps: 5,
      etaBuffer: 50,
      noTTYOutput: true,
      notTTYSchedule: 5000,
    },
    cliProgress.Presets.shades_classic,
  );
  const start = Date.now();
  let read = 0;
  let sessions = 0;
  const payload = () => ({
    readMB: (read / 1e6).toFixed(0),
    totalMB: totalBytes ? (totalBytes / 1e6).toFixed(0) : '?',
    rate: (read / 1e6 / Math.max(0.001, (Date.now() - start) / 1000)).toFixed(0),
    sessions,
  });
  bar.start(totalBytes ?? 1, 0, payload());
  let last = 0;
  return {
    bytes(n) {
      read += n;
      const now = Date.now();
      if (now - last > 100) {
        last = now;
        bar.update(Math.min(read, totalBytes ?? read), payload());
      }
    },
    sessions(n) {
      sessions += n;
    },
    stop() {
      bar.update(Math.min(read, totalBytes ?? read), payload());
      bar.stop();
    },
  };
}
