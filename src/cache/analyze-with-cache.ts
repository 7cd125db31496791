/**
 * `--cache DIR`: analyse inputs, reusing each file's state from earlier runs.
 *
 * Per file, in input order (fingerprints and entries of the next files are
 * fetched ahead, at most PREFETCH at a time, with p-limit):
 *  - same size, mtime and edge hashes as its entry: the entry's state is reused;
 *  - a plain JSON Lines file of sessions that only grew (its old head and tail
 *    bytes are unchanged) at a line boundary (the old bytes ended with a newline,
 *    or the new ones start with one): only the new bytes are read, their records
 *    placed after the old ones (ordinal [1, ...] against [0, ...]), and the two
 *    states merged. Merging equals analysing the concatenation (the engine's
 *    law), and a cut at a newline is a cut between two JSON Lines records (the
 *    old bytes decoded whole, so their last record ended there; bytes glued to
 *    the old last line would not be a cut, hence the newline rule). If the new bytes fail to decode or hold a
 *    malformed record, the file is read whole instead: that run's error, and
 *    its line numbers, are the authoritative ones;
 *  - otherwise the file is read whole by the engine (`analyzeFiles`, the same
 *    call as a run without cache) and its entry rewritten, unless the file
 *    changed while it was read.
 * Each file's state is then placed at its current index ([index, ...ranked
 * ordinals]) and merged in input order, so the report is the one a run without
 * cache writes, byte for byte (test/cache/cache.property.test.ts).
 *
 * Failure policy: an entry that cannot be used is rebuilt (a warning says why
 * when it is damaged or foreign; silently when another version wrote it); an
 * entry that cannot be written costs only the next run's time (a warning).
 * Input errors are the engine's, from the first failing file in input order.
 */
import path from 'node:path';
import pLimit from 'p-limit';
import type { Input as InputFile } from '../input/classify.js';
import {
  analyzeJsonlRange,
  emptyResult,
  isSessionArchive,
  mergeResults,
  placeFileState,
  readStateText,
  STATE_VERSION,
  stateText,
  type AnalysisResult,
} from './engine.js';
import { loadEntry, storeEntry, type Entry, type EntryHeader, type EntryKey, type LoadOutcome } from './_entry.js';
import { edgeHashesOfPrefix, fingerprint, sizeAndMtime, type Fingerprint } from './_fingerprint.js';
import { toolVersion } from './version.js';
import { makeCacheFolder } from './_folder.js';

/** Files whose fingerprint and entry are fetched ahead of the one being merged. */
const PREFETCH = 8;
/** Entry writes in flight (each holds one state's text). */
const WRITES = 4;

export interface CacheOptions {
  dir: string;
  profile: string;
  from: string;
  parser: 'fast' | 'stream-json';
  strict: boolean;
}

export interface CacheDeps {
  /** the engine, as a run without cache calls it: these files, in this order, into one result */
  analyzeFiles(files: InputFile[]): Promise<AnalysisResult>;
  warn(line: string): void;
  /** bytes reused or read (progress) */
  onBytes?(n: number): void;
}

export interface CacheSummary {
  reusedFiles: number;
  /** bytes not read thanks to the cache (whole files, and the old part of grown ones) */
  reusedBytes: number;
  /** files read, whole or only their new part */
  readFiles: number;
  readBytes: number;
}

interface Prepared {
  key: EntryKey | undefined;
  fp: Fingerprint | undefined;
  loaded: LoadOutcome;
}

export async function analyzeWithCache(
  files: readonly InputFile[],
  opts: CacheOptions,
  deps: CacheDeps,
): Promise<{ result: AnalysisResult; summary: CacheSummary }> {
  await makeCacheFolder(opts.dir);
  const summary: CacheSummary = { reusedFiles: 0, reusedBytes: 0, readFiles: 0, readBytes: 0 };
  const prefetch = pLimit(PREFETCH);
  const writes = pLimit(WRITES);
  const pendingWrites = new Set<Promise<void>>();
  const prepared: Promise<Prepared>[] = [];
  const prepare = (i: number) => {
    if (i < files.length && prepared[i] === undefined) prepared[i] = prefetch(() => prepareFile(files[i]!, opts));
  };

  const store = async (header: EntryHeader, text: string) => {
    if (pendingWrites.size >= WRITES * 2) await Promise.race(pendingWrites);
    const p = writes(() => storeEntry(opts.dir, header, text)).catch((err: unknown) => {
      deps.warn(`Could not write the cache entry of ${header.key.display}: ${(err as Error).message}`);
    });
    pendingWrites.add(p);
    void p.finally(() => pendingWrites.delete(p));
  };

  let merged: AnalysisResult | undefined;
  try {
    for (let i = 0; i < files.length; i++) {
      for (let j = i; j < i + PREFETCH; j++) prepare(j);
      const file = files[i]!;
      const prep = await prepared[i]!;
      delete prepared[i];
      const ranked = await fileResult(file, prep, opts, deps, summary, store);
      const placed = placeFileState(ranked, [i]);
      // as a run without cache does: one file's state is used as it is
      merged = merged === undefined ? (files.length === 1 ? placed : mergeResults(emptyResult(opts.profile), placed)) : mergeResults(merged, placed);
    }
  } finally {
    await Promise.all(pendingWrites);
  }
  return { result: merged ?? emptyResult(opts.profile), summary };
}

