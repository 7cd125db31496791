/**
 * Shard planning: input files -> shards, in global input order.
 *
 * A shard is a whole file, or a byte range of one big plain file. The pool gives
 * shard k of file f the ordinal prefix [f, k] (a whole file is shard 0), so a
 * record gets [f, k, j] (j restarts at 0 in every shard). `analyzeSequential`
 * gives the same record [f, 0, i]; the two numberings differ but order the same
 * way (k grows with the byte offset inside a file, j with the offset inside a
 * shard), and ordinals are only ever compared, so the merged state yields the
 * same report whatever the plan.
 *
 * Why shards split between sessions, never inside one: every accumulator keeps
 * per-session state only until `addSession` returns (a retry streak, the
 * distinct tools of a manual process, the first error keys of a session...), and
 * a record cut in two is not a record at all. So cuts fall only where the
 * decoder is between two top-level records: at a comma between two elements of
 * the record array, or after a newline between two JSON Lines records.
 *
 * What is split (everything else is one 'whole' shard, read by `analyzeInput` (src/analyze.ts)
 * exactly as the single-thread path does: stdin, gzip, files of at most
 * `shardBytes`, agent-log formats, unreadable files):
 *
 *  - `.jsonl`/`.ndjson` names: cut right after the first newline at or after
 *    every `shardBytes` offset, found by reading small windows of the file (no
 *    pass over the file). A value spanning a cut (only possible for a value that
 *    spans lines, which the fast decoder rejects) leaves the shard before the
 *    cut truncated, so that shard fails and the file is re-read whole (below).
 *
 *  - a JSON array, or a `{"sessions": [...]}` document: a boundary pass scans
 *    the file once, streaming (one 1 MB buffer, a bracket stack, at most 128
 *    bytes of one property name). It tracks only strings and brackets: inside a
 *    string it jumps to the next `"` with `indexOf` and counts the backslashes
 *    in front of it (an odd count escapes the quote; the count carries across
 *    reads); outside strings it keeps a stack of `[`/`{`. It recognises the
 *    top-level array, or the top-level object's property names (escapes
 *    decoded), and every `"sessions"` whose value is an array. Each such record
 *    array is cut, at commas between its elements, into ranges of about
 *    `shardBytes`: range = the bytes between two cut commas (or the array's
 *    brackets), whitespace included. Every "sessions" array is cut, not only the
 *    last: the decoders report a later "sessions" array as a `reset` (Python's
 *    json.load keeps the last key), the planner emits the same `reset` so the
 *    pool drops the earlier ranges' states, yet those ranges are still decoded,
 *    so an invalid byte or (under --strict) a malformed record there still fails.
 *    A first object with no "sessions" array followed by another value is JSON
 *    Lines by content: it is cut like a .jsonl file, at newlines between
 *    top-level values (the pass knows the depth, so these cuts are exact).
 *    Anything the pass cannot make sense of (a bracket mismatch, a top-level
 *    scalar, extra data, a trailing comma, end of file inside a value) turns the
 *    file back into one whole shard: the whole-file decode then reports the error.
 *
 * The skeleton: the bytes outside the ranges (the opening bracket, the commas
 * between ranges, the wrapper's other keys, trailing whitespace) must be valid
 * too. The pool has a worker decode the file with every range replaced by a
 * placeholder record `{"session_id":K}` (K = range index), with the same decoder
 * and shape detection as the single-thread path. The skeleton is valid and every
 * range parses as a non-empty list of elements (`[` + range + `]`, checked by its
 * shard) if and only if the whole file is valid: JSON's grammar is context free,
 * a range derives `value (, value)*` exactly where the placeholder derives
 * `value`, so substituting the ranges back gives the file. The skeleton's decode
 * must also yield exactly the placeholders 0..R-1 in order (no other record), and
 * the position of its last `reset` says which ranges are live: that must match
 * the planner's resets.
 *
 * Errors: if any range shard or the skeleton check fails, the pool analyses the
 * file again as one whole shard and reports that run's outcome. So an invalid
 * file gives exactly the single-thread path's error (same message, same byte
 * offset: same decoder on the same byte stream), a wrongly placed cut can only
 * cost time, never change a result, and the decoders need no notion of shards.
 */
import { open, type FileHandle } from 'node:fs/promises';
import type { Input } from '../input/classify.js';
import type { ByteRange, PlanItem } from './_plan-items.js';
import { BoundaryScanner } from './boundary-scanner.js';

/**
 * Whether a profile's files may be cut into byte ranges at all: the fleet profile keeps each
 * finding's evidence lines inside detector state, where the shift from a range's lines to the
 * file's (done by the pool for malformed records) cannot reach, so its files are read whole.
 */
