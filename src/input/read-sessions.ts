/**
 * One classified input -> its records, as events (types.ts `InputEvent`): the
 * session decoders, or an agent-log adapter (its odd lines as malformed notes). Nothing here feeds
 * an accumulator; the analysis loop (src/analyze.ts) does, for the main thread
 * and the workers alike.
 */
import { inputError } from '../errors.js';
import type { ParserKind } from '../options.js';
import { loadAdapter, type Skip } from './adapters/index.js';
import { readAgentLog } from './agent-logs.js';
import { openBytes, openFileReader } from './bytes.js';
import type { Input } from './classify.js';
import { decodeWithFastDecoder, FastDecoder } from './fast-decoder.js';
import type { MessageReaders } from './message-readers.js';
import type { StreamJsonDecodeOptions } from './stream-json-decoder.js';
import { SEED_SESSION_KEYS, type DecodeEvent, type InputEvent } from './types.js';

export interface ReadOptions {
  parser: ParserKind;
  /** called with the number of raw bytes read, as they are read */
  onBytes?: (n: number) => void;
  /** the profile that reads the records: 'seed' lets the fast decoder read them as seed sessions */
  profile?: string;
  /** what that profile reads from an error message (message-readers.ts) */
  messageReaders?: readonly MessageReaders[];
}

/** `seedSessions`: the records are only read by the seed profile (see FastDecoderOptions). */
export type Decoder = (
  source: AsyncIterable<Buffer>,
  opts: { file: string; shape: 'auto' | 'jsonl'; seedSessions?: boolean; messageReaders?: readonly MessageReaders[] },
) => AsyncIterable<DecodeEvent>;

export function decoderFor(kind: ParserKind): Decoder {
  return kind === 'fast' ? decodeWithFastDecoder : decodeWithStreamJson;
}

/** `--parser stream-json`: stream-json and its decoder are imported by the first input it reads, not by every run. */
async function* decodeWithStreamJson(source: AsyncIterable<Uint8Array>, opts: StreamJsonDecodeOptions): AsyncGenerator<DecodeEvent> {
  const decoder = await import('./stream-json-decoder.js');
  yield* decoder.decodeWithStreamJson(source, opts);
}

const hasOwn = Object.prototype.hasOwnProperty;
const SEED_KEYS = [...SEED_SESSION_KEYS];

/**
 * An object with none of the reference's keys, asked key by key: no `for in` walk of the
 * record's keys (and `Object.keys().some` was 2% of a dense archive's run). The decoders
 * keep only the session keys, so an object without one of the reference's had none of them.
 */
export function isKeyless(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  for (let k = 0; k < SEED_KEYS.length; k++) if (hasOwn.call(value, SEED_KEYS[k]!)) return false;
  return true;
}

/** A decoded record -> its record event (validated by the profile that reads it). */
export function recordEvent(ev: DecodeEvent, file: string): InputEvent {
  if (ev.kind === 'reset') return ev;
  const value = ev.record.value;
  return { kind: 'record', value, keyless: isKeyless(value), context: { file, offset: ev.record.offset, line: ev.record.line } };
}

/** Decoded records -> record events (validated by the profile that reads them). */
export async function* recordEvents(events: AsyncIterable<DecodeEvent>, file: string): AsyncGenerator<InputEvent> {
  for await (const ev of events) yield recordEvent(ev, file);
}

/**
 * The fast decoder's record events, a chunk's worth at a time, in ONE async generator:
 * chained generators (decoder, recordEvents, readInput) cost an async step each per
 * record, and three of them were ~0.3 s of CPU per 200,000 records (measured on a loaded
 * 2-core VM); one step per batch instead of one per record is what `analyzeInput` takes.
 */