async function prepareFile(file: InputFile, opts: CacheOptions): Promise<Prepared> {
  // stdin, a pipe: read once, nothing to fingerprint (a pipe's entry, keyed by /dev/fd/63 and size 0, was never reusable)
  if (file.transport !== 'file') return { key: undefined, fp: undefined, loaded: { kind: 'none' } };
  const key: EntryKey = {
    path: path.resolve(file.path),
    display: file.path,
    profile: opts.profile,
    tool: toolVersion(),
    stateVersion: STATE_VERSION,
    from: opts.from,
    parser: opts.parser,
    strict: opts.strict,
  };
  let fp: Fingerprint;
  try {
    fp = await fingerprint(file.path);
  } catch {
    // unreadable: the engine's read reports it, as in a run without cache
    return { key, fp: undefined, loaded: { kind: 'none' } };
  }
  return { key, fp, loaded: await loadEntry(opts.dir, key) };
}

/** The file's state with ranked ordinals: reused, resumed or read. */
async function fileResult(
  file: InputFile,
  prep: Prepared,
  opts: CacheOptions,
  deps: CacheDeps,
  summary: CacheSummary,
  store: (h: EntryHeader, text: string) => Promise<void>,
): Promise<AnalysisResult> {
  const { key, fp, loaded } = prep;
  if (loaded.kind === 'invalid') deps.warn(`Ignored the cache entry of ${file.path}: ${loaded.reason}; rebuilding it`);
  const entry = loaded.kind === 'ok' ? loaded.entry : undefined;
  if (key !== undefined && fp !== undefined && entry !== undefined) {
    const old = entry.header.file;
    if (old.size === fp.size && old.mtimeNs === fp.mtimeNs && old.headHash === fp.headHash && old.tailHash === fp.tailHash) {
      summary.reusedFiles++;
      summary.reusedBytes += fp.size;
      deps.onBytes?.(fp.size);
      return entry.result;
    }
    const grown = await resumeGrown(file, key, fp, entry, opts, deps, summary);
    if (grown !== undefined) {
      await store(grown.header, grown.text);
      return grown.result;
    }
  }
  // read whole, as a run without cache does
  const r = await deps.analyzeFiles([{ ...file, size: fp?.size ?? file.size }]);
  summary.readFiles++;
  summary.readBytes += fp?.size ?? file.size ?? 0;
  const text = stateText(r);
  const ranked = readStateText(text, file.path);
  if (key !== undefined && fp !== undefined && (await unchangedSince(file.path, fp))) {
    // fleet evidence lines would count from the appended part's start: the fleet profile reads a grown file whole
    const resumable = opts.profile === 'seed' && !fp.gzip && /\.(jsonl|ndjson)$/i.test(file.path) && (await isSessionArchive(file, opts.from));
    await store(header(key, fp, resumable), text);
  }
  return ranked;
}

function header(key: EntryKey, fp: Fingerprint, resumable: boolean): EntryHeader {
  return {
    format: 'fleet-proposals-cache',
    version: 1,
    key,
    file: { size: fp.size, mtimeNs: fp.mtimeNs, headHash: fp.headHash, tailHash: fp.tailHash, endsWithNewline: fp.endsWithNewline },
    resumable,
  };
}

async function unchangedSince(p: string, fp: Fingerprint): Promise<boolean> {
  try {
    const now = await sizeAndMtime(p);
    return now.size === fp.size && now.mtimeNs === fp.mtimeNs;
  } catch {
    return false;
  }
}

/** A resumable entry whose file only grew: read the new bytes, merge; undefined when that does not apply or fails. */
async function resumeGrown(
  file: InputFile,
  key: EntryKey,
  fp: Fingerprint,
  entry: Entry,
  opts: CacheOptions,
  deps: CacheDeps,
  summary: CacheSummary,
): Promise<{ result: AnalysisResult; header: EntryHeader; text: string } | undefined> {
  const old = entry.header.file;
  if (!entry.header.resumable || fp.size <= old.size || fp.gzip) return undefined;
  let tail: AnalysisResult;
  try {
    const edges = await edgeHashesOfPrefix(file.path, old.size);
    if (edges.headHash !== old.headHash || edges.tailHash !== old.tailHash) return undefined;
    if (!old.endsWithNewline && edges.nextByte !== 0x0a) return undefined;
    // the new records sort after the old ones: the old state is placed at [0], the new at [1]
    tail = await analyzeJsonlRange(file, old.size, fp.size, [1], {
      parser: opts.parser,
      strict: opts.strict,
      profile: opts.profile,
      onBytes: deps.onBytes,
    });
  } catch {
    // invalid new bytes (or a read error): the whole-file read gives the authoritative outcome
    return undefined;
  }
  // line numbers of malformed records in the new bytes would be shard-relative: read whole instead
  if (tail.malformed.count > 0) return undefined;
  summary.readFiles++;
  summary.readBytes += fp.size - old.size;
  summary.reusedBytes += old.size;
  deps.onBytes?.(old.size);
  const text = stateText(mergeResults(placeFileState(entry.result, [0]), { state: tail.state, malformed: tail.malformed }));
  // exactly bytes [0, fp.size) were read, which the fingerprint describes even if the file grew since
  return { result: readStateText(text, file.path), header: header(key, fp, true), text };
}
