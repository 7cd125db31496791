/**
 * The tasks of a parallel run, as any thread runs them: whole files, batches of small files,
 * byte ranges and the skeleton check, each to its final reply (_protocol.ts). A shard worker
 * (shard-worker.ts) posts what they return; the calling thread runs them too, as one of the
 * run's threads (_executor.ts). Stream tasks, fed by chunks the calling thread posts, are the
 * worker's alone (shard-worker.ts).
 *
 * The analysis is the single-thread path's (src/analyze.ts): `analyzeInput` for whole files,
 * `rangeEvents` (_range-events.ts) + `analyzeBatches` for byte ranges.
 */
import { initState, mergeStatesInto, messageReadersOf, type AnalyzerState } from '../accumulators/index.js';
import { analyzeBatches, analyzeInput, type ShardResult } from '../analyze.js';
import { AnalyzerError, toWire, type WireError } from '../errors.js';
import { readFileRange } from '../input/bytes.js';
import { decoderFor } from '../input/read-sessions.js';
import {
  placeholder,
  type FinalReply,
  type BatchFileResult,
  type BatchTask,
  type RangeTask,
  type SkeletonTask,
  type StreamTask,
  type WholeTask,
  type WorkerTask,
} from './_protocol.js';
import { rangeEvents } from './_range-events.js';
import { readRangeReusing } from './_read-range.js';

/** A task any thread can run (not a stream). */
export type LocalTask = Exclude<WorkerTask, StreamTask>;

export interface TaskHooks {
  /** bytes read and sessions added since the last call (about every 100 ms) */
  progress(bytes: number, sessions: number): void;
  /** once aborted, the task stops at its next chunk or session (throwing the signal's reason) */
  signal?: AbortSignal;
  /**
   * a range task on the calling thread: the file's state to add the range's records to (the
   * reply's shard then holds this very state; see `LoopOptions.into`). Never crosses threads.
   */
  into?: AnalyzerState;
}

const PROGRESS_MS = 100;

/** Progress deltas, passed on at most every 100 ms; `flush` before the final reply. Checks `signal` as it counts. */
export function progressFor(hooks: TaskHooks) {
  let bytes = 0;
  let sessions = 0;
  let last = Date.now();
  const signal = hooks.signal;
  const maybePost = () => {
    const now = Date.now();
    if (now - last >= PROGRESS_MS) flush(now);
  };
  const flush = (now = Date.now()) => {
    last = now;
    if (bytes === 0 && sessions === 0) return;
    hooks.progress(bytes, sessions);
    bytes = 0;
    sessions = 0;
  };
  return {
    onBytes(n: number) {
      signal?.throwIfAborted();
      bytes += n;
      maybePost();
    },
    onSession() {
      if (signal?.aborted === true) signal.throwIfAborted();
      sessions++;
      if ((sessions & 1023) === 0) maybePost();
    },
    flush,
  };
}

export function countNewlines(buf: Buffer): number {
  let n = 0;
  for (let i = buf.indexOf(0x0a); i >= 0; i = buf.indexOf(0x0a, i + 1)) n++;
  return n;
}

/** Run `t` to its final reply; an error (the input's, or a bug) is the reply `{type: 'error'}`. */
export async function runTask(t: LocalTask, hooks: TaskHooks): Promise<FinalReply> {
  try {
    switch (t.kind) {
      case 'whole':
        return await runWhole(t, hooks);
      case 'batch':
        return await runBatch(t, hooks);
      case 'skeleton':
        return await runSkeleton(t, hooks);
      default:
        return await runRange(t, hooks);
    }
  } catch (err) {
    return { id: t.id, type: 'error', error: toWire(err) };
  }
}

async function runWhole(t: WholeTask, hooks: TaskHooks): Promise<FinalReply> {
  const p = progressFor(hooks);
  const r = await analyzeInput(t.input, t.fileIndex, {
    parser: t.parser,
    strict: t.strict,
    profile: t.profile,
    onBytes: p.onBytes,
    onSession: p.onSession,
  });
  p.flush();
  return { id: t.id, type: 'done', shard: r, newlines: 0 };
}

