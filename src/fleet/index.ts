/**
 * The fleet profile's library surface: the detector list, the report builder and
 * renderers, and an in-memory fold (tests, small inputs). Not wired into the CLI
 * yet: the registry of profiles (src/profiles/) does that.
 */
import type { AgentSession } from '../agent-session.js';
import type { Ordinal } from '../ordinal.js';
import { overview } from './detectors/overview.js';
import { failedRetry } from './detectors/failed-retry.js';
import { errorClusters } from './detectors/error-clusters.js';
import { toolTime } from './detectors/tool-time.js';
import { friction } from './detectors/friction.js';
import { toil } from './detectors/toil.js';
import { cost } from './detectors/cost.js';
import type { FleetResults } from './report/build.js';
import { obj } from './_validate.js';

export { overview, failedRetry, errorClusters, toolTime, friction, toil, cost };
export type { Detector, FleetDetector, AnyFleetDetector } from './detector.js';
export type { FleetFinding, FleetContext, FindingKind, Proposal, Evidence } from './finding.js';
export { buildFleetReport, compareFindings, type FleetReport, type FleetResults, type FleetReportOptions } from './report/build.js';
export { renderFleetJson } from './report/json.js';
export { renderFleetMarkdown } from './report/markdown.js';
export { escapeMarkdown, shorten } from './report/escape.js';
export { DEFAULT_PRICES, PRICES_AS_OF, parsePrices, priceOf, type PriceTable, type ModelPrice } from './pricing.js';
export { commandFamily } from '../input/command-family.js';
export { normalizeErrorText, categorize, type ErrorCategory } from './error-taxonomy.js';

/** The fleet profile's detectors, in report order. `overview` is not a waste
 * detector: it carries the span, session count and files table. */
export const FLEET_DETECTORS = [overview, failedRetry, errorClusters, toolTime, friction, toil, cost] as const;

export type FleetState = { [D in (typeof FLEET_DETECTORS)[number] as D['name']]: ReturnType<D['init']> };

export function initFleetState(): FleetState {
  return Object.fromEntries(FLEET_DETECTORS.map((d) => [d.name, d.init()])) as FleetState;
}

/** Add one session to every detector (mutates and returns `state`). */
export function addFleetSession(state: FleetState, s: AgentSession, at: Ordinal): FleetState {
  const st = state as Record<string, unknown>;
  for (const d of FLEET_DETECTORS) st[d.name] = (d.add as (x: unknown, s: AgentSession, at: Ordinal) => unknown)(st[d.name], s, at);
  return state;
}

export function mergeFleetStates(a: FleetState, b: FleetState): FleetState {
  const A = a as Record<string, unknown>;
  const B = b as Record<string, unknown>;
  return Object.fromEntries(
    FLEET_DETECTORS.map((d) => [d.name, (d.merge as (x: unknown, y: unknown) => unknown)(A[d.name], B[d.name])]),
  ) as FleetState;
}

export function mapFleetOrdinals(s: FleetState, f: (o: Ordinal) => Ordinal): FleetState {
  const S = s as Record<string, unknown>;
  return Object.fromEntries(
    FLEET_DETECTORS.map((d) => [d.name, (d.mapOrdinals as (x: unknown, f: (o: Ordinal) => Ordinal) => unknown)(S[d.name], f)]),
  ) as FleetState;
}

export function finalizeFleetState(s: FleetState): FleetResults {
  const S = s as Record<string, unknown>;
  return Object.fromEntries(FLEET_DETECTORS.map((d) => [d.name, (d.finalize as (x: unknown) => unknown)(S[d.name])])) as unknown as FleetResults;
}

/** Check a whole fleet state read back from a state file (each detector names its path). */
export function validateFleetState(value: unknown, path = 'fleet'): FleetState {
  const v = obj(value, path);
  return Object.fromEntries(FLEET_DETECTORS.map((d) => [d.name, d.validate(v[d.name], `${path}.${d.name}`)])) as FleetState;
}

/** Fold sessions in memory, in order (ordinal [i] for the i-th session): for tests and small inputs. */
export function foldFleet(sessions: Iterable<AgentSession>): FleetState {
  const state = initFleetState();
  let i = 0;
  for (const s of sessions) addFleetSession(state, s, [i++]);
  return state;
}