export function profileCutsRanges(profile: string): boolean {
  return profile === 'seed';
}

/** Whether `file` may be cut into byte ranges: only a regular file of the session format (input/classify.ts decided which these are). */
export function kindCutsRanges(file: Pick<Input, 'kind'>): boolean {
  return file.kind === 'json' || file.kind === 'jsonl';
}

/** Whether a run of `profile` may cut `file` into ranges (the engine counts its threads by it). */
export function cutsIntoRanges(file: Pick<Input, 'kind'>, profile: string): boolean {
  return profileCutsRanges(profile) && kindCutsRanges(file);
}

/** Default target size of a byte-range shard. */
export const DEFAULT_SHARD_BYTES = 64 * 1024 * 1024;

const READ_BYTES = 1 << 20;
const WINDOW_BYTES = 64 * 1024;

export interface PlanOptions {
  /** target bytes per range shard; files of at most this size are never split */
  shardBytes?: number;
  /** asked between reads: true stops planning this file (its pool job no longer needs the plan) */
  abandon?: (fileIndex: number) => boolean;
}

/**
 * Plan every file, in input order, yielding items as soon as they are known so
 * that workers can start on the first shards while the boundary pass goes on.
 */
export async function* planShards(files: readonly Input[], opts: PlanOptions = {}): AsyncGenerator<PlanItem> {
  const shardBytes = Math.max(1, Math.floor(opts.shardBytes ?? DEFAULT_SHARD_BYTES));
  for (let f = 0; f < files.length; f++) {
    yield* planFile(files[f]!, f, shardBytes, opts);
  }
}

/** Collect a whole plan (tests, tools). */
export async function collectPlan(files: readonly Input[], opts: PlanOptions = {}): Promise<PlanItem[]> {
  const out: PlanItem[] = [];
  for await (const item of planShards(files, opts)) out.push(item);
  return out;
}

async function* planFile(file: Input, fileIndex: number, shardBytes: number, opts: PlanOptions): AsyncGenerator<PlanItem> {
  const whole = (reason: string): PlanItem => ({ kind: 'whole', fileIndex, reason });
  if (!kindCutsRanges(file)) return yield whole(file.kind === 'agent' ? 'agent log' : file.kind);
  const size = file.size;
  if (size === undefined || size <= shardBytes) return yield whole('small');

  let fh: FileHandle;
  try {
    fh = await open(file.path, 'r');
  } catch {
    // the whole-file run reports the error exactly as the single-thread path does
    return yield whole('unreadable');
  }
  try {
    if (file.kind === 'jsonl') yield* planJsonlByName(fh, fileIndex, size, shardBytes, opts);
    else yield* planByScan(fh, fileIndex, size, shardBytes, opts);
  } catch {
    yield whole('unreadable');
  } finally {
    await fh.close();
  }
}

/** `.jsonl`/`.ndjson`: cut after the first newline at or after every `shardBytes` offset. */
async function* planJsonlByName(fh: FileHandle, fileIndex: number, size: number, shardBytes: number, opts: PlanOptions): AsyncGenerator<PlanItem> {
  const window = Buffer.alloc(WINDOW_BYTES);
  let start = 0;
  let shardIndex = 0;
  while (start < size) {
    if (opts.abandon?.(fileIndex)) return;
    let end = size;
    let at = start + shardBytes - 1;
    while (at < size) {
      const { bytesRead } = await fh.read(window, 0, Math.min(WINDOW_BYTES, size - at), at);
      if (bytesRead === 0) break;
      const nl = window.subarray(0, bytesRead).indexOf(0x0a);
      if (nl >= 0) {
        end = at + nl + 1;
        break;
      }
      at += bytesRead;
    }
    yield { kind: 'range', fileIndex, shardIndex: shardIndex++, format: 'jsonl', start, end };
    start = end;
  }
  yield { kind: 'end', fileIndex, size, skeleton: undefined };
}

/**
 * A top-level array whose elements are written alike (the common export) is cut
 * without a pass over the file: the bytes from the first separating comma to the
 * end of the second element's first key (e.g. `,\n{"session_id"`, blanks included) are learnt from
 * the head, and each cut is the next occurrence of those bytes after a target
 * offset. Such bytes cannot occur inside a string (its quotes would be escaped);
 * they can occur deeper in a record (a nested array of objects with that key), and
 * then the cut is wrong: that range and its neighbour fail to decode as lists of
 * whole values, and the pool re-reads the file whole, as for any failed range.
 * The skeleton check (above) covers the rest, so correctness never rests on the
 * guess, only speed does. Returns undefined when the file does not fit the mould.
 * (How this guess relates to the boundary pass and the decoder: boundary-scanner.ts.)
 */
