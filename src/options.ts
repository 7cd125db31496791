/** Options of an analysis run, validated once at the edge (cli.ts). */
import { AnalyzerError } from './errors.js';
import type { Progress } from './progress.js';

/** Dollars an hour, at most: a larger rate is a typo, and sums of its dollars overflow doubles ("$Infinity/week" at 1e308). */
export const MAX_HOURLY_RATE = 1_000_000;

/**
 * The fleet profile prices hours lost with --hourly-rate (the seed profile never reads it, as the
 * reference): NaN gave null dollars everywhere, a negative rate negative ones. `given` is the value
 * as typed. Checked where the profile is known: at the command line, or in `merge` from its states.
 */
export function checkFleetHourlyRate(rate: number, given: string): void {
  if (rate >= 0 && rate <= MAX_HOURLY_RATE) return;
  throw new AnalyzerError(
    'FP_USAGE',
    `argument --hourly-rate: the fleet profile prices hours with it: expected a number from 0 to 1,000,000, got '${given}'`,
  );
}

export type Format = 'markdown' | 'json' | 'html';
export type ParserKind = 'fast' | 'stream-json';

export interface ResolvedOptions {
  input: string[];
  output: string | undefined;
  format: Format;
  hourlyRate: number;
  threshold: number;
  strict: boolean;
  quiet: boolean;
  progress: boolean;
  workers: number;
  parser: ParserKind;
  from: string;
  emitState: string | undefined;
  /** the analysis profile: 'seed' (the reference's report, the default) or 'fleet' */
  profile: string;
  /** --prices FILE: the fleet profile's price table instead of the shipped one */
  prices: string | undefined;
  /** the command line as typed, shown in the HTML report (cli.ts sets it) */
  command?: readonly string[];
  /** `--cache DIR`: reuse per-file states of earlier runs (src/cache/) */
  cache?: string;
  /** `--redis URL`: analyse on BullMQ workers (src/distributed/) */
  redis?: string;
  /** `--shard-size`: target bytes per shard of a distributed run */
  shardSize?: number;
}

export const DEFAULT_OPTIONS = {
  format: 'markdown',
  hourlyRate: 50.0,
  threshold: 2.0,
  strict: false,
  quiet: false,
  progress: false,
  parser: 'fast',
  from: 'auto',
  profile: 'seed',
} as const satisfies Partial<ResolvedOptions>;

/** How many malformed records are listed in the stderr summary. */
export const MALFORMED_SHOWN = 5;

/** What the readers take from the options: the decoder, `--from`, `--strict` (plain data: it rides in worker tasks). */
export interface DecodeOptions {
  parser: ParserKind;
  /** 'auto' (detect per file), 'sessions' (the reference's format) or an adapter name */
  from: string;
  strict: boolean;
  /** the profile whose records and detectors the readers feed ('seed', 'fleet') */
  profile: string;
}

/** What the analysis takes from the options: the readers' and the worker count (1 reads on this thread). */
export interface AnalysisOptions extends DecodeOptions {
  workers: number;
}

/**
 * The readers' options (`ReadOptions` of input/read-sessions.ts), built in this one
 * place for the single-thread path, the pool and its workers. With `progress`, bytes
 * read and sessions added are reported to it.
 */
export function readOptionsOf(o: DecodeOptions): DecodeOptions;
export function readOptionsOf(o: DecodeOptions, progress: Progress): DecodeOptions & { onBytes(n: number): void; onSession(): void };
export function readOptionsOf(o: DecodeOptions, progress?: Progress): DecodeOptions & { onBytes?(n: number): void; onSession?(): void } {
  const decode = { parser: o.parser, from: o.from, strict: o.strict, profile: o.profile };
  if (progress === undefined) return decode;
  return { ...decode, onBytes: (n) => progress.bytes(n), onSession: () => progress.sessions(1) };
}
