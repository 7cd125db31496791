/** Options of an analysis run, validated once at the edge (cli.ts). */
export type Format = 'markdown' | 'json';
export type ParserKind = 'fast' | 'stream-json';

export interface Options {
  input?: string[];
  output?: string;
  format?: Format;
  hourlyRate?: number;
  threshold?: number;
  strict?: boolean;
  quiet?: boolean;
  progress?: boolean;
  workers?: number;
  parser?: ParserKind;
  from?: string;
  emitState?: string;
  jsonl?: boolean;
}

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
} as const satisfies Partial<ResolvedOptions>;

/** How many malformed records are listed in the stderr summary. */
export const MALFORMED_SHOWN = 5;
