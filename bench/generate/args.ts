/** The generator's command line: its flags parsed into GenerateOptions, and its summary line. */
import { parseArgs } from 'node:util';
import { type ArchiveProfile, type ArchiveShape, PROFILES, SHAPES } from './archive-kinds.js';
import { formatBytes, parseSize } from './sizes.js';
import type { GenerateOptions, GenerateResult } from './write-archive.js';

/** `--help`: the header of bench/generate.ts is the help. */
export class HelpRequested extends Error {}

export function parseGenerateArgs(argv: string[]): GenerateOptions & { quiet: boolean } {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      out: { type: 'string', short: 'o' },
      size: { type: 'string' },
      sessions: { type: 'string' },
      shape: { type: 'string', default: 'array' },
      profile: { type: 'string', default: 'transcript' },
      gzip: { type: 'boolean', default: false },
      'gzip-level': { type: 'string', default: '1' },
      files: { type: 'string', default: '8' },
      seed: { type: 'string', default: '1' },
      pretty: { type: 'boolean', default: false },
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) throw new HelpRequested();
  if (!values.out) throw new Error('--out PATH is required');
  const shape = values.shape as ArchiveShape;
  if (!SHAPES.includes(shape)) throw new Error(`--shape must be one of ${SHAPES.join(', ')}`);
  const profile = values.profile as ArchiveProfile;
  if (!PROFILES.includes(profile)) throw new Error(`--profile must be one of ${PROFILES.join(', ')}`);
  const int = (name: string, v: string, min: number, max = Number.MAX_SAFE_INTEGER): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max) throw new Error(`--${name} must be an integer in [${min}, ${max}]: '${v}'`);
    return n;
  };
  const opts: GenerateOptions & { quiet: boolean } = {
    out: values.out,
    shape,
    seed: int('seed', values.seed, 0, 0xffffffff),
    gzip: values.gzip,
    gzipLevel: int('gzip-level', values['gzip-level'], 1, 9),
    files: int('files', values.files, 1, 100_000),
    pretty: values.pretty,
    quiet: values.quiet,
    profile,
  };
  if (values.sessions !== undefined) opts.sessions = int('sessions', values.sessions, 0);
  else opts.size = parseSize(values.size ?? '10MB');
  return opts;
}

export function summaryLine(opts: GenerateOptions, r: GenerateResult): string {
  const kind = `${opts.profile && opts.profile !== 'transcript' ? `${opts.profile} ` : ''}${opts.shape}${opts.gzip ? '+gzip' : ''}${opts.shape === 'folder' ? ` (${r.files.length} files)` : ''}`;
  const gz = opts.gzip ? `, ${formatBytes(r.decodedBytes)} uncompressed` : '';
  return (
    `generated ${kind} ${opts.out}: ${r.bytes} bytes (${formatBytes(r.bytes)}${gz}), ` +
    `${r.sessions} sessions, ${r.toolCalls} tool calls, ${r.seconds.toFixed(1)} s (${(r.decodedBytes / 1e6 / Math.max(r.seconds, 1e-9)).toFixed(0)} MB/s), seed ${opts.seed ?? 1}`
  );
}
