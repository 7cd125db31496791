/**
 * The seed profile's engine, bound: what the analysis pipeline (input/, workers/,
 * analyze.ts, main.ts) calls today. Everything here is derived from the seed
 * registry (profiles/seed/detectors.ts) by the generic engine
 * (profiles/engine.ts); no detector is listed. When the pipeline takes a
 * profile, its callers use profiles/engine.ts directly and this file goes.
 */
import * as engine from '../profiles/engine.js';
import type { ProfileResult } from '../profiles/types.js';
import { seedProfile } from '../profiles/seed/index.js';
import type { Ordinal } from '../profiles/ordinal.js';
import type { Session } from '../session.js';

export { repeatedErrors, type ErrorKeyResult } from '../profiles/seed/repeated-errors.js';
export { slowTools, type ToolLatencyResult } from '../profiles/seed/slow-tools.js';
export { retryStreaks, type RetryResult } from '../profiles/seed/retry-streaks.js';
export { manualProcesses, type ManualPattern, type ManualProcessesResult } from '../profiles/seed/manual-processes.js';
export type { Accumulator } from './types.js';
export { compareOrdinal, type Ordinal } from '../profiles/ordinal.js';

/** The state of an analysis (a `ProfileState` of the seed profile). */
export type AnalyzerState = engine.ProfileState;
/** Its finalized results, by detector name. */
export type AnalyzerResult = ProfileResult;

export const initState = (): AnalyzerState => engine.initState(seedProfile);
/** Add one session; mutates and returns `state`. */
export const addSession = (state: AnalyzerState, session: Session, at: Ordinal): AnalyzerState => engine.addRecord(seedProfile, state, session, at);
export const mergeStates = (a: AnalyzerState, b: AnalyzerState): AnalyzerState => engine.mergeStates(seedProfile, a, b);
export const mapStateOrdinals = (s: AnalyzerState, f: (o: Ordinal) => Ordinal): AnalyzerState => engine.mapStateOrdinals(seedProfile, s, f);
export const rebaseState = (s: AnalyzerState, prefix: Ordinal): AnalyzerState => engine.rebaseState(seedProfile, s, prefix);
export const finalizeState = (s: AnalyzerState): AnalyzerResult => engine.finalizeState(seedProfile, s);
