/**
 * How many threads a run uses: `--workers` is a maximum, and a small input is read on fewer
 * threads (on the calling thread alone below 2 x MIN_BYTES_PER_THREAD), because a worker
 * does not pay for itself there. The report is the same whatever the count.
 */
import type { Input } from '../input/classify.js';
import { cutsIntoRanges } from './plan-shards.js';

/**
 * Input bytes each thread should have before another one is started (`threadsFor`).
 * A worker costs ~0.25 s of start-up (a V8 isolate, ~100 modules, its own JIT warm-up) and
 * ~25 MB; measured 2026-12-01 on the 2-vCPU VM, two workers against one, pairs of runs
 * (load 6-8): 1.7x the wall time on a 64 MB long-message array, 1.3x on a 63 MB dense one,
 * 1.6x on 160 MB, 1.2-1.4x on a folder of 20,000 tiny files (8 MB); faster from ~300 MB
 * (dense 317 MB: 0.83x). `FLEET_PROPOSALS_MIN_THREAD_BYTES` overrides it (0: always `workers`).
 */
export const MIN_BYTES_PER_THREAD = 128 * 1024 * 1024;

function minThreadBytesFromEnv(): number | undefined {
  const v = process.env['FLEET_PROPOSALS_MIN_THREAD_BYTES'];
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

/**
 * The threads the engine uses for `files` when allowed `workers` (`--workers` is a maximum):
 * one per `minBytes` of input (sizes on disk, gzip compressed), at least 1, at most `workers`;
 * all `workers` when a size is unknown (stdin, a pipe). One thread means this thread, no worker.
 * When no file can be cut into ranges (`cutsIntoRanges`: agent logs, gzip, streams, or any file
 * under the fleet profile) each file is one task, so there are at most as many threads as files:
 * a second worker would only wait. Measured 2026-12-01 before this rule: the fleet profile on
 * the one 1 GB array took 1.22x the wall time with two workers than with one.
 */
export function threadsFor(
  files: readonly Pick<Input, 'size' | 'kind'>[],
  workers: number,
  minBytes = minThreadBytesFromEnv() ?? MIN_BYTES_PER_THREAD,
  profile = 'seed',
): number {
  if (workers <= 1) return 1;
  if (minBytes <= 0) return workers;
  const most = files.some((f) => cutsIntoRanges(f, profile)) ? workers : Math.max(1, Math.min(workers, files.length));
  let total = 0;
  for (const f of files) {
    if (f.size === undefined) return most;
    total += f.size;
  }
  return Math.max(1, Math.min(most, Math.floor(total / minBytes)));
}
