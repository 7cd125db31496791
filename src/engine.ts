/**
 * The engine the CLI and the library share: input files -> one merged state, read
 * on this thread (one worker) or split over worker threads (workers/pool.ts); the
 * choice is the engine's, from `workers`, never the caller's. Nothing here writes
 * to a stream: progress goes to the `Progress` it is given.
 */
import os from 'node:os';
import { analyzeSequential, type AnalysisResult } from './analyze.js';
import { AnalyzerError } from './errors.js';
import { AGENT_FORMAT_NAMES } from './input/adapters/formats.js';
import type { MalformedSummary } from './malformed.js';
import type { Input } from './input/classify.js';
import { resolveInputs, type ResolveResult } from './input/sources.js';
import { DEFAULT_OPTIONS, readOptionsOf, type AnalysisOptions, type ParserKind } from './options.js';
import { NO_PROGRESS, type Progress } from './progress.js';
import { loadProfile } from './profiles/index.js';
import { buildReport, type Report } from './report/index.js';
import { threadsForInputs } from './workers/thread-count.js';

/**
 * Analyse `files` in input order: on `threadsForInputs(files, workers)` threads when that is more
 * than one (this thread and worker threads, workers/pool.ts), else on this thread alone. The report is the same either way.
 * The profile and the pool are imported here when the run needs them (a seed run on one thread loads neither the fleet
 * profile nor the pool's modules).
 */
export async function analyzeFiles(files: readonly Input[], o: AnalysisOptions, progress: Progress = NO_PROGRESS): Promise<AnalysisResult> {
  await loadProfile(o.profile);
  const threads = threadsForInputs(files, o.workers, o.profile);
  if (threads <= 1) return analyzeSequential(files, readOptionsOf(o, progress));
  const { analyzeParallel } = await import('./workers/pool.js');
  return analyzeParallel(files, { ...o, workers: threads }, progress);
}

/** Options of {@link analyzeInputs}; each defaults to the CLI's default. */
export interface AnalyzeInputsOptions {
  /**
   * most threads (the calling thread and worker threads); 1 reads on the calling thread alone (default: the available cores, as the CLI).
   * At most twice the available cores, as the CLI caps `--workers` (1000 threads took over 4 GB);
   * fewer on a small input, one of long messages, or a machine whose cores cannot feed them (`threadsForInputs`: one per
   * 128 MB of files that are not long messages, at most one per 1.3 cores: one thread on 2 cores).
   */
  workers?: number;
  /** JSON decoder (default 'fast') */
  parser?: ParserKind;
  /** 'auto' (detect per file, default), 'sessions' (the reference's format) or an agent format: 'claude-code', 'codex', ... */
  from?: string;
  /** throw on the first record that is not a session (FP_MALFORMED) instead of skipping it */
  strict?: boolean;
  /** minimum monthly hours of a proposal (default 2.0) */
  threshold?: number;
  /** accepted and unused, as in the reference (default 50.0) */
  hourlyRate?: number;
}

/** The report of some inputs, with what was read to make it. */
export interface InputsReport extends Report {
  /** sessions analysed; 0 is where the CLI says "No sessions found" and exits 1 */
  sessions: number;
  /** records that are not sessions: skipped, counted, the first few with their place */
  malformed: MalformedSummary;
  /** folder entries that are not archives, as the CLI warns about them */
  skipped: ResolveResult['skipped'];
}

/**
 * Files, folders, globs or '-' (stdin) -> the report the CLI would print, by the
 * same engine (gzip, JSON Lines, agent logs, worker threads). Throws an
 * `AnalyzerError` where the CLI exits with 2, 3 or 70.
 */
export async function analyzeInputs(paths: readonly string[], options: AnalyzeInputsOptions = {}): Promise<InputsReport> {
  const cores = Math.max(1, os.availableParallelism());
  const o = {
    workers: options.workers ?? cores,
    parser: options.parser ?? DEFAULT_OPTIONS.parser,
    from: options.from ?? DEFAULT_OPTIONS.from,
    strict: options.strict ?? DEFAULT_OPTIONS.strict,
    profile: 'seed',
  };
  checkOptions(o);
  o.workers = Math.min(o.workers, 2 * cores);
  const { files, skipped } = await resolveInputs(paths, { from: o.from });
  const { state, malformed } = await analyzeFiles(files, o);
  const report = buildReport(state, {
    threshold: options.threshold ?? DEFAULT_OPTIONS.threshold,
    hourlyRate: options.hourlyRate ?? DEFAULT_OPTIONS.hourlyRate,
  });
  return { ...report, sessions: state.sessions, malformed, skipped };
}

const FROM_CHOICES: readonly string[] = ['auto', 'sessions', ...AGENT_FORMAT_NAMES];

/** The library's edge: the checks cli.ts leaves to yargs, with the same exit code (2). */
function checkOptions(o: { workers: number; parser: string; from: string }): void {
  const usage = (what: string) => new AnalyzerError('FP_USAGE', `Invalid option: ${what}`);
  if (!Number.isInteger(o.workers) || o.workers < 1) throw usage(`workers must be a positive integer, got ${String(o.workers)}`);
  if (o.parser !== 'fast' && o.parser !== 'stream-json') throw usage(`parser must be 'fast' or 'stream-json', got '${o.parser}'`);
  if (!FROM_CHOICES.includes(o.from)) throw usage(`from must be one of ${FROM_CHOICES.join(', ')}, got '${o.from}'`);
}
