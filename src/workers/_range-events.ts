/**
 * A byte range's record events, as a shard worker feeds them to `analyzeBatches`: the bytes
 * [start, end) of a file, decoded as `lead` + bytes + `tail` (an array range as `[` ... `]`;
 * a JSON Lines range after the file's start with one leading space, so that a BOM there is
 * not taken for the file's own), with offsets in the file's bytes. Lines stay the range's
 * own: the pool moves them to file lines (_file-job.ts).
 *
 * The fast decoder's events come from ONE async generator defined once per thread, as the
 * single-thread path's `fastRecordBatches` (input/read-sessions.ts) does for a whole file, a
 * chunk's records at a time (one async step per chunk, as `analyzeBatches` takes them), and
 * its offsets are the file's from the start (`startOffset`), with nothing to shift. Why: the
 * chain it replaces (a bytes generator declared inside each task, `decodeWithFastDecoder`,
 * an offset-shifting generator, `recordEvents`) deoptimized `decodeWithFastDecoder` at every
 * task ("wrong map": a generator function declared inside a task is a new closure, whose
 * generator objects have a map of their own), and V8 compiled it again, inlined decoder and
 * all: 12 optimizing compiles in two workers on the 1 GB array where one thread needs one,
 * and three async steps per record more than the single-thread path.
 */
import { AnalyzerError, describeLocation } from '../errors.js';
import { FastDecoder } from '../input/fast-decoder.js';
import { decoderFor, oneByOne, recordEvents, recordEventsOf } from '../input/read-sessions.js';
import type { MessageReaders } from '../input/message-readers.js';
import type { ParserKind } from '../options.js';
import type { DecodeEvent, InputEvent } from '../input/types.js';

export interface RangeDecode {
  /** the file, as the user gave it (also its name in messages and contexts) */
  file: string;
  parser: ParserKind;
  /** 'array': elements of a record array; 'jsonl': JSON Lines records */
  format: 'array' | 'jsonl';
  /** the range's first byte in the file */
  start: number;
  /** records are read for the seed profile (FastDecoderOptions.seedSessions) */
  seedSessions: boolean;
  messageReaders?: readonly MessageReaders[];
  /** called with every chunk of the range's bytes before it is decoded (progress, newlines) */
  onChunk(chunk: Buffer): void;
}

/** What is decoded before the range's bytes. */
export function rangeLead(format: 'array' | 'jsonl', start: number): string {
  return format === 'array' ? '[' : start > 0 ? ' ' : '';
}

/** The record events of a range whose bytes are `chunks`, a chunk's worth at a time; see the file's header. */
export function rangeEvents(chunks: AsyncIterable<Buffer>, r: RangeDecode): AsyncGenerator<Iterable<InputEvent>> {
  return r.parser === 'fast'
    ? fastRangeBatches(chunks, r)
    : oneByOne(recordEvents(shiftEvents(decoderFor(r.parser)(rangeBytes(chunks, r), decodeOptions(r)), r), r.file));
}

function decodeOptions(r: RangeDecode) {
  return {
    file: r.file,
    shape: r.format === 'array' ? ('auto' as const) : ('jsonl' as const),
    seedSessions: r.seedSessions,
    messageReaders: r.messageReaders,
  };
}

async function* fastRangeBatches(chunks: AsyncIterable<Buffer>, r: RangeDecode): AsyncGenerator<Iterable<InputEvent>> {
  const lead = rangeLead(r.format, r.start);
  let batch: DecodeEvent[] = [];
  const decoder = new FastDecoder((e) => batch.push(e), { ...decodeOptions(r), startOffset: r.start - lead.length });
  if (lead !== '') decoder.push(Buffer.from(lead));
  for await (const chunk of chunks) {
    r.onChunk(chunk);
    decoder.push(chunk);
    if (batch.length === 0) continue;
    const ready = batch;
    batch = [];
    yield recordEventsOf(ready, r.file);
  }
  if (r.format === 'array') decoder.push(Buffer.from(']'));
  decoder.end();
  if (batch.length > 0) yield recordEventsOf(batch, r.file);
}

/** The bytes a decoder without a start offset reads (stream-json): lead, range, tail. */
async function* rangeBytes(chunks: AsyncIterable<Buffer>, r: RangeDecode): AsyncGenerator<Buffer> {
  const lead = rangeLead(r.format, r.start);
  if (lead !== '') yield Buffer.from(lead);
  for await (const chunk of chunks) {
    r.onChunk(chunk);
    yield chunk;
  }
  if (r.format === 'array') yield Buffer.from(']');
}

/** Shift an error's byte offset by `delta` (range offsets -> file offsets), message included. */
function shiftError(err: unknown, delta: number): unknown {
  if (!(err instanceof AnalyzerError) || err.context.offset === undefined || delta === 0) return err;
  const where = describeLocation(err.context);
  const context = { ...err.context, offset: err.context.offset + delta };
  const message = err.message.endsWith(where) ? err.message.slice(0, err.message.length - where.length) + describeLocation(context) : err.message;
  return new AnalyzerError(err.code, message, context, { cause: err });
}

/** Offsets of a decoder that counts from the lead's first byte -> the file's. */
async function* shiftEvents(events: AsyncIterable<DecodeEvent>, r: RangeDecode): AsyncGenerator<DecodeEvent> {
  const delta = r.start - rangeLead(r.format, r.start).length;
  try {
    for await (const ev of events) {
      if (ev.kind === 'record' && delta !== 0) yield { kind: 'record', record: { ...ev.record, offset: ev.record.offset + delta } };
      else yield ev;
    }
  } catch (err) {
    throw shiftError(err, delta);
  }
}
