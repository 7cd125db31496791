/**
 * One cache entry = one input file's analysis state, in a file of the cache
 * folder named by a hash of what the state depends on besides the bytes (the
 * absolute path, the profile and the reading options):
 *
 *   line 1: header JSON {format, version, key, file: {size, mtimeNs, headHash, tailHash}, resumable}
 *   rest:   the state document, exactly as `--emit-state` writes it
 *
 * Loading validates both parts (the state with the state-file validation) and
 * says why an entry is unusable, so the caller can warn and rebuild it. Entries
 * are written to a temporary file and renamed: a reader sees a whole entry or
 * none, and concurrent runs sharing a folder cannot tear one.
 */
import { createHash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { writeOutput as writeFileAtomic } from '../output.js';
import { readStateText, type AnalysisResult } from './engine.js';
import type { Fingerprint } from './_fingerprint.js';

export const ENTRY_FORMAT = 'fleet-proposals-cache';
export const ENTRY_VERSION = 1;

/** Everything besides the file's bytes that a file's state depends on. */
export interface EntryKey {
  /** absolute path */
  path: string;
  /** the path as given (it appears in messages about malformed records) */
  display: string;
  profile: string;
  tool: string;
  stateVersion: number;
  from: string;
  parser: string;
  strict: boolean;
}

export interface EntryHeader {
  format: typeof ENTRY_FORMAT;
  version: typeof ENTRY_VERSION;
  key: EntryKey;
  file: Pick<Fingerprint, 'size' | 'mtimeNs' | 'headHash' | 'tailHash' | 'endsWithNewline'>;
  /** a plain JSON Lines file of sessions: growth that starts a new line is read from `file.size` on */
  resumable: boolean;
}

export interface Entry {
  header: EntryHeader;
  /** the file's state, ordinals ranked (see _engine.ts) */
  result: AnalysisResult;
}

export type LoadOutcome =
  | { kind: 'none' }
  /** written by another version or with other options: rebuilt without a word */
  | { kind: 'stale' }
  | { kind: 'invalid'; reason: string }
  | { kind: 'ok'; entry: Entry };

/** Key fields that name the entry file (the versions are checked inside). */
export function entryFileName(key: EntryKey): string {
  const id = JSON.stringify([key.path, key.display, key.profile, key.from, key.parser, key.strict]);
  return createHash('sha256').update(id).digest('hex').slice(0, 40) + '.entry';
}

function isFileStamp(v: unknown): v is EntryHeader['file'] {
  const f = v as Record<string, unknown> | null;
  return (
    typeof f === 'object' &&
    f !== null &&
    Number.isSafeInteger(f['size']) &&
    (f['size'] as number) >= 0 &&
    typeof f['mtimeNs'] === 'string' &&
    /^\d+$/.test(f['mtimeNs']) &&
    typeof f['headHash'] === 'string' &&
    typeof f['tailHash'] === 'string' &&
    typeof f['endsWithNewline'] === 'boolean'
  );
}

export async function loadEntry(dir: string, key: EntryKey): Promise<LoadOutcome> {
  const file = path.join(dir, entryFileName(key));
  let text: string;
  try {
    text = await fsp.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'none' };
    return { kind: 'invalid', reason: `cannot read it (${(err as Error).message})` };
  }
  const nl = text.indexOf('\n');
  let header: EntryHeader;
  try {
    header = JSON.parse(nl < 0 ? text : text.slice(0, nl)) as EntryHeader;
  } catch {
    return { kind: 'invalid', reason: 'its header is not JSON' };
  }
  if (header === null || typeof header !== 'object' || header.format !== ENTRY_FORMAT)
    return { kind: 'invalid', reason: 'not a fleet-proposals cache entry' };
  if (header.version !== ENTRY_VERSION || header.key?.tool !== key.tool || header.key?.stateVersion !== key.stateVersion) return { kind: 'stale' };
  const k = header.key;
  if (
    k.path !== key.path ||
    k.display !== key.display ||
    k.profile !== key.profile ||
    k.from !== key.from ||
    k.parser !== key.parser ||
    k.strict !== key.strict
  ) {
    return { kind: 'invalid', reason: `it belongs to another file or other options (${k.display ?? '?'})` };
  }
  if (!isFileStamp(header.file) || typeof header.resumable !== 'boolean') return { kind: 'invalid', reason: 'its header is damaged' };
  try {
    return { kind: 'ok', entry: { header, result: readStateText(nl < 0 ? '' : text.slice(nl + 1), file) } };
  } catch (err) {
    return { kind: 'invalid', reason: (err as Error).message };
  }
}

/** Write atomically (temporary file + rename). */
export async function storeEntry(dir: string, header: EntryHeader, stateText: string): Promise<void> {
  await writeFileAtomic(path.join(dir, entryFileName(header.key)), JSON.stringify(header) + '\n' + stateText);
}
