/**
 * Worker thread entry (thin): runs one task at a time for the pool and posts
 * back {state, malformed} or {error: toWire(err)}, with progress about every
 * 100 ms. Every task but a stream is `runTask`'s (_tasks.ts), as on the calling
 * thread; a stream (chunks the main thread posts) is decoded here, by the
 * single-thread path's `decoderFor` + `recordEvents` + `analyzeEvents`.
 *
 * Runs as compiled JS only (dist/workers/shard-worker.js): tsx and
 * worker_threads do not mix on Node 20 (privatenumber/tsx#354).
 */
import { parentPort } from 'node:worker_threads';
import { messageReadersOf } from '../accumulators/index.js';
import { analyzeEvents } from '../analyze.js';
import { fromWire, toWire } from '../errors.js';
import { decoderFor, recordEvents } from '../input/read-sessions.js';
import { loadProfile } from '../profiles/index.js';
import { packReply, type StreamChunk, type StreamTask, type WorkerReply, type WorkerTask } from './_protocol.js';
import { progressFor, runTask } from './_tasks.js';

const port = parentPort;
if (port === null) throw new Error('shard-worker.js must run in a worker thread');

function post(reply: WorkerReply): void {
  const { message, transfer } = packReply(reply);
  port!.postMessage(message, transfer);
}

/** Chunks of the running stream task, as the main thread sends them. */
let streamInbox: ((m: StreamChunk) => void) | undefined;

async function runStream(t: StreamTask): Promise<void> {
  const p = progressFor({ progress: (bytes, sessions) => post({ id: t.id, type: 'progress', bytes, sessions }) });
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
    await loadProfile(t.profile); // a thread imports the fleet profile only for a fleet task
    if (t.kind !== 'stream') post(await runTask(t, { progress: (bytes, sessions) => post({ id: t.id, type: 'progress', bytes, sessions }) }));
    else await runStream(t);
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
