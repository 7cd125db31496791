/**
 * How many threads a run uses: `--workers` is a maximum. An input is read on fewer threads when
 * a worker cannot pay for itself: a small input (on the calling thread alone below
 * 2 x MIN_BYTES_PER_THREAD), and an input of long messages, whose bytes cost a thread little
 * work each (`LIGHT_VALUES_PER_KB`), and any input beyond what the cores can feed
 * (`readingThreads`: one thread on a 2-core machine). The report is the same whatever the count.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import type { Input } from '../input/classify.js';
import { cutsIntoRanges } from './plan-shards.js';

/**
 * Input bytes each thread should have before another one is started (`threadsFor`).
 * A worker costs ~0.25 s of start-up (a V8 isolate, ~100 modules, its own JIT warm-up) and
 * ~25 MB; measured 2026-12-01 on the 2-vCPU VM, two workers against one, pairs of runs
 * (load 6-8): 1.7x the wall time on a 64 MB long-message array, 1.3x on a 63 MB dense one,
 * 1.6x on 160 MB, 1.2-1.4x on a folder of 20,000 tiny files (8 MB); faster from ~300 MB
 * (dense 317 MB: 0.83x, when one thread took 5 s on it; at 1.2 s it no longer pays on that VM:
 * `readingThreads`). `FLEET_PROPOSALS_MIN_THREAD_BYTES` overrides it (0: always `workers`).
 */
export const MIN_BYTES_PER_THREAD = 128 * 1024 * 1024;

/**
 * The work per byte under which a file adds no thread: JSON values per KB of its head
 * (`valuesPerKb`). The decoder's work is per value (a key, a number, a string's start and end)
 * plus a little per byte (reading, checking UTF-8, scanning string bodies with SIMD), so a file
 * of long messages is cheap per byte and one thread reads it about as fast as this machine lets
 * it: on the 2-vCPU VM, two independent one-thread processes on the two halves of the 1 GB
 * long-message JSON Lines took as long as one process on the whole (2026-12-01, quiet), and two
 * threads took 1.17x (array) / 1.28x (JSON Lines) the wall time of one (medians of 3, quiet),
 * while the dense 316 MB archive gained (0.82x). Measured heads: the long-message archives 6
 * values per KB; dense archives, the many-keys benches, the tiny files and the sample fixture
 * 95-134. 32 sits between the two, a factor of ~4 from each.
 */
export const LIGHT_VALUES_PER_KB = 32;

/** Bytes of a file's head sampled for `valuesPerKb`: a long message is ~1-50 KB, so 64 KB hold a few records. */
export const SAMPLE_BYTES = 64 * 1024;

/** Largest files sampled (one read of SAMPLE_BYTES each); the others count as dense, as every file did before. */
const MOST_SAMPLED_FILES = 16;

