/**
 * The flags of incremental and distributed runs, kept here so that cli.ts only
 * spreads them in: `--cache DIR`, `--redis URL`, `--shard-size SIZE`.
 */
import { AnalyzerError } from '../errors.js';

export const SCALE_OPTIONS = {
  cache: {
    type: 'string',
    requiresArg: true,
    describe: 'Reuse per-file analysis states kept in DIR; read only new or changed files (and the new part of grown JSON Lines files)',
  },
  redis: {
    type: 'string',
    requiresArg: true,
    describe:
      'Analyse on `fleet-proposals worker` processes through BullMQ on this Redis (redis://HOST:PORT); inputs must be on storage every worker sees',
  },
  'shard-size': { type: 'string', requiresArg: true, describe: 'With --redis: target size of a shard job, e.g. 256MB [default: 256MB]' },
} as const;

const UNITS: Record<string, number> = { '': 1, B: 1, KB: 1e3, MB: 1e6, GB: 1e9, KIB: 1024, MIB: 1024 ** 2, GIB: 1024 ** 3 };

/** "256MB", "1.5GB", "64MiB", "1000000" -> bytes; undefined when not a size. */
export function parseSize(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  if (m === null) return undefined;
  const unit = UNITS[m[2]!.toUpperCase()];
  if (unit === undefined) return undefined;
  const n = Math.floor(Number(m[1]) * unit);
  return n >= 1 ? n : undefined;
}

/** The options object's part for these flags (argv as yargs parsed it, last value of repeats taken). */
export function scaleOptions(argv: Record<string, unknown>): { cache?: string; redis?: string; shardSize?: number } {
  const out: { cache?: string; redis?: string; shardSize?: number } = {};
  if (typeof argv['cache'] === 'string') out.cache = argv['cache'];
  if (typeof argv['redis'] === 'string') out.redis = argv['redis'];
  if (out.cache !== undefined && out.redis !== undefined) throw new AnalyzerError('FP_USAGE', 'arguments --cache and --redis: not allowed together');
  const raw = argv['shardSize'];
  if (raw !== undefined) {
    const n = parseSize(String(raw));
    if (n === undefined) throw new AnalyzerError('FP_USAGE', `argument --shard-size: expected a size such as 256MB, got '${String(raw)}'`);
    if (out.redis === undefined) throw new AnalyzerError('FP_USAGE', 'argument --shard-size: only used with --redis');
    out.shardSize = n;
  }
  return out;
}

/** `fleet-proposals worker --redis URL [--concurrency N]`: runs until SIGINT or SIGTERM. */
export const WORKER_OPTIONS = {
  redis: { type: 'string', requiresArg: true, demandOption: true, describe: 'The Redis the submitting runs use (redis://HOST:PORT)' },
  concurrency: {
    type: 'string', // parsed below: yargs' number type turns `abc` into NaN, and the message said so
    requiresArg: true,
    default: '1',
    describe: 'Jobs at once (run one worker per core rather than raising this: jobs are CPU-bound)',
  },
} as const;

export function workerConcurrency(argv: Record<string, unknown>): number {
  const raw = argv['concurrency'];
  const v = String(Array.isArray(raw) ? raw[raw.length - 1] : raw);
  const n = /^\s*\+?\d+\s*$/.test(v) ? Number(v) : NaN;
  if (!Number.isSafeInteger(n) || n < 1) throw new AnalyzerError('FP_USAGE', `argument --concurrency: must be a positive integer, got '${v}'`);
  return n;
}
