/**
 * Worker thread entry (thin): runs one task at a time for the pool and posts
 * back {state, malformed} or {error: toWire(err)}, with progress about every
 * 100 ms. The analysis is the single-thread path's (src/analyze.ts): `analyzeInput`
 * for whole files, `rangeEvents` (_range-events.ts) + `analyzeEvents` for byte ranges,
 * `decoderFor` + `recordEvents` + `analyzeEvents` for streams.
 *
 * Runs as compiled JS only (dist/workers/shard-worker.js): tsx and
 * worker_threads do not mix on Node 20 (privatenumber/tsx#354).
 */
import { parentPort } from 'node:worker_threads';
import { initState, mergeStatesInto, messageReadersOf, type AnalyzerState } from '../accumulators/index.js';
import { analyzeEvents, analyzeInput, type ShardResult } from '../analyze.js';
import { AnalyzerError, fromWire, toWire, type WireError } from '../errors.js';
import { readFileRange } from '../input/bytes.js';
import { decoderFor, recordEvents } from '../input/read-sessions.js';
import { rangeEvents } from './_range-events.js';
import { readRangeReusing } from './_read-range.js';
import {
  packReply,
  placeholder,
  type BatchFileResult,
  type BatchTask,
  type RangeTask,
  type SkeletonTask,
  type StreamChunk,
  type StreamTask,
  type WholeTask,
  type WorkerReply,
  type WorkerTask,
} from './_protocol.js';

const PROGRESS_MS = 100;

const port = parentPort;
if (port === null) throw new Error('shard-worker.js must run in a worker thread');

function post(reply: WorkerReply): void {
  const { message, transfer } = packReply(reply);
  port!.postMessage(message, transfer);
}

/** Progress deltas, posted at most every 100 ms; `flush` before the final reply. */
function progressFor(id: number) {
  let bytes = 0;
  let sessions = 0;
  let last = Date.now();
  const maybePost = () => {
    const now = Date.now();
    if (now - last >= PROGRESS_MS) flush(now);
  };
  const flush = (now = Date.now()) => {
    last = now;
    if (bytes === 0 && sessions === 0) return;
    post({ id, type: 'progress', bytes, sessions });
    bytes = 0;
    sessions = 0;
  };
  return {
    onBytes(n: number) {
      bytes += n;
      maybePost();
    },
    onSession() {
      sessions++;
      if ((sessions & 1023) === 0) maybePost();
    },
    flush,
  };
}

function countNewlines(buf: Buffer): number {
  let n = 0;
  for (let i = buf.indexOf(0x0a); i >= 0; i = buf.indexOf(0x0a, i + 1)) n++;
  return n;
}

async function runWhole(t: WholeTask): Promise<void> {
  const p = progressFor(t.id);
  const r = await analyzeInput(t.input, t.fileIndex, {
    parser: t.parser,
    strict: t.strict,
    profile: t.profile,
    onBytes: p.onBytes,
    onSession: p.onSession,
  });
  p.flush();
  post({ id: t.id, type: 'done', shard: r, newlines: 0 });
}

/** Whole files one after another, their states merged in place into one; stops at the first failure. */
async function runBatch(t: BatchTask): Promise<void> {
  const p = progressFor(t.id);
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
      failed = { fileIndex: f.fileIndex, error: toWire(err) };
      break;
    }
    files.push({ fileIndex: f.fileIndex, malformed: r.malformed, records: r.records, keyless: r.keyless });
    state = state === undefined ? r.state : mergeStatesInto(state, r.state);
  }
  p.flush();
  post({ id: t.id, type: 'batch', state: state ?? initState(t.profile), files, ...(failed !== undefined ? { failed } : {}) });
}

async function runRange(t: RangeTask): Promise<void> {
  const p = progressFor(t.id);
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
  const r = await analyzeEvents(events, t.prefix, { strict: t.strict, profile: t.profile, onSession: p.onSession });
  // A range stands for at least one element in the skeleton (see plan-shards.ts).
  if (array && r.state.sessions + r.state.skipped === 0) {
    throw new AnalyzerError('FP_INTERNAL', `Shard check: no record in bytes ${t.start}-${t.end}, in ${t.file}`, { file: t.file });
  }
  p.flush();
  post({ id: t.id, type: 'done', shard: r, newlines });
}

function isPlaceholder(v: unknown, k: number): boolean {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const keys = Object.keys(v);
  return keys.length === 1 && keys[0] === 'session_id' && (v as Record<string, unknown>)['session_id'] === k;
}

async function runSkeleton(t: SkeletonTask): Promise<void> {
  const p = progressFor(t.id);
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
  post({ id: t.id, type: 'skeleton', liveFrom, gapNewlines });
}

/** Chunks of the running stream task, as the main thread sends them. */
let streamInbox: ((m: StreamChunk) => void) | undefined;

async function runStream(t: StreamTask): Promise<void> {
  const p = progressFor(t.id);
  const pending: StreamChunk[] = [];
  let wake: (() => void) | undefined;
  streamInbox = (m) => {
    pending.push(m);
    wake?.();
  };
  async function* source(): AsyncGenerator<Buffer> {
    for (;;) {
      const m = pending.shift();
      if (m === undefined) {
        await new Promise<void>((r) => (wake = r));
        wake = undefined;
        continue;
      }
      if (m.type === 'end') return;
      if (m.type === 'abort') throw fromWire(m.error);
      post({ id: t.id, type: 'ack' });
      yield Buffer.from(m.data);
    }
  }
  try {
    const opts = { file: t.file, shape: t.shape, seedSessions: t.profile === 'seed', messageReaders: messageReadersOf(t.profile) };
    const events = decoderFor(t.parser)(source(), opts);
    const r = await analyzeEvents(recordEvents(events, t.file), [t.fileIndex, 0], { strict: t.strict, profile: t.profile, onSession: p.onSession });
    p.flush();
    post({ id: t.id, type: 'done', shard: r, newlines: 0 });
  } finally {
    streamInbox = undefined;
  }
}

async function run(t: WorkerTask): Promise<void> {
  try {
    if (t.kind === 'whole') await runWhole(t);
    else if (t.kind === 'batch') await runBatch(t);
    else if (t.kind === 'stream') await runStream(t);
    else if (t.kind === 'skeleton') await runSkeleton(t);
    else await runRange(t);
  } catch (err) {
    post({ id: t.id, type: 'error', error: toWire(err) });
  }
}

// One task at a time (the pool never sends a second before the reply); chained anyway.
let chain: Promise<void> = Promise.resolve();
port.on('message', (m: WorkerTask | StreamChunk) => {
  if ('type' in m) {
    streamInbox?.(m);
    return;
  }
  chain = chain.then(() => run(m));
});