async function speculativeArrayPlan(fh: FileHandle, fileIndex: number, size: number, shardBytes: number): Promise<PlanItem[] | undefined> {
  const headLen = Math.min(READ_BYTES, size);
  const head = Buffer.alloc(headLen);
  const { bytesRead } = await fh.read(head, 0, headLen, 0);
  let i = 0;
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) i = 3;
  while (i < bytesRead && isBlank(head[i]!)) i++;
  if (head[i] !== 0x5b) return undefined;
  const arrayStart = i + 1;
  // the first comma at depth 1 (strings skipped with their escapes)
  let depth = 1;
  let comma = -1;
  for (i = arrayStart; i < bytesRead && comma < 0; i++) {
    const c = head[i]!;
    if (c === 0x22) {
      for (i++; i < bytesRead && head[i] !== 0x22; i++) if (head[i] === 0x5c) i++;
    } else if (c === 0x5b || c === 0x7b) depth++;
    else if (c === 0x5d || c === 0x7d) {
      if (--depth === 0) return undefined;
    } else if (c === 0x2c && depth === 1) comma = i;
  }
  if (comma < 0) return undefined;
  // `,` blanks `{"key"`: the key without escapes
  let j = comma + 1;
  while (j < bytesRead && isBlank(head[j]!)) j++;
  if (head[j] !== 0x7b) return undefined;
  j++;
  while (j < bytesRead && isBlank(head[j]!)) j++;
  if (head[j] !== 0x22) return undefined;
  j++;
  while (j < bytesRead && head[j] !== 0x22 && head[j] !== 0x5c && j - comma < 256) j++;
  if (head[j] !== 0x22) return undefined;
  const pattern = Buffer.from(head.subarray(comma, j + 1));

  // the closing bracket: the last non-blank byte of the file
  const tailLen = Math.min(WINDOW_BYTES, size);
  const tail = Buffer.alloc(tailLen);
  const t = await fh.read(tail, 0, tailLen, size - tailLen);
  let k = t.bytesRead - 1;
  while (k >= 0 && isBlank(tail[k]!)) k--;
  if (k < 0 || tail[k] !== 0x5d) return undefined;
  const arrayEnd = size - tailLen + k;

  const cuts: number[] = [];
  const window = Buffer.alloc(READ_BYTES);
  for (let target = shardBytes; target < arrayEnd; ) {
    const from = Math.max(target, (cuts[cuts.length - 1] ?? 0) + 1);
    const w = await fh.read(window, 0, Math.min(READ_BYTES, arrayEnd - from), from);
    const at = window.subarray(0, w.bytesRead).indexOf(pattern);
    if (at >= 0) {
      cuts.push(from + at);
      target = from + at + shardBytes;
    } else target = from + Math.max(1, w.bytesRead - pattern.length); // keep looking further on
  }
  if (cuts.length === 0) return undefined;
  const items: PlanItem[] = [];
  const ranges: ByteRange[] = [];
  let start = arrayStart;
  for (const c of [...cuts, arrayEnd]) {
    ranges.push({ start, end: c });
    items.push({ kind: 'range', fileIndex, shardIndex: ranges.length - 1, format: 'array', start, end: c });
    start = c + 1;
  }
  items.push({ kind: 'end', fileIndex, size, skeleton: ranges });
  return items;
}

function isBlank(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

async function* planByScan(fh: FileHandle, fileIndex: number, size: number, shardBytes: number, opts: PlanOptions): AsyncGenerator<PlanItem> {
  const guessed = await speculativeArrayPlan(fh, fileIndex, size, shardBytes);
  if (guessed !== undefined) return yield* guessed;
  const scan = new BoundaryScanner(fileIndex, shardBytes);
  const buf = Buffer.alloc(Math.min(READ_BYTES, size));
  let pos = 0;
  while (pos < size) {
    if (opts.abandon?.(fileIndex)) return;
    const { bytesRead } = await fh.read(buf, 0, Math.min(buf.length, size - pos), pos);
    if (bytesRead === 0) break; // the file shrank: finish() sees a truncated document and gives up
    scan.push(buf.subarray(0, bytesRead));
    pos += bytesRead;
    if (scan.items.length > 0) yield* scan.take();
    if (scan.gaveUp !== undefined) break;
  }
  scan.finish(pos);
  yield* scan.take();
}
