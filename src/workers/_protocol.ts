/** Messages between the pool (main thread) and a shard worker. All plain, structured-cloneable data. */
import { packedBuffers, packState, unpackForMerge, type AnalyzerState } from '../accumulators/index.js';
import type { ShardResult } from '../analyze.js';
import type { WireError } from '../errors.js';
import type { WireInput } from '../input/classify.js';
import type { ParserKind } from '../options.js';
import type { ByteRange } from './_plan-items.js';

interface TaskBase {
  /** task id, echoed in every reply */
  id: number;
  /** the file to read, as the user gave it (also its name in messages) */
  file: string;
  parser: ParserKind;
  strict: boolean;
  /** the analysis profile ('seed', 'fleet'): which records and detectors the worker feeds */
  profile: string;
}

/** A whole regular file, read by `analyzeInput` (gzip, JSON Lines, agent logs...) as the single-thread path does. */
export interface WholeTask extends TaskBase {
  kind: 'whole';
  fileIndex: number;
  /** the file as classified when inputs were resolved */
  input: WireInput;
}

/**
 * Bytes [start, end) of a plain file. 'array-range': elements of a record array,
 * decoded as `[` + bytes + `]`; 'jsonl-range': JSON Lines records.
 */
export interface RangeTask extends TaskBase {
  kind: 'array-range' | 'jsonl-range';
  start: number;
  end: number;
  /** ordinal prefix of the shard's records: [fileIndex, shardIndex] */
  prefix: [number, number];
}

/** Decode the file with every range replaced by the placeholder `{"session_id":K}`. */
export interface SkeletonTask extends TaskBase {
  kind: 'skeleton';
  size: number;
  ranges: ByteRange[];
}

/**
 * A byte stream the main thread reads (stdin, gzip) and hands over in transferred
 * chunks ({@link StreamChunk}); the worker decodes and analyses it, so reading and
 * inflating overlap with decoding.
 */
export interface StreamTask extends TaskBase {
  kind: 'stream';
  fileIndex: number;
  shape: 'auto' | 'jsonl';
}

/**
 * Small whole files, consecutive in input order, read one after another by `analyzeInput`
 * (as `WholeTask`s would be) and answered with ONE state: a folder of 20k tiny files
 * cost a task message, a state clone and a merge per file, and two workers were 2x
 * slower than one (issue 9). Stops at the first file that fails.
 */
export interface BatchTask extends TaskBase {
  kind: 'batch';
  files: { fileIndex: number; input: WireInput }[];
}

export type WorkerTask = WholeTask | RangeTask | SkeletonTask | StreamTask | BatchTask;

/** What a batch says of each file it read: everything of its `ShardResult` but the state. */
export type BatchFileResult = Omit<ShardResult, 'state'> & { fileIndex: number };

/** Main thread -> worker, for the running stream task `id`. */
export type StreamChunk =
  | { type: 'chunk'; id: number; data: ArrayBuffer }
  | { type: 'end'; id: number }
  /** reading failed: the worker fails with this error once it has decoded what came before */
  | { type: 'abort'; id: number; error: WireError };

export type WorkerReply =
  /** bytes read and sessions added since the last progress message */
  | { id: number; type: 'progress'; bytes: number; sessions: number }
  | {
      id: number;
      type: 'done';
      shard: ShardResult;
      /** newlines in the range's bytes (to turn shard line numbers into file line numbers) */
      newlines: number;
    }
  | {
      id: number;
      type: 'skeleton';
      /** index of the first range after the decoder's last `reset` (0 without resets) */
      liveFrom: number;
      /** newlines in the bytes before range 0, between ranges k-1 and k, and after the last range */
      gapNewlines: number[];
    }
  | {
      id: number;
      type: 'batch';
      /** the state of every file read, merged */
      state: AnalyzerState;
      /** the files read without error, in order */
      files: BatchFileResult[];
      /** the file that failed, if one did (the batch stopped there) */
      failed?: { fileIndex: number; error: WireError };
    }
  | { id: number; type: 'error'; error: WireError }
  /** a stream chunk was consumed (flow control) */
  | { id: number; type: 'ack' };

/** The reply that ends a task. */
export type FinalReply = Exclude<WorkerReply, { type: 'progress' } | { type: 'ack' }>;

/** The placeholder record that stands for range `k` in the skeleton. */
export function placeholder(k: number): Buffer {
  return Buffer.from(`{"session_id":${k}}`);
}

/**
 * A reply as a worker posts it: its state packed as columns and their buffers
 * transferred (a state of many keys cloned object by object cost more than the
 * analysis: see profiles/packed.ts). `unpackReply` undoes it on the main thread.
 */
export function packReply(reply: WorkerReply): { message: WorkerReply; transfer: ArrayBuffer[] } {
  if (reply.type === 'done') {
    const state = packState(reply.shard.state);
    return { message: { ...reply, shard: { ...reply.shard, state } }, transfer: packedBuffers(state) };
  }
  if (reply.type === 'batch') {
    const state = packState(reply.state);
    return { message: { ...reply, state }, transfer: packedBuffers(state) };
  }
  return { message: reply, transfer: [] };
}

/**
 * A reply as the main thread uses it: its state unpacked (in place), but for the detectors
 * that merge a packed state as it is (the merge unpacks it, and `analyzeParallel` what is left).
 */
export function unpackReply<R extends WorkerReply>(reply: R): R {
  // replies without a state (a stand-in worker's, in tests) pass as they are
  const state: unknown = reply.type === 'done' ? reply.shard?.state : reply.type === 'batch' ? reply.state : undefined;
  if (typeof state === 'object' && state !== null) unpackForMerge(state as AnalyzerState);
  return reply;
}
