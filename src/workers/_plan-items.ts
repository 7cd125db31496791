/**
 * The words of a shard plan (plan-shards.ts): the items `planShards` yields for each file,
 * whoever decides them (the boundary pass, boundary-scanner.ts, or the speculative plan), and
 * the byte ranges the pool's tasks read (_protocol.ts, _file-job.ts). Types only, in a module
 * of their own so that the planner and the scanner it drives both import them.
 */

export type RangeFormat = 'array' | 'jsonl';

export interface ByteRange {
  start: number;
  /** exclusive */
  end: number;
}

/** One step of a file's plan; a file's items come in this order: ranges and resets, then `end` (or `whole` at any time). */
export type PlanItem =
  /** Analyse the file as one shard (shard 0). After ranges, it means: forget them, the file could not be split. */
  | { kind: 'whole'; fileIndex: number; reason: string }
  /** Shard `shardIndex` of the file: the bytes [start, end), elements of a record array or JSON Lines. */
  | { kind: 'range'; fileIndex: number; shardIndex: number; format: RangeFormat; start: number; end: number }
  /** A later "sessions" array starts: ranges with a smaller shard index are not live (still checked). */
  | { kind: 'reset'; fileIndex: number; shardIndex: number }
  /** The file is fully planned. `skeleton` is set for array/wrapper files: the ranges to replace by placeholders. */
  | { kind: 'end'; fileIndex: number; size: number; skeleton: ByteRange[] | undefined };
