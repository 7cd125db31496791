/**
 * The fleet profile's merge laws, per detector and for the whole state: identity,
 * associativity, and split invariance (states of random shards, merged in any
 * grouping, equal one pass, down to the rendered report's bytes). Also: a state
 * survives the state file's JSON round trip and `validate`.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AgentSession } from '../../src/agent-session.js';
import {
  FLEET_DETECTORS,
  addFleetSession,
  buildFleetReport,
  finalizeFleetState,
  initFleetState,
  mapFleetOrdinals,
  mergeFleetStates,
  renderFleetJson,
  renderFleetMarkdown,
  validateFleetState,
  type FleetState,
} from '../../src/fleet/index.js';
import { agentSession } from './_arbitrary.js';

function fold(sessions: readonly AgentSession[], from: number, to: number): FleetState {
  const s = initFleetState();
  for (let i = from; i < to; i++) addFleetSession(s, sessions[i]!, [0, i]);
  return s;
}

const render = (s: FleetState): string => {
  const r = buildFleetReport(finalizeFleetState(s), { hourlyRate: 80 });
  return renderFleetJson(r) + renderFleetMarkdown(r);
};

// Maps and Sets as tagged, sorted arrays: the state file's encoding (src/state-file.ts)
function replacer(_k: string, v: unknown): unknown {
  if (v instanceof Map) return { $map: [...v.entries()].sort((a, b) => (String(a[0]) < String(b[0]) ? -1 : 1)) };
  return v;
}
function reviver(_k: string, v: unknown): unknown {
  if (v !== null && typeof v === 'object' && !Array.isArray(v) && Array.isArray((v as { $map?: unknown }).$map))
    return new Map((v as { $map: [unknown, unknown][] }).$map);
  return v;
}
const roundTrip = (s: FleetState): unknown => JSON.parse(JSON.stringify(s, replacer), reviver);

const sessions = fc.array(agentSession, { maxLength: 12 });

describe('fleet detector laws', () => {
  it.each(FLEET_DETECTORS.map((d) => [d.name, d] as const))('%s: init is the identity of merge', (_name, d) => {
    fc.assert(
      fc.property(sessions, (ss) => {
        let s = d.init() as unknown;
        ss.forEach((x, i) => (s = (d.add as (a: unknown, b: AgentSession, c: number[]) => unknown)(s, x, [i])));
        const merge = d.merge as (a: unknown, b: unknown) => unknown;
        expect(merge(s, d.init())).toEqual(s);
        expect(merge(d.init(), s)).toEqual(s);
      }),
      { numRuns: 40 },
    );
  });

  it('merge is associative and split-invariant, down to the report bytes', () => {
    fc.assert(
      fc.property(sessions, fc.nat(), fc.nat(), (ss, x, y) => {
        const n = ss.length;
        const [i, j] = [x % (n + 1), y % (n + 1)].sort((a, b) => a - b) as [number, number];
        const a = fold(ss, 0, i);
        const b = fold(ss, i, j);
        const c = fold(ss, j, n);
        const whole = fold(ss, 0, n);
        const left = mergeFleetStates(mergeFleetStates(a, b), c);
        const right = mergeFleetStates(a, mergeFleetStates(b, c));
        expect(left).toEqual(whole);
        expect(right).toEqual(whole);
        // commutative too: ordinals carry the order, not arrival
        expect(render(mergeFleetStates(c, mergeFleetStates(b, a)))).toBe(render(whole));
      }),
      { numRuns: 150 },
    );
  });

  it('merge does not mutate its inputs', () => {
    fc.assert(
      fc.property(sessions, sessions, (s1, s2) => {
        const a = fold(s1, 0, s1.length);
        const b = fold(s2, 0, s2.length);
        const a0 = structuredClone(a);
        const b0 = structuredClone(b);
        mergeFleetStates(a, b);
        expect(a).toEqual(a0);
        expect(b).toEqual(b0);
      }),
      { numRuns: 40 },
    );
  });

  it('a state survives structured clone, the JSON round trip and validate', () => {
    fc.assert(
      fc.property(sessions, (ss) => {
        const s = fold(ss, 0, ss.length);
        expect(structuredClone(s)).toEqual(s);
        const back = validateFleetState(roundTrip(s));
        expect(back).toEqual(s);
        expect(render(back)).toBe(render(s));
      }),
      { numRuns: 60 },
    );
  });

  it('order-keeping ordinal maps change no output', () => {
    fc.assert(
      fc.property(sessions, (ss) => {
        const s = fold(ss, 0, ss.length);
        expect(render(mapFleetOrdinals(s, (o) => [7, ...o]))).toBe(render(s));
      }),
      { numRuns: 30 },
    );
  });

  it('validate names the damaged field', () => {
    const s = fold([], 0, 0);
    const bad = roundTrip(s) as Record<string, Record<string, unknown>>;
    bad['overview']!['sessions'] = 'many';
    expect(() => validateFleetState(bad)).toThrow(/^Invalid state: fleet\.overview\.sessions is "many", expected a count$/);
    expect(() => validateFleetState({ ...(roundTrip(s) as object), tool_time: { tools: [], families: new Map() } })).toThrow(
      'fleet.tool_time.tools is a list, expected a map',
    );
    const cluster = {
      first: [0],
      occurrences: 1,
      sessions: { count: 1, ids: ['a'] },
      evidence: [],
      lostUs: 0,
      category: 'bug',
      example: 'x',
      example_at: [0],
    };
    expect(() => validateFleetState({ ...(roundTrip(s) as object), error_clusters: new Map([['k', cluster]]) })).toThrow(
      'Invalid state: fleet.error_clusters["k"].category is "bug", expected a taxonomy category',
    );
  });
});
