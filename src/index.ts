/**
 * fleet-proposals as a library: analyse files, folders, gzip and agent logs with
 * the CLI's engine (worker threads included), or any iterable of session records;
 * merge states, build and render the reference's report.
 *
 * ```ts
 * import { analyzeInputs, renderReport } from 'fleet-proposals';
 * const report = await analyzeInputs(['exports/', 'more.jsonl.gz'], { threshold: 2 });
 * console.log(renderReport(report, 'markdown', new Date()));
 * ```
 */
import { addSession, initState, type AnalyzerState } from './accumulators/index.js';
import { AnalyzerError } from './errors.js';
import { toSession } from './input/to-session.js';
import { buildReport, type Report } from './report/index.js';

export type { Session, ToolCall, JsonValue } from './session.js';
export { AnalyzerError, EXIT_CODES, type ErrorCode, type ErrorContext } from './errors.js';
export {
  initState,
  addSession,
  mergeStates,
  rebaseState,
  finalizeState,
  repeatedErrors,
  slowTools,
  retryStreaks,
  manualProcesses,
  type AnalyzerState,
  type AnalyzerResult,
  type Accumulator,
  type Ordinal,
} from './accumulators/index.js';
import type { WastePattern as AnyWastePattern } from './analysis/patterns.js';
import type { PatternType } from './profiles/seed/report.js';
export { toSession, type SessionCheck } from './input/to-session.js';
export { priorityFromRoi, type ImprovementProposal, type Priority } from './analysis/proposals.js';
export { buildPatterns, generateProposals, applyThreshold, type PatternSet, type PatternType } from './profiles/seed/report.js';
/** A seed waste pattern, its `pattern_type` one of the seed registry's (the library's type before the shape moved to analysis/). */
export type WastePattern = AnyWastePattern<PatternType>;
export { buildReport, renderReport, renderMarkdown, renderJson, type Report } from './report/index.js';
export { serializeState, serializeStateChunks, parseState, readState, STATE_FORMAT, STATE_VERSION, type StateDocument } from './state-file.js';
// eager: the library's synchronous API reads states of any profile, so every profile loads with it
export { PROFILES } from './profiles/all.js';
export { seedProfile, type Detector, type Profile, type ProfileResult, type ProfileState } from './profiles/index.js';
export { runAnalyze, runMerge, type Io } from './main.js';
export { analyzeInputs, type AnalyzeInputsOptions, type InputsReport } from './engine.js';
export type { MalformedSummary, MalformedRecord } from './malformed.js';
export type { ResolvedOptions, Format, ParserKind } from './options.js';

export interface AnalyzeSessionsOptions {
  threshold?: number;
  hourlyRate?: number;
  /** throw on the first record that is not a session instead of skipping it */
  strict?: boolean;
}

/** Fold session records (objects in the reference's format) into a state. */
export async function analyzeRecords(
  records: Iterable<unknown> | AsyncIterable<unknown>,
  opts: Pick<AnalyzeSessionsOptions, 'strict'> = {},
): Promise<AnalyzerState> {
  const state = initState();
  let i = 0;
  for await (const r of records) {
    const checked = toSession(r);
    if (checked.ok) addSession(state, checked.session, [0, 0, i]);
    else if (opts.strict) throw new AnalyzerError('FP_MALFORMED', `Invalid session: ${checked.reason}, at session #${i}`, { record: i });
    else state.skipped++;
    i++;
  }
  return state;
}

/** Records -> the reference's report (patterns and thresholded proposals). */
export async function analyzeSessions(records: Iterable<unknown> | AsyncIterable<unknown>, opts: AnalyzeSessionsOptions = {}): Promise<Report> {
  const state = await analyzeRecords(records, opts);
  return buildReport(state, { threshold: opts.threshold ?? 2.0, hourlyRate: opts.hourlyRate ?? 50.0 });
}
