/**
 * The detectors and the Analyzer state that bundles them. An Analyzer state is
 * what a worker posts back and what `--emit-state` writes; `mergeStates(a, b)`
 * equals analysing the concatenated input (ordinals carry the order).
 */
import type { Session } from '../session.js';
import { manualProcesses } from './manual-processes.js';
import { repeatedErrors } from './repeated-errors.js';
import { retryStreaks } from './retry-streaks.js';
import { slowTools } from './slow-tools.js';
import type { Ordinal } from './types.js';

export { repeatedErrors, slowTools, retryStreaks, manualProcesses };
export type { Accumulator, Ordinal } from './types.js';
export { compareOrdinal } from './types.js';
export type { ErrorKeyResult } from './repeated-errors.js';
export type { ToolLatencyResult } from './slow-tools.js';
export type { RetryResult } from './retry-streaks.js';
export type { ManualPattern, ManualProcessesResult } from './manual-processes.js';

export interface AnalyzerState {
  /** valid sessions added */
  sessions: number;
  /** records skipped as malformed */
  skipped: number;
  repeated_errors: ReturnType<typeof repeatedErrors.init>;
  slow_tools: ReturnType<typeof slowTools.init>;
  retry_streaks: ReturnType<typeof retryStreaks.init>;
  manual_processes: ReturnType<typeof manualProcesses.init>;
}

export interface AnalyzerResult {
  sessions: number;
  skipped: number;
  repeatedErrors: ReturnType<typeof repeatedErrors.finalize>;
  slowTools: ReturnType<typeof slowTools.finalize>;
  retryStreaks: ReturnType<typeof retryStreaks.finalize>;
  manualProcesses: ReturnType<typeof manualProcesses.finalize>;
}

export function initState(): AnalyzerState {
  return {
    sessions: 0,
    skipped: 0,
    repeated_errors: repeatedErrors.init(),
    slow_tools: slowTools.init(),
    retry_streaks: retryStreaks.init(),
    manual_processes: manualProcesses.init(),
  };
}

/** Add one session; mutates and returns `state`. */
export function addSession(state: AnalyzerState, session: Session, at: Ordinal): AnalyzerState {
  state.sessions++;
  repeatedErrors.add(state.repeated_errors, session, at);
  slowTools.add(state.slow_tools, session, at);
  retryStreaks.add(state.retry_streaks, session, at);
  manualProcesses.add(state.manual_processes, session, at);
  return state;
}

export function mergeStates(a: AnalyzerState, b: AnalyzerState): AnalyzerState {
  return {
    sessions: a.sessions + b.sessions,
    skipped: a.skipped + b.skipped,
    repeated_errors: repeatedErrors.merge(a.repeated_errors, b.repeated_errors),
    slow_tools: slowTools.merge(a.slow_tools, b.slow_tools),
    retry_streaks: retryStreaks.merge(a.retry_streaks, b.retry_streaks),
    manual_processes: manualProcesses.merge(a.manual_processes, b.manual_processes),
  };
}

/** A copy with every ordinal replaced by `f(ordinal)` (`f` must keep their order). */
export function mapStateOrdinals(s: AnalyzerState, f: (o: Ordinal) => Ordinal): AnalyzerState {
  return {
    sessions: s.sessions,
    skipped: s.skipped,
    repeated_errors: repeatedErrors.mapOrdinals(s.repeated_errors, f),
    slow_tools: slowTools.mapOrdinals(s.slow_tools, f),
    retry_streaks: retryStreaks.mapOrdinals(s.retry_streaks, f),
    manual_processes: manualProcesses.mapOrdinals(s.manual_processes, f),
  };
}

/** Prefix every ordinal, so states of separate runs merge in a chosen order. */
export function rebaseState(s: AnalyzerState, prefix: Ordinal): AnalyzerState {
  return mapStateOrdinals(s, (o) => [...prefix, ...o]);
}

export function finalizeState(s: AnalyzerState): AnalyzerResult {
  return {
    sessions: s.sessions,
    skipped: s.skipped,
    repeatedErrors: repeatedErrors.finalize(s.repeated_errors),
    slowTools: slowTools.finalize(s.slow_tools),
    retryStreaks: retryStreaks.finalize(s.retry_streaks),
    manualProcesses: manualProcesses.finalize(s.manual_processes),
  };
}
