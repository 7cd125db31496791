/**
 * SIGINT and SIGTERM of the CLI's process, owned here with one listener per signal, so that no
 * order between listeners decides what a signal does (the `worker` command had a listener of its
 * own, and its clean stop held only because the other one happened to run first).
 *
 * A run: the signal removes the temporary files (an output's, an inflated agent log's) and ends
 * the process by the signal itself. The `worker` command: the first signal stops it after its
 * running jobs, a second hands them back to the queue at once, a third ends it as a run.
 */

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/** What the `worker` command is told by the signals it receives. */
export class WorkerSignals {
  /** the first signal: the one the process ends by */
  first: NodeJS.Signals | undefined;
  private received = 0;
  private onStop!: (signal: string) => void;
  private onNow!: () => void;
  /** settles on the first signal, with its name: stop taking jobs, leave after the running ones */
  readonly stop = new Promise<string>((resolve) => (this.onStop = resolve));
  /** settles on the second: hand the running jobs back without waiting */
  readonly now = new Promise<void>((resolve) => (this.onNow = resolve));

  /** Take a signal; false when it must end the process (the third). */
  take(signal: NodeJS.Signals): boolean {
    this.received++;
    if (this.received === 1) {
      this.first = signal;
      this.onStop(signal);
    } else if (this.received === 2) this.onNow();
    return this.received <= 2;
  }
}

/** Set while the `worker` command runs. */
let worker: WorkerSignals | undefined;

/** The signals go to the `worker` command until `release` (its stop then ends the process: `endBySignal`). */
export function signalsToWorker(): { signals: WorkerSignals; release(): void } {
  const signals = new WorkerSignals();
  worker = signals;
  return {
    signals,
    release() {
      if (worker === signals) worker = undefined;
    },
  };
}

/** Listen to SIGINT and SIGTERM (the CLI's process only: a library's host keeps its own signals). */
export function listenToSignals(cleanUp: () => void): void {
  for (const signal of SIGNALS) {
    process.on(signal, () => {
      if (worker?.take(signal) !== true) endBySignal(signal, cleanUp);
    });
  }
}

/**
 * Clean up, then end the process by `signal` itself: with no listener left, its default action,
 * so a shell reports 128 + its number (130, 143). Not process.exit: it waits for libuv's threads,
 * and one blocked in the kernel (opening a FIFO that has no writer or reader, reading a silent
 * pipe such as a slow `<(cmd)`) never returns, so the run could only be killed with SIGKILL.
 */
export function endBySignal(signal: NodeJS.Signals, cleanUp: () => void): void {
  cleanUp();
  for (const s of SIGNALS) process.removeAllListeners(s);
  process.kill(process.pid, signal);
}