/** Whole files one after another, their states merged in place into one; stops at the first failure. */
async function runBatch(t: BatchTask, hooks: TaskHooks): Promise<FinalReply> {
  const p = progressFor(hooks);
  let state: AnalyzerState | undefined;
  const files: BatchFileResult[] = [];
  let failed: { fileIndex: number; error: WireError } | undefined;
  for (const f of t.files) {
    let r: ShardResult;
    try {
      r = await analyzeInput(f.input, f.fileIndex, {
        parser: t.parser,
        strict: t.strict,
        profile: t.profile,
        onBytes: p.onBytes,
        onSession: p.onSession,
      });
    } catch (err) {
      hooks.signal?.throwIfAborted();
      failed = { fileIndex: f.fileIndex, error: toWire(err) };
      break;
    }
    files.push({ fileIndex: f.fileIndex, malformed: r.malformed, records: r.records, keyless: r.keyless });
    state = state === undefined ? r.state : mergeStatesInto(state, r.state);
  }
  p.flush();
  return { id: t.id, type: 'batch', state: state ?? initState(t.profile), files, ...(failed !== undefined ? { failed } : {}) };
}

async function runRange(t: RangeTask, hooks: TaskHooks): Promise<FinalReply> {
  const p = progressFor(hooks);
  const array = t.kind === 'array-range';
  let newlines = 0;
  // the fast decoder copies what it keeps of a chunk: it can be given views of one buffer (_read-range.ts)
  const chunks = t.parser === 'fast' ? readRangeReusing(t.file, t.start, t.end) : readFileRange(t.file, t.start, t.end);
  const events = rangeEvents(chunks, {
    file: t.file,
    parser: t.parser,
    format: array ? 'array' : 'jsonl',
    start: t.start,
    seedSessions: t.profile === 'seed',
    messageReaders: messageReadersOf(t.profile),
    onChunk: (chunk) => {
      newlines += countNewlines(chunk);
      p.onBytes(chunk.length);
    },
  });
  const into = hooks.into;
  const r = await analyzeBatches(events, t.prefix, { strict: t.strict, profile: t.profile, onSession: p.onSession, ...(into ? { into } : {}) });
  // A range stands for at least one element in the skeleton (see plan-shards.ts); a range's
  // records are valid sessions or malformed ones (its state may hold other ranges' too).
  if (array && r.records + r.malformed.count === 0) {
    throw new AnalyzerError('FP_INTERNAL', `Shard check: no record in bytes ${t.start}-${t.end}, in ${t.file}`, { file: t.file });
  }
  p.flush();
  return { id: t.id, type: 'done', shard: r, newlines };
}

function isPlaceholder(v: unknown, k: number): boolean {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const keys = Object.keys(v);
  return keys.length === 1 && keys[0] === 'session_id' && (v as Record<string, unknown>)['session_id'] === k;
}

async function runSkeleton(t: SkeletonTask, hooks: TaskHooks): Promise<FinalReply> {
  const p = progressFor(hooks);
  const gapNewlines: number[] = [];
  async function* gap(start: number, end: number): AsyncGenerator<Buffer> {
    let n = 0;
    for await (const chunk of readFileRange(t.file, start, end)) {
      n += countNewlines(chunk);
      p.onBytes(chunk.length);
      yield chunk;
    }
    gapNewlines.push(n);
  }
  async function* source(): AsyncGenerator<Buffer> {
    let at = 0;
    for (let k = 0; k < t.ranges.length; k++) {
      const r = t.ranges[k]!;
      yield* gap(at, r.start);
      yield placeholder(k);
      at = r.end;
    }
    yield* gap(at, t.size);
  }
  const mismatch = (what: string) => new AnalyzerError('FP_INTERNAL', `Shard check: the skeleton ${what}, in ${t.file}`, { file: t.file });
  let next = 0;
  let liveFrom = 0;
  for await (const ev of decoderFor(t.parser)(source(), { file: t.file, shape: 'auto' })) {
    if (ev.kind === 'reset') {
      liveFrom = next;
      continue;
    }
    if (!isPlaceholder(ev.record.value, next)) throw mismatch(`has a record other than placeholder ${next}`);
    next++;
  }
  if (next !== t.ranges.length) throw mismatch(`has ${next} placeholders, expected ${t.ranges.length}`);
  p.flush();
  return { id: t.id, type: 'skeleton', liveFrom, gapNewlines };
}
