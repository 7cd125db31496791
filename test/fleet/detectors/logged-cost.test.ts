/**
 * Sessions whose log states their cost (SWE-agent's and mini-swe-agent's instance_cost) count at
 * that cost, the table pricing only the others' tokens; the report says which dollars are which,
 * and the sums are the same bytes whatever the shards, their merge order, or a state file between.
 */
import { describe, expect, it } from 'vitest';
import type { AgentSession, TokenUsage } from '../../../src/agent-session.js';
import { cost } from '../../../src/fleet/detectors/cost.js';
import { buildFleetReport, finalizeFleetState, foldFleet, renderFleetMarkdown } from '../../../src/fleet/index.js';
import { fleetProfile } from '../../../src/fleet/profile.js';
import { DEFAULT_PRICES } from '../../../src/fleet/pricing.js';
import {
  addRecord,
  finalizeState,
  initState,
  mergeStates,
  mergeStatesInto,
  packState,
  unpackState,
  type ProfileState,
} from '../../../src/profiles/engine.js';
import { loadProfile } from '../../../src/profiles/index.js';
import { parseState, serializeState } from '../../../src/state-file.js';
import { session } from '../_build.js';

const tokens = (input: number, output: number, loggedUsd?: number, loggedLine = 249): TokenUsage =>
  loggedUsd === undefined ? { input, output, cacheWrite: 0, cacheRead: 0 } : { input, output, cacheWrite: 0, cacheRead: 0, loggedUsd, loggedLine };
const run = (id: string, model: string, u: TokenUsage): AgentSession => session(id, `${id}.traj`, [], { usage: [[model, u]] });

// gpt-4o: $2.5 input, $10 output a million tokens
const GPT_4O = DEFAULT_PRICES.models['gpt-4o']!;
const atTable = (input: number, output: number) => (input * GPT_4O.input + output * GPT_4O.output) / 1e6;

describe('logged costs', () => {
  it("a session that logs its cost counts at that cost; the table prices the others' tokens only, and says what it would have charged", () => {
    const report = buildFleetReport(
      finalizeFleetState(foldFleet([run('logged', 'gpt-4o', tokens(100_000, 2_000, 1.26719)), run('priced', 'gpt-4o', tokens(400_000, 10_000))])),
    );
    const [m] = report.cost.models;
    const table = Math.round(atTable(400_000, 10_000) * 100) / 100;
    expect(m).toMatchObject({ model: 'gpt-4o', sessions: 2, logged_sessions: 1, input: 500_000, output: 12_000, logged_usd: 1.27, table_usd: table });
    expect(m!.usd).toBe((127 + table * 100) / 100);
    // the logged session's tokens at the table's price: shown, not counted
    expect(m!.logged_at_table_usd).toBe(Math.round(atTable(100_000, 2_000) * 100) / 100);
    expect(report.cost).toMatchObject({ total_usd: m!.usd, logged_usd: 1.27, table_usd: table, sessions_with_logged_cost: 1, unpriced_models: [] });
    expect(report.cost.top_sessions.map((t) => [t.session_id, t.usd, t.logged_usd])).toEqual([
      ['logged', 1.27, 1.27],
      ['priced', table, 0],
    ]);
    const md = renderFleetMarkdown(report);
    expect(md).toContain(`$1.27 as the agents logged it in 1 session(s), $${table.toFixed(2)} from the price table; prices as of`);
    expect(md).toContain('| gpt-4o | 2 | 500,000 | 12,000 | 0 | 0 |');
  });

  it('a model the table does not price costs what its logs state; its unlogged tokens are still listed as not counted', () => {
    const only = buildFleetReport(
      finalizeFleetState(foldFleet([run('a', 'google/gemini-3-pro-preview', tokens(605_249, 46_142, 2.4601044000000005))])),
    );
    expect(only.cost).toMatchObject({ total_usd: 2.46, logged_usd: 2.46, table_usd: 0, unpriced_models: [] });
    expect(only.cost.models[0]).toMatchObject({ usd: 2.46, table_usd: 0, logged_at_table_usd: null });

    const mixed = buildFleetReport(
      finalizeFleetState(foldFleet([run('a', 'mystery', tokens(10, 10, 0.53839)), run('b', 'mystery', tokens(1_000, 1_000))])),
    );
    expect(mixed.cost).toMatchObject({ total_usd: 0.54, logged_usd: 0.54, table_usd: 0, unpriced_models: ['mystery'] });
    expect(mixed.cost.models[0]).toMatchObject({ usd: 0.54, logged_usd: 0.54, table_usd: null });
    const [f] = cost.findings(
      finalizeFleetState(foldFleet([run('a', 'mystery', tokens(10, 10, 0.53839)), run('b', 'mystery', tokens(1_000, 1_000))])).cost,
      {
        weeks: 1,
        prices: DEFAULT_PRICES,
      },
    );
    expect(f!.proposal.action).toMatch(
      /^2 session\(s\), 1 of them counted at the \$0\.54 their logs state, the others' tokens have no price \(not counted\);/,
    );
    expect(f!.details).toMatchObject({ logged_usd: 0.54, table_usd: null, logged_sessions: 1 });
  });

  it('its evidence is the line that states the cost', () => {
    const [f] = cost.findings(finalizeFleetState(foldFleet([run('a', 'mystery', tokens(10, 10, 0.53839, 118))])).cost, {
      weeks: 1,
      prices: DEFAULT_PRICES,
    });
    expect(f!.evidence).toEqual([{ session_id: 'a', file: 'a.traj', line: 118 }]);
  });

  it('shards merged in any order, in place, packed or through a state file give the same state and report bytes', async () => {
    await loadProfile('fleet');
    // costs whose float sum depends on the order they are added in; micro-dollars do not
    const costs = [0.1, 0.2, 0.3, 1.26719, 0.53839, 2.4601044000000005, 1e-7, 0.7];
    const all = costs.map((usd, i) => run(`s${i}`, i % 2 === 0 ? 'gpt-4o' : 'unknown', tokens(1_000 * (i + 1), 100, usd)));
    const fold = (xs: AgentSession[]): ProfileState => {
      const s = initState(fleetProfile);
      xs.forEach((x) => addRecord(fleetProfile, s, x, [0, all.indexOf(x)]));
      return s;
    };
    const file = (s: ProfileState) => serializeState({ state: s, malformed: { count: 0, first: [] } });
    const report = (s: ProfileState) => JSON.stringify(fleetProfile.report(finalizeState(fleetProfile, s), {}));
    const whole = fold(all);
    const shards = [all.slice(0, 3), all.slice(3, 5), all.slice(5)].map(fold);
    const crossed = (s: ProfileState) => unpackState(fleetProfile, structuredClone(packState(fleetProfile, s)));
    const backwards = mergeStates(fleetProfile, shards[2]!, mergeStates(fleetProfile, shards[1]!, shards[0]!));
    const inPlace = [shards[1]!, shards[2]!, shards[0]!].map(crossed).reduce((a, b) => mergeStatesInto(fleetProfile, a, b));
    for (const s of [backwards, inPlace, parseState(file(whole), 'x.state').state]) {
      expect(file(s)).toBe(file(whole));
      expect(report(s)).toBe(report(whole));
    }
    const logged = JSON.parse(report(whole)).cost.logged_usd;
    expect(logged).toBe(Math.round(costs.reduce((a, b) => a + b, 0) * 100) / 100);
  });
});