async function* fastRecordBatches(input: Input, opts: ReadOptions): AsyncGenerator<Iterable<InputEvent>> {
  const file = input.path;
  let batch: DecodeEvent[] = [];
  const decoder = new FastDecoder((e) => batch.push(e), {
    file,
    shape: input.shape,
    seedSessions: opts.profile === 'seed',
    messageReaders: opts.messageReaders,
  });
  const reader = openFileReader(input);
  if (reader !== undefined) {
    // a regular file: each chunk read straight into the decoder's memory (its WebAssembly
    // kernel's), one synchronous read and scan at a time (ChunkedInput.pushFrom)
    try {
      for (;;) {
        const turn = reader.turn();
        if (turn !== undefined) await turn;
        const n = decoder.pushFrom(reader);
        if (n === 0) break;
        opts.onBytes?.(n);
        if (batch.length === 0) continue;
        const ready = batch;
        batch = [];
        yield recordEventsOf(ready, file);
      }
    } finally {
      reader.close();
    }
  } else {
    // a stream or gzip: chunks of their own memory, pushed (and copied into the kernel's)
    for await (const chunk of openBytes(input, opts.onBytes)) {
      decoder.push(chunk);
      if (batch.length === 0) continue;
      const ready = batch;
      batch = [];
      yield recordEventsOf(ready, file);
    }
  }
  decoder.end();
  if (batch.length > 0) yield recordEventsOf(batch, file);
}

/**
 * A chunk's decoded records of one file. Iterated, it gives their record events, each made
 * as it is read: made all at once, a chunk's events outlived a young-generation collection
 * and were promoted (peak RSS 85 -> 100 MiB on the dense archive). The analysis loop reads
 * the decoded records themselves (src/analyze.ts), and makes no event and no generator step
 * for a valid record: those were ~0.2 s of CPU per 200,000 records.
 */
export class RecordBatch implements Iterable<InputEvent> {
  constructor(
    readonly events: readonly DecodeEvent[],
    readonly file: string,
  ) {}

  *[Symbol.iterator](): Generator<InputEvent> {
    for (let i = 0; i < this.events.length; i++) yield recordEvent(this.events[i]!, this.file);
  }
}

/** Decoded records -> their record events (see RecordBatch). */
export function recordEventsOf(events: readonly DecodeEvent[], file: string): RecordBatch {
  return new RecordBatch(events, file);
}

function usesFastDecoder(input: Input, opts: ReadOptions): boolean {
  return input.mismatch === undefined && input.kind !== 'agent' && opts.parser === 'fast';
}

/** Read one whole input, its events in batches (in input order; one async step per batch). */
export function readInputBatches(input: Input, opts: ReadOptions): AsyncGenerator<Iterable<InputEvent>> {
  return usesFastDecoder(input, opts) ? fastRecordBatches(input, opts) : oneByOne(readOther(input, opts));
}

/** Events one at a time as batches of one (the paths without the fast decoder). */
export async function* oneByOne(events: AsyncIterable<InputEvent>): AsyncGenerator<Iterable<InputEvent>> {
  for await (const ev of events) yield [ev];
}

async function* readOther(input: Input, opts: ReadOptions): AsyncGenerator<InputEvent> {
  if (input.mismatch !== undefined) throw inputError(input.mismatch, { file: input.path });
  if (input.kind === 'agent') {
    const adapter = await loadAdapter(input.format); // imported by the first file of its format
    if (adapter === undefined) throw inputError(`Unknown input format '${input.format}'`, { file: input.path }, 'FP_INTERNAL');
    // odd lines come through a callback while the adapter reads; they leave as events, in file order
    const skips: Skip[] = [];
    const onSkip = (skip: Skip) => void skips.push(skip);
    const notes = function* (): Generator<InputEvent> {
      for (const s of skips.splice(0)) yield { kind: 'malformed', reason: s.message, context: s.error.context, message: s.message, error: s.error };
    };
    for await (const session of readAgentLog(input, adapter, opts.onBytes, { onSkip })) {
      yield* notes();
      yield { kind: 'agent-session', session };
    }
    yield* notes();
    return;
  }
  yield* recordEvents(decodeWithStreamJson(openBytes(input, opts.onBytes), { file: input.path, shape: input.shape }), input.path);
}