function minThreadBytesFromEnv(): number | undefined {
  const v = process.env['FLEET_PROPOSALS_MIN_THREAD_BYTES'];
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

/** A file as the thread count sees it; `light`: its head holds fewer than LIGHT_VALUES_PER_KB values per KB. */
export type CountedFile = Pick<Input, 'size' | 'kind'> & { light?: boolean };

/**
 * The cores one reading thread keeps busy: its own work plus V8's collector and compiler threads
 * and its reads. Measured 2026-12-02 on the 2-vCPU VM, CPU / wall time of `--workers 1` runs: 1.3
 * on the dense 316 MB array, 1.15 on the 1 GB long-message archive, 1.17 on a 223 MB folder of
 * Claude Code and Codex logs (fleet profile).
 */
export const CORES_PER_READING_THREAD = 1.3;

/**
 * The threads the engine uses for `files` when allowed `workers` (`--workers` is a maximum):
 * one per `minBytes` of input (sizes on disk, gzip compressed), at least 1, at most `workers`;
 * all `workers` when a size is unknown (stdin, a pipe). One thread means this thread, no worker.
 * A `light` file's bytes (see LIGHT_VALUES_PER_KB) ask for at most half the `cores`: on this
 * 2-vCPU VM a run of long-message files is read on one thread, and they never add a thread to
 * a run of dense ones.
 * When no file can be cut into ranges (`cutsIntoRanges`: agent logs, gzip, streams, or any file
 * under the fleet profile) each file is one task, so there are at most as many threads as files:
 * a second worker would only wait. Measured 2026-12-01 before this rule: the fleet profile on
 * the one 1 GB array took 1.22x the wall time with two workers than with one.
 * Whatever the input, a run starts no more threads than `cores` give each its
 * CORES_PER_READING_THREAD (`readingThreads`): one on a 2-core machine. `minBytes` 0 lifts every
 * rule (tests exercise the workers so).
 */
export function threadsFor(
  files: readonly CountedFile[],
  workers: number,
  minBytes = minThreadBytesFromEnv() ?? MIN_BYTES_PER_THREAD,
  profile = 'seed',
  cores = availableParallelism(),
): number {
  if (workers <= 1) return 1;
  if (minBytes <= 0) return workers;
  const most = Math.min(
    readingThreads(cores),
    files.some((f) => cutsIntoRanges(f, profile)) ? workers : Math.max(1, Math.min(workers, files.length)),
  );
  let dense = 0;
  let light = 0;
  for (const f of files) {
    if (f.size === undefined) return most;
    if (f.light === true) light += f.size;
    else dense += f.size;
  }
  const byDense = Math.floor(dense / minBytes);
  const byAll = Math.min(Math.floor((dense + light) / minBytes), lightThreads(cores));
  return Math.max(1, Math.min(most, Math.max(byDense, byAll)));
}

/**
 * The most threads any run may use on `cores` cores: as many as get CORES_PER_READING_THREAD
 * each, at least one. Why: on the 2-vCPU VM a second thread never paid, whatever the input
 * (2026-12-02, load ~1, two threads forced against one, medians of 4-6 pairs in turn, the same
 * output): dense 316 MB array 1.15x the wall time and 1.44x the CPU; dense 522 MB 1.18x; dense
 * 1 GB 1.02x at 1.37x the CPU; a 223 MB folder of agent logs under the fleet profile 1.07x at
 * 1.39x the CPU. Not even two separate processes find a second core there: two `--workers 1`
 * runs at once on the dense array each took 1.8-1.95 s against 1.2-1.5 s alone (1.35x the
 * throughput), and on the two halves of the 1 GB long-message JSON Lines 1.44-1.78 s against
 * 1.30-1.42 s for one run on the whole. Larger machines were not measured: three cores give two
 * threads, four give three.
 */
export function readingThreads(cores: number): number {
  return Math.max(1, Math.floor(cores / CORES_PER_READING_THREAD));
}

/**
 * The most threads long-message bytes may ask for on `cores` cores: half of them. One
 * thread reading long messages keeps ~1.3 of this VM's 2 vCPUs busy (its reads, V8's
 * collector and compiler threads), so here they get one thread. Larger machines were not
 * measured: half the cores is the guess that keeps a second thread from starving the first.
 */
function lightThreads(cores: number): number {
  return Math.max(1, Math.floor(cores / 2));
}

/**
 * JSON values per KB of `sample`: the bytes `{`, `[`, `,` and `:` outside strings (one per
 * object, array, member or element: a value starts after each), per 1024 bytes. An escape or
 * a string cut by the sample's end is handled as the decoder would; the count is an estimate.
 */
export function valuesPerKb(sample: Uint8Array): number {
  if (sample.length === 0) return 0;
  let inString = false;
  let values = 0;
  for (let i = 0; i < sample.length; i++) {
    const c = sample[i]!;
    if (inString) {
      if (c === 0x5c)
        i++; // '\': the next byte is escaped
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b || c === 0x2c || c === 0x3a) values++;
  }
  return (values * 1024) / sample.length;
}

/** A session-format file read from disk as it is (no gzip): the ones whose head is sampled. */
function sampled(f: Input): boolean {
  return f.transport === 'file' && !f.gzip && (f.kind === 'json' || f.kind === 'jsonl') && f.size !== undefined && f.size > 0;
}

/** Values per KB of the file's first SAMPLE_BYTES; undefined when it cannot be read (the run reports that later, in order). */
function sampleFile(path: string, size: number): number | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const buf = Buffer.allocUnsafe(Math.min(SAMPLE_BYTES, size));
    return valuesPerKb(buf.subarray(0, readSync(fd, buf, 0, buf.length, 0)));
  } catch {
    return undefined; // not this module's error to report: the reading thread fails on it with its place in the input order
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * `threadsFor`, with the heads of the largest session-format files sampled for their work per
 * byte when the sizes alone would start a worker (so a small input costs no extra read).
 */
export function threadsForInputs(files: readonly Input[], workers: number, profile = 'seed', cores = availableParallelism()): number {
  const minBytes = minThreadBytesFromEnv() ?? MIN_BYTES_PER_THREAD;
  const bySize = threadsFor(files, workers, minBytes, profile, cores);
  if (bySize <= 1 || minBytes <= 0) return bySize;
  const largest = files
    .map((f, i) => ({ f, i }))
    .filter(({ f }) => sampled(f))
    .sort((a, b) => b.f.size! - a.f.size! || a.i - b.i)
    .slice(0, MOST_SAMPLED_FILES);
  if (largest.length === 0) return bySize;
  const counted: CountedFile[] = files.slice();
  for (const { f, i } of largest) {
    const density = sampleFile(f.path, f.size!);
    if (density !== undefined && density < LIGHT_VALUES_PER_KB) counted[i] = { size: f.size, kind: f.kind, light: true };
  }
  return threadsFor(counted, workers, minBytes, profile, cores);
}
