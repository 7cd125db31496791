/**
 * The analysis engine, generic over a profile: one state holds the state of
 * every detector of the profile, by detector name, and every operation is the
 * detectors' own operation applied to each (derived from `profile.detectors`,
 * never listed by hand). `merge(a, b)` of states equals analysing the
 * concatenated input; that law carries workers, shards and state files.
 */
import { AnalyzerError } from '../errors.js';
import type { Ordinal } from '../ordinal.js';
import { isPacked, packBuffers, PackReader, PackWriter } from './packed.js';
import type { AnyProfile, Profile, ProfileResult } from './types.js';

/** The state of a profile's analysis: what workers post back and state files hold. */
export interface ProfileState {
  /** the profile's name: states of different profiles never merge */
  profile: string;
  /** valid records added */
  sessions: number;
  /** records skipped as malformed */
  skipped: number;
  /** each detector's state, by detector name */
  detectors: Record<string, unknown>;
}

/** A profile, checked: detector names are unique (they key the state). */
export function defineProfile<P extends AnyProfile>(profile: P): P {
  const seen = new Set<string>();
  for (const d of profile.detectors) {
    if (seen.has(d.name)) throw new Error(`profile ${profile.name}: two detectors are named ${d.name}`);
    seen.add(d.name);
  }
  return profile;
}

export function initState(profile: AnyProfile): ProfileState {
  const detectors: Record<string, unknown> = {};
  for (const d of profile.detectors) detectors[d.name] = d.init();
  return { profile: profile.name, sessions: 0, skipped: 0, detectors };
}

/** Add one record; mutates and returns `state`. */
export function addRecord<In>(profile: Profile<In>, state: ProfileState, record: In, at: Ordinal): ProfileState {
  state.sessions++;
  const states = state.detectors;
  for (const d of profile.detectors) states[d.name] = d.add(states[d.name], record, at);
  return state;
}

function sameProfile(profile: AnyProfile, s: ProfileState): void {
  if (s.profile !== profile.name) {
    throw new AnalyzerError('FP_INPUT', `Cannot merge states of different profiles: '${s.profile}' into '${profile.name}'`);
  }
}

/** Associative and commutative; does not mutate its inputs. */
export function mergeStates(profile: AnyProfile, a: ProfileState, b: ProfileState): ProfileState {
  sameProfile(profile, a);
  sameProfile(profile, b);
  const detectors: Record<string, unknown> = {};
  for (const d of profile.detectors) detectors[d.name] = d.merge(a.detectors[d.name], b.detectors[d.name]);
  return { profile: profile.name, sessions: a.sessions + b.sessions, skipped: a.skipped + b.skipped, detectors };
}

/**
 * `mergeStates(into, from)`, built out of both: the detectors' `mergeInto` where they
 * have one (in place: O(the smaller state), no copy of the larger). For a caller that
 * owns both states and uses neither afterwards (see `Detector.mergeInto`). Returns `into`
 * itself, always: a caller may hold it while merging into it (the calling thread adds its
 * own byte ranges to a file's state while the workers' states are merged into that state,
 * workers/_file-job.ts).
 */
export function mergeStatesInto(profile: AnyProfile, into: ProfileState, from: ProfileState): ProfileState {
  sameProfile(profile, into);
  sameProfile(profile, from);
  // a state of no record is init(), the identity (a batch's files but its first carry one)
  if (from.sessions === 0 && from.skipped === 0) return into;
  if (into.sessions === 0 && into.skipped === 0) {
    into.detectors = unpackState(profile, from).detectors;
    into.sessions = from.sessions;
    into.skipped = from.skipped;
    return into;
  }
  unpackState(profile, into);
  const states = into.detectors;
  for (const d of profile.detectors) {
    const a = states[d.name];
    const b = from.detectors[d.name];
    // a worker's state arrives packed (see `unpackForMerge`): merged as it is where the detector can
    if (isPacked(b)) states[d.name] = d.mergePacked !== undefined ? d.mergePacked(a, new PackReader(b)) : merge1(d, a, d.unpack!(new PackReader(b)));
    else states[d.name] = merge1(d, a, b);
  }
  into.sessions += from.sessions;
  into.skipped += from.skipped;
  return into;
}

function merge1(d: AnyProfile['detectors'][number], a: unknown, b: unknown): unknown {
  return d.mergeInto === undefined ? d.merge(a, b) : d.mergeInto(a, b);
}

/** A copy with every ordinal replaced by `f(ordinal)` (`f` must keep their order). */
export function mapStateOrdinals(profile: AnyProfile, s: ProfileState, f: (o: Ordinal) => Ordinal): ProfileState {
  const detectors: Record<string, unknown> = {};
  for (const d of profile.detectors) detectors[d.name] = d.mapOrdinals(s.detectors[d.name], f);
  return { profile: s.profile, sessions: s.sessions, skipped: s.skipped, detectors };
}

/** Each detector's state as a state file holds it (see `Detector.document`), by detector name. */
export function documentDetectors(profile: AnyProfile, s: ProfileState): Record<string, unknown> {
  const detectors: Record<string, unknown> = {};
  for (const d of profile.detectors) {
    const state = s.detectors[d.name];
    detectors[d.name] = d.document === undefined ? state : d.document(state);
  }
  return detectors;
}

/** Prefix every ordinal, so states of separate runs merge in a chosen order. */
export function rebaseState(profile: AnyProfile, s: ProfileState, prefix: Ordinal): ProfileState {
  return mapStateOrdinals(profile, s, (o) => prefix.concat(o));
}

export function finalizeState(profile: AnyProfile, s: ProfileState): ProfileResult {
  const results: Record<string, unknown> = {};
  for (const d of profile.detectors) results[d.name] = d.finalize(s.detectors[d.name]);
  return { profile: s.profile, sessions: s.sessions, skipped: s.skipped, results };
}

/** The state with every detector that can packed as columns (for the trip from a worker); see `Detector.pack`. */
export function packState(profile: AnyProfile, s: ProfileState): ProfileState {
  const detectors: Record<string, unknown> = {};
  for (const d of profile.detectors) {
    const state = s.detectors[d.name];
    if (d.pack === undefined) detectors[d.name] = state;
    else {
      const w = new PackWriter();
      d.pack(state, w);
      detectors[d.name] = w.finish();
    }
  }
  return { profile: s.profile, sessions: s.sessions, skipped: s.skipped, detectors };
}

/** `packState` undone: every packed detector state read back; mutates and returns `s`. */
export function unpackState(profile: AnyProfile, s: ProfileState): ProfileState {
  for (const d of profile.detectors) {
    const state = s.detectors[d.name];
    if (d.unpack !== undefined && isPacked(state)) s.detectors[d.name] = d.unpack(new PackReader(state));
  }
  return s;
}

/**
 * `packState` undone for the detectors that cannot merge a packed state (`Detector.mergePacked`);
 * the others stay packed until `mergeStatesInto` merges them (or `unpackState` unpacks
 * them). Mutates and returns `s`.
 */
export function unpackForMerge(profile: AnyProfile, s: ProfileState): ProfileState {
  for (const d of profile.detectors) {
    const state = s.detectors[d.name];
    if (d.unpack !== undefined && d.mergePacked === undefined && isPacked(state)) s.detectors[d.name] = d.unpack(new PackReader(state));
  }
  return s;
}

/** The buffers of a packed state, to transfer rather than copy. */
export function packedBuffers(s: ProfileState): ArrayBuffer[] {
  const out: ArrayBuffer[] = [];
  for (const v of Object.values(s.detectors)) {
    if (isPacked(v)) out.push(...packBuffers(v));
  }
  return out;
}
