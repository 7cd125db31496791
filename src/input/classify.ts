/**
 * What kind of input a path is, decided once, when inputs are resolved, and passed
 * along to the shard planner, the readers and the pool (issue 11: it used to be
 * sniffed again in plan-shards.ts, read-sessions.ts and sources.ts).
 *
 * The answer comes from the content, never only from the name: the first 64 KB
 * (after inflating gzip) go through the agent formats' signatures (`detectFormat`). The
 * name decides only what the content cannot: a `.jsonl`/`.ndjson` file is JSON
 * Lines for the session decoders (which is what lets it be cut at any newline).
 *
 * Regular files are opened, sniffed and closed here; the size seen at that open is
 * the number of bytes read later (a file still being written is read up to there,
 * with any number of workers). Streams (stdin, FIFOs, /dev/fd/N of a process
 * substitution, character devices) cannot be read twice: the bytes sniffed here
 * are kept in `stream.head` and replayed before the rest (see bytes.ts).
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { detectFormat, formatByName, HEAD_BYTES, type AgentFormat } from './adapters/index.js';
import { FastDecoder } from './fast-decoder.js';
import { SEED_SESSION_KEYS } from './types.js';

/** How an input's bytes arrive: a regular file (read by offset, may be split), or a stream read once from its start. */
export type Transport = 'file' | 'stdin' | 'stream';

/** The one answer the rest of the pipeline branches on. */
export type InputKind =
  /** standard input (`-`), reference format (gzip or not) */
  | 'stdin'
  /** any other readable non-directory, non-regular path: FIFO, /dev/stdin, `<(cmd)`, a device */
  | 'stream'
  /** a regular gzip file of the reference format */
  | 'gzip'
  /** a regular file named .jsonl/.ndjson: JSON Lines, may be cut at newlines */
  | 'jsonl'
  /** a regular file of the reference format, shape from content: may be cut between records */
  | 'json'
  /** an agent's own log (`format`), through any transport, gzipped or not */
  | 'agent';

/** Bytes of a stream consumed while sniffing, and the rest of it. */
export interface StreamHandle {
  head: Buffer[];
  rest: AsyncIterator<Buffer>;
}

/** Standard input given as `-`, as messages, fleet evidence and states name it ("in -" read as garbage). */
export const STDIN_NAME = '<stdin>';

export interface Input {
  /** the path as given (or found in a folder); STDIN_NAME for `-` */
  path: string;
  /** regular files: bytes at classification (compressed size for gzip); read exactly this many */
  size?: number;
  kind: InputKind;
  transport: Transport;
  /** the bytes are gzip (inflated on reading) */
  gzip: boolean;
  /** the adapter's name for kind 'agent', 'sessions' for the reference format */
  format: string;
  /** for the session decoders: 'jsonl' forces JSON Lines */
  shape: 'auto' | 'jsonl';
  /** `--from X` on content that looks like another format: the error to raise when the input is read (input order decides which error wins) */
  mismatch?: string;
  /** streams only (never sent to a worker): what was read while sniffing */
  stream?: StreamHandle;
}

/** An input without its stream handle: what crosses to a worker (regular files only). */
export type WireInput = Omit<Input, 'stream'>;

export function isJsonlName(p: string): boolean {
  return /\.(jsonl|ndjson)(\.gz)?$/i.test(p);
}

/** The name a gzip file's content would have: `x.jsonl.gz` -> `x.jsonl` (adapters use the name to break ties, e.g. `.traj`). */
export function innerName(p: string): string {
  return p.replace(/\.gz$/i, '');
}

const FORMAT_LABELS: Readonly<Record<string, string>> = {
  'claude-code': 'a Claude Code log',
  codex: 'a Codex CLI rollout',
  openhands: 'an OpenHands trajectory',
  'swe-agent': 'a SWE-agent trajectory',
  otlp: 'OpenTelemetry (OTLP) JSON',
  sessions: 'a session archive (the reference format)',
};

export function describeFormat(name: string): string {
  return FORMAT_LABELS[name] ?? `a ${name} log`;
}

function isGzip(head: Buffer): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
}

/** At most `max` bytes of the inflated start of a gzip stream whose first bytes are `raw` (errors: what inflated so far). */
export async function inflateHead(raw: Buffer, max = HEAD_BYTES): Promise<Buffer> {
  const out: Buffer[] = [];
  let n = 0;
  const { gunzipMembers } = await import('./_gunzip.js'); // a run without gzip never loads it
  try {
    for await (const chunk of gunzipMembers([raw], '')) {
      out.push(chunk);
      n += chunk.length;
      if (n >= max) break;
    }
  } catch {
    // a truncated head (we only gave it the first bytes) or a broken stream: reading reports the latter
  }
  const all = Buffer.concat(out, n);
  return all.length > max ? all.subarray(0, max) : all;
}

