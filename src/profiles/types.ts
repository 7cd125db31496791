/**
 * The two shapes everything else is derived from (DESIGN.md, "Profiles"):
 *
 * - a `Detector` is one waste detector over one record type: the accumulator
 *   (init/add/merge/finalize/mapOrdinals) plus `validate`, the schema check of
 *   its own state as read back from a state file;
 * - a `Profile` is a name, the list of its detectors (the registry: the only
 *   place a detector is listed) and the function that turns their finalized
 *   results into the profile's report.
 *
 * The engine (`engine.ts`: add/merge/finalize over all detectors) and the state
 * file (`../state-file.ts`: schema, validation, merge) are generic over a
 * profile and never name a detector. A profile may extend `Detector` with what
 * its report needs (the seed's `SeedDetector` adds patterns and proposals).
 *
 * ```ts
 * // src/fleet/detectors/retry-loops.ts: one detector, one file
 * export const retryLoops: Detector<AgentSession, LoopsState, LoopFinding[]> = {
 *   name: 'retry_loops', init, add, merge, finalize, mapOrdinals,
 *   validate: (v, path) => { const o = object(v, path, ['loops']); ... },  // see schema.ts
 * };
 * // src/fleet/index.ts: the registry is the detector list, one line each
 * export const fleetProfile = defineProfile({ name: 'fleet', detectors: [retryLoops, ...], report });
 * // src/profiles/registry.ts: one line, { name: 'fleet', description, load: () => import(...) }
 * ```
 * Tests: test/profiles/registry.test.ts registers a fake detector this way.
 */
import type { AgentSession } from '../agent-session.js';
import type { MessageReaders } from '../input/message-readers.js';
import type { Ordinal } from '../ordinal.js';
import type { PackReader, PackWriter } from './packed.js';

/** Where a record of the session format starts: the input file as given and its 1-based line. */
export interface RecordPlace {
  file: string;
  line: number;
}

export type RecordCheck<In> = { ok: true; record: In } | { ok: false; reason: string };

export type { Ordinal } from '../ordinal.js';

/**
 * One detector over records of type `In` (`Session` for the seed profile,
 * `AgentSession` for the fleet profile).
 *
 * `S` is plain, structured-cloneable data (numbers, strings, arrays, plain
 * objects, Maps and Sets of those): it crosses worker threads and is written to
 * state files (Maps and Sets as sorted tagged arrays, non-finite numbers as
 * `{"$num": "..."}`, every ordinal replaced by its rank).
 */
export interface Detector<In, S, R> {
  /** stable key of this detector's state in state files; unique within its profile */
  readonly name: string;
  /** a fresh empty state: the identity element of `merge` */
  init(): S;
  /** O(size of this record); may mutate and return `state`; keeps nothing per record
   * beyond what the result needs (memory grows with distinct keys, never with records) */
  add(state: S, record: In, at: Ordinal): S;
  /** associative and commutative (ordinals carry the order); must not mutate its inputs */
  merge(a: S, b: S): S;
  /**
   * Optional: `merge` that may build its result out of its inputs (mutate either, keep
   * parts of both), for a caller that owns both states — no other state shares their
   * parts — and uses neither afterwards: the analysis folding shards and files. Its
   * result equals `merge(into, from)`. Without it the engine calls `merge`.
   */
  mergeInto?(into: S, from: S): S;
  /**
   * Optional: write the state as columns (`packed.ts`) for the trip from a worker to the
   * main thread, where a state of many keys cloned object by object cost more than the
   * analysis; `unpack` reads it back, equal to the state packed.
   */
  pack?(state: S, w: PackWriter): void;
  unpack?(r: PackReader): S;
  /**
   * Optional: `mergeInto(into, unpack(r))` without building the unpacked state (the main
   * thread merges every worker's state: building each one first was most of its work on
   * many keys). `into` is owned as for `mergeInto`.
   */
  mergePacked?(into: S, r: PackReader): S;
  /**
   * Optional: the state as a state file holds it (plain data: Maps, Sets, arrays, objects),
   * for a detector whose state in memory is not plain data (a table of columns, `key-table.ts`).
   * `validate` reads this form back. Without it the state is written as it is.
   */
  document?(state: S): unknown;
  /** the detector's result; must not mutate `state` */
  finalize(state: S): R;
  /** a copy with every ordinal replaced by `f(ordinal)`; `f` keeps their order
   * (prefixing them when states of separate runs merge; ranking them in state files) */
  mapOrdinals(state: S, f: (o: Ordinal) => Ordinal): S;
  /**
   * Check a state read from a state file (Maps, Sets and `$num` numbers already
   * revived, ordinals are ranks `[n]`) and return it typed, or throw
   * `StateFieldError` (see `schema.ts`) naming the field as `path` + the field's
   * own path, e.g. `detectors.slow_tools["sBash"].count`. Checks every field:
   * types, integer counts >= 0, finite sums, ordinals consistent with the data,
   * no missing or unknown fields. Everything `add`/`merge`/`finalize` rely on
   * must hold after `validate`, so a tampered file is an error, never a wrong report.
   */
  validate(value: unknown, path: string): S;
}

/** A detector of any state and result (for lists of detectors). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyDetector<In> = Detector<In, any, any>;

/** The finalized results of a profile's detectors, by detector name. */
export interface ProfileResult {
  profile: string;
  /** records added */
  sessions: number;
  /** records skipped as malformed */
  skipped: number;
  /** `detector.finalize(state)` for every detector of the profile, by `detector.name` */
  results: Readonly<Record<string, unknown>>;
}

/**
 * An analysis profile: its detectors (in the order the report wants their
 * findings created) and how their results become its report.
 */
export interface Profile<In, Report = unknown, Options = unknown> {
  /** stable key: `--profile NAME`, and `"profile"` in state files */
  readonly name: string;
  /** the registry: the only list of this profile's detectors */
  readonly detectors: readonly AnyDetector<In>[];
  /** a decoded record of the session format -> this profile's record, or why it is malformed
   * (skipped and counted, fatal under --strict) */
  fromRecord(value: unknown, place: RecordPlace): RecordCheck<In>;
  /** a session read from an agent's own log -> this profile's record */
  fromAgentSession(session: AgentSession): In;
  /** what its detectors read from an error message, given to the decoder (input/message-readers.ts):
   * a message too big for one string is kept as a stand-in they read alike; without them it is refused */
  readonly messageReaders?: MessageReaders;
  /** finalized results -> the profile's report (pure; rendering is the caller's) */
  report(result: ProfileResult, options: Options): Report;
}

/** A profile of any record, report and options type (for the list of profiles). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyProfile = Profile<any, any, any>;
