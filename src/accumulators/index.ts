/**
 * The engine bound by profile name: what the analysis pipeline (input/, workers/,
 * analyze.ts) calls. A state names its profile, so merging needs no more than the
 * two states; a fresh state needs the name (it rides in worker tasks as plain data).
 */
import * as engine from '../profiles/engine.js';
import { findProfile } from '../profiles/index.js';
import type { AnyProfile, ProfileResult } from '../profiles/types.js';
import type { Ordinal } from '../ordinal.js';
import type { MessageReaders } from '../input/message-readers.js';

export { repeatedErrors, type ErrorKeyResult } from '../profiles/seed/repeated-errors.js';
export { slowTools, type ToolLatencyResult } from '../profiles/seed/slow-tools.js';
export { retryStreaks, type RetryResult } from '../profiles/seed/retry-streaks.js';
export { manualProcesses, type ManualPattern, type ManualProcessesResult } from '../profiles/seed/manual-processes.js';
export type { Accumulator } from './types.js';
export { compareOrdinal, type Ordinal } from '../ordinal.js';

/** The state of an analysis (a `ProfileState` of the profile it names). */
export type AnalyzerState = engine.ProfileState;
/** Its finalized results, by detector name. */
export type AnalyzerResult = ProfileResult;

/** What the profile named reads from an error message, for the decoder (input/message-readers.ts). */
export function messageReadersOf(profile: string): readonly MessageReaders[] {
  const readers = profileNamed(profile).messageReaders;
  return readers === undefined ? [] : [readers];
}

/** The profile named `name`; an unknown name is a bug (names are checked at the edge). */
export function profileNamed(name: string): AnyProfile {
  const p = findProfile(name);
  if (p === undefined) throw new Error(`unknown profile '${name}'`);
  return p;
}

export const initState = (profile = 'seed'): AnalyzerState => engine.initState(profileNamed(profile));
export const mergeStates = (a: AnalyzerState, b: AnalyzerState): AnalyzerState => engine.mergeStates(profileNamed(a.profile), a, b);
/** `mergeStates` for a caller that owns both states and uses neither afterwards (see `Detector.mergeInto`). */
export const mergeStatesInto = (into: AnalyzerState, from: AnalyzerState): AnalyzerState =>
  engine.mergeStatesInto(profileNamed(into.profile), into, from);
/** A state with its detectors packed as columns, for postMessage (see profiles/packed.ts), and back. */
export const packState = (s: AnalyzerState): AnalyzerState => engine.packState(profileNamed(s.profile), s);
export const unpackState = (s: AnalyzerState): AnalyzerState => engine.unpackState(profileNamed(s.profile), s);
/** `unpackState` but for the detectors that merge packed states as they are (see `Detector.mergePacked`). */
export const unpackForMerge = (s: AnalyzerState): AnalyzerState => engine.unpackForMerge(profileNamed(s.profile), s);
export const packedBuffers = engine.packedBuffers;
export const mapStateOrdinals = (s: AnalyzerState, f: (o: Ordinal) => Ordinal): AnalyzerState =>
  engine.mapStateOrdinals(profileNamed(s.profile), s, f);
export const rebaseState = (s: AnalyzerState, prefix: Ordinal): AnalyzerState => engine.rebaseState(profileNamed(s.profile), s, prefix);
export const finalizeState = (s: AnalyzerState): AnalyzerResult => engine.finalizeState(profileNamed(s.profile), s);
/** Add one record of the state's profile (a `Session` for seed, an `AgentSession` for fleet); mutates and returns `state`. */
export const addSession = (state: AnalyzerState, record: unknown, at: Ordinal): AnalyzerState =>
  engine.addRecord(profileNamed(state.profile), state, record, at);