/** True when the head's first record is an object with one of the session keys. */
function looksLikeSessions(head: Buffer): boolean {
  let found: boolean | undefined;
  try {
    const d = new FastDecoder((e) => {
      if (found === undefined && e.kind === 'record') {
        const v = e.record.value;
        found = typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).some((k) => SEED_SESSION_KEYS.has(k));
      }
    });
    d.push(head);
    if (found === undefined) d.end();
  } catch {
    // not JSON (or cut by the head): no answer
  }
  return found === true;
}

/** What the content looks like: an adapter's name, 'sessions', or undefined. */
export function sniffFormat(head: Buffer, path: string): string | undefined {
  return detectFormat(head, path)?.name ?? (looksLikeSessions(head) ? 'sessions' : undefined);
}

/**
 * The format to read `head` (the first ≤64 KB, inflated) with, for `--from`:
 * 'auto' detects; 'sessions' or an adapter name is taken at its word unless the
 * content plainly is another format (then `mismatch` says which).
 */
function decideFormat(head: Buffer, name: string, from: string): { format: string; mismatch?: string } {
  if (from === 'sessions') return { format: 'sessions' };
  if (from === 'auto') return { format: detectFormat(head, name)?.name ?? 'sessions' };
  const wanted: AgentFormat | undefined = formatByName(from);
  if (wanted === undefined || wanted.detect(head, name)) return { format: from };
  const seen = sniffFormat(head, name);
  if (seen === undefined || seen === from) return { format: from };
  const hint = seen === 'sessions' ? '--from sessions or auto' : `--from ${seen} or auto`;
  return { format: from, mismatch: `Not ${describeFormat(from)}: the content looks like ${describeFormat(seen)} (${hint})` };
}

function kindOf(transport: Transport, gzip: boolean, format: string, shape: 'auto' | 'jsonl'): InputKind {
  if (format !== 'sessions') return 'agent';
  if (transport !== 'file') return transport;
  if (gzip) return 'gzip';
  return shape === 'jsonl' ? 'jsonl' : 'json';
}

function build(path: string, transport: Transport, raw: Buffer, inflated: Buffer, from: string): Input {
  const gzip = isGzip(raw);
  const name = gzip ? innerName(path) : path;
  const { format, mismatch } = decideFormat(inflated.subarray(0, HEAD_BYTES), name, from);
  const shape = isJsonlName(path) ? 'jsonl' : 'auto';
  const input: Input = { path, kind: kindOf(transport, gzip, format, shape), transport, gzip, format, shape };
  if (mismatch !== undefined) input.mismatch = mismatch;
  return input;
}

/**
 * Classify a regular file. An unreadable file is classified by its name only: the
 * read reports the error, in input order, exactly as for any other input.
 * Synchronous calls: four small syscalls per file, where the promise API's thread
 * pool round trips and FileHandle objects cost more than the syscalls themselves
 * (a folder of 20k tiny files: see bytes.ts).
 */
export async function classifyFile(path: string, from: string): Promise<Input> {
  let fd: number | undefined;
  let head: Buffer;
  let size: number;
  try {
    fd = openSync(path, 'r');
    size = fstatSync(fd).size;
    // only the bytes there are (tiny files are common: a folder of 20k sessions)
    const raw = Buffer.allocUnsafe(Math.min(HEAD_BYTES, size));
    head = raw.subarray(0, readSync(fd, raw, 0, raw.length, 0));
  } catch {
    const shape = isJsonlName(path) ? 'jsonl' : 'auto';
    return { path, kind: shape === 'jsonl' ? 'jsonl' : 'json', transport: 'file', gzip: false, format: 'sessions', shape };
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  const input = build(path, 'file', head, isGzip(head) ? await inflateHead(head) : head, from);
  input.size = size;
  return input;
}

/**
 * Classify a stream (stdin or a non-regular path) by reading its first bytes:
 * up to 64 KB, or for gzip until 64 KB inflate (or the stream ends).
 */
export async function classifyStream(path: string, transport: 'stdin' | 'stream', source: AsyncIterable<Buffer>, from: string): Promise<Input> {
  const rest = source[Symbol.asyncIterator]();
  const head: Buffer[] = [];
  let n = 0;
  let inflated: Buffer = Buffer.alloc(0);
  for (;;) {
    let r: IteratorResult<Buffer>;
    try {
      r = await rest.next();
    } catch (err) {
      // replayed when the stream is read: the error surfaces there, in input order
      const failed: AsyncIterator<Buffer> = { next: () => Promise.reject(err) };
      const input = build(path, transport, Buffer.concat(head, n), Buffer.concat(head, n), from);
      input.stream = { head, rest: failed };
      return input;
    }
    if (r.done) break;
    head.push(r.value);
    n += r.value.length;
    const raw = Buffer.concat(head, n);
    if (!isGzip(raw)) {
      if (n >= HEAD_BYTES) break;
      continue;
    }
    inflated = await inflateHead(raw);
    // a gzip stream: stop once 64 KB inflate, or at 1 MB raw (a stream that inflates to little)
    if (inflated.length >= HEAD_BYTES || n >= 1 << 20) break;
  }
  const raw = Buffer.concat(head, n);
  const input = build(path, transport, raw, isGzip(raw) ? inflated : raw, from);
  input.stream = { head, rest };
  return input;
}
