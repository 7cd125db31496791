/**
 * The detector contract of the fleet profile: the registry's `Detector`
 * (src/profiles/types.ts) over `AgentSession`, plus `findings`, which turns the
 * detector's result into its findings and their proposals.
 */
import type { AgentSession } from '../agent-session.js';
import type { Detector } from '../profiles/types.js';
import type { FleetContext, FleetFinding } from './finding.js';

export type { Ordinal } from '../ordinal.js';
export type { Detector };

/** A fleet detector also owns its findings and their proposals. */
export interface FleetDetector<S, R> extends Detector<AgentSession, S, R> {
  findings(result: R, ctx: FleetContext): FleetFinding[];
}

export type AnyFleetDetector = FleetDetector<any, any>;
