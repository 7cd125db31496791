/**
 * Writing one archive: the session sequence laid out as an array, a wrapper object, JSON Lines
 * or a folder of files, up to a size or a session count (generateArchive is the generator's API,
 * used by bench/run.ts, the other benches and the tests).
 */
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { type ArchiveProfile, type ArchiveShape, GENERATOR_VERSION } from './archive-kinds.js';
import { SessionFactory } from './session-factory.js';
import { Sink } from './sink.js';
import { isoTime } from './vocabulary.js';

export interface GenerateOptions {
  out: string;
  shape: ArchiveShape;
  /** target uncompressed bytes (ignored when `sessions` is set) */
  size?: number;
  sessions?: number;
  seed?: number;
  gzip?: boolean;
  gzipLevel?: number;
  files?: number;
  pretty?: boolean;
  /** what the sessions look like (default `transcript`) */
  profile?: ArchiveProfile;
}

export interface GenerateResult {
  /** bytes on disk (compressed when gzipped; summed over a folder) */
  bytes: number;
  /** uncompressed bytes */
  decodedBytes: number;
  sessions: number;
  /** tool calls in all sessions */
  toolCalls: number;
  seconds: number;
  files: string[];
}

type FileShape = 'array' | 'wrapper' | 'jsonl';

async function writeOne(
  factory: SessionFactory,
  path: string,
  shape: FileShape,
  limit: { size?: number; sessions?: number },
  seed: number,
  gzipLevel: number | undefined,
  pretty: boolean,
): Promise<{ decodedBytes: number; sessions: number }> {
  const sink = new Sink(path, gzipLevel);
  const nl = pretty ? '\n  ' : '\n';
  const sep = shape === 'jsonl' ? '\n' : `,${nl}`;
  let header = '';
  let footer = '';
  if (shape === 'array') {
    header = `[${nl}`;
    footer = '\n]\n';
  } else if (shape === 'wrapper') {
    const meta = {
      source: 'fleet-metrics-export',
      schema_version: '2.3',
      generator: `fleet-proposals bench v${GENERATOR_VERSION}`,
      seed,
      fleet: { name: 'acme-agents', regions: ['eu-west-1', 'us-east-1'], note: 'synthetic — données de test' },
    };
    const metaJson = pretty ? JSON.stringify(meta, null, 2).replace(/\n/g, '\n  ') : JSON.stringify(meta);
    header = pretty ? `{\n  "meta": ${metaJson},\n  "sessions": [\n  ` : `{"meta": ${metaJson}, "sessions": [\n`;
    footer = `\n], "exported_at": "${isoTime(Date.UTC(2025, 6, 1) + (seed % 1000) * 60_000)}"}\n`;
  }
  if (header) sink.text(header);
  // the footer counts toward the size target
  const budget = limit.size === undefined ? Infinity : limit.size - Buffer.byteLength(footer);
  let count = 0;
  for (;;) {
    if (limit.sessions !== undefined ? count >= limit.sessions : count > 0 && sink.written >= budget) break;
    if (count > 0) sink.text(sep);
    factory.emit(sink, pretty && shape !== 'jsonl');
    count++;
    await sink.drain();
  }
  if (shape === 'jsonl') footer = count > 0 ? '\n' : '';
  if (footer) sink.text(footer);
  await sink.close();
  return { decodedBytes: sink.written, sessions: count };
}

export async function generateArchive(opts: GenerateOptions): Promise<GenerateResult> {
  const t0 = performance.now();
  const seed = (opts.seed ?? 1) >>> 0;
  const gzipLevel = opts.gzip ? (opts.gzipLevel ?? 1) : undefined;
  const pretty = opts.pretty ?? false;
  if (opts.sessions === undefined && opts.size === undefined) throw new Error('either size or sessions is required');
  const factory = new SessionFactory(seed, opts.profile ?? 'transcript');
  const files: string[] = [];
  let decodedBytes = 0;
  let sessions = 0;

  if (opts.shape === 'folder') {
    const n = Math.max(1, opts.files ?? 8);
    rmSync(opts.out, { recursive: true, force: true });
    mkdirSync(opts.out, { recursive: true });
    for (let i = 0; i < n; i++) {
      const shape: FileShape = i % 2 === 0 ? 'jsonl' : 'array';
      const name = `part-${String(i).padStart(4, '0')}.${shape === 'jsonl' ? 'jsonl' : 'json'}${gzipLevel !== undefined ? '.gz' : ''}`;
      const file = join(opts.out, name);
      const limit =
        opts.sessions !== undefined
          ? { sessions: Math.floor(opts.sessions / n) + (i < opts.sessions % n ? 1 : 0) }
          : { size: Math.max(1, Math.floor((opts.size ?? 0) / n)) };
      const r = await writeOne(factory, file, shape, limit, seed, gzipLevel, pretty);
      decodedBytes += r.decodedBytes;
      sessions += r.sessions;
      files.push(file);
    }
  } else {
    const limit = opts.sessions !== undefined ? { sessions: opts.sessions } : { size: opts.size ?? 0 };
    const r = await writeOne(factory, opts.out, opts.shape, limit, seed, gzipLevel, pretty);
    decodedBytes = r.decodedBytes;
    sessions = r.sessions;
    files.push(opts.out);
  }
  const bytes = files.reduce((acc, f) => acc + statSync(f).size, 0);
  return { bytes, decodedBytes, sessions, toolCalls: factory.toolCalls, seconds: (performance.now() - t0) / 1000, files };
}
