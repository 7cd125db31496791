/**
 * The detector contract of the fleet profile. It is the state developer's registry
 * contract (src/profiles/types.ts, not merged yet): the seed's Accumulator
 * (src/accumulators/types.ts) made generic over the record type, plus `validate`,
 * which checks a state read back from a state file. Defined here with exactly that
 * shape so the lead can replace this file by an import when the registry lands.
 */
import type { Ordinal } from '../accumulators/types.js';
import type { AgentSession } from '../agent-session.js';
import type { FleetContext, FleetFinding } from './finding.js';

export type { Ordinal };

export interface Detector<S, R, Rec> {
  /** stable key in state files */
  readonly name: string;
  /** identity element for merge */
  init(): S;
  /** O(size of this record); may mutate and return `state`; keeps nothing per record
   * beyond what is bounded by distinct keys */
  add(state: S, record: Rec, at: Ordinal): S;
  /** associative and commutative (ordinals carry the order); does not mutate its inputs */
  merge(a: S, b: S): S;
  finalize(state: S): R;
  /** a copy with every ordinal replaced by `f(ordinal)`; `f` keeps their order */
  mapOrdinals(state: S, f: (o: Ordinal) => Ordinal): S;
  /** check a state read back from a state file; throws an AnalyzerError naming `path` */
  validate(value: unknown, path: string): S;
}

/** A fleet detector also owns its findings and their proposals. */
export interface FleetDetector<S, R> extends Detector<S, R, AgentSession> {
  findings(result: R, ctx: FleetContext): FleetFinding[];
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyFleetDetector = FleetDetector<any, any>;
