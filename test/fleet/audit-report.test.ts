/**
 * The fleet report's headline read as a skeptical reader reads it (audit of 2026-12-02):
 * a total that adds findings which count the same minutes, and a token cost that leaves
 * out models without a price, must say so where the number is.
 */
import { describe, expect, it } from 'vitest';
import { buildFleetReport, finalizeFleetState, foldFleet, renderFleetMarkdown } from '../../src/fleet/index.js';
import { bash, session } from './_build.js';

const T = (s: number): string => new Date(Date.UTC(2026, 0, 5, 10, 0, s)).toISOString();
const HOOK = 'Pre-commit validation failed:\n\n[CREDO]\nChecking 88 source files';

/** One session: `git commit` blocked twice by its hook (25 s each), then through. The same
 * 25-second waits are the command's tool time, the failure loop and the error cluster. */
const loop = session(
  's1',
  'a.jsonl',
  [
    bash(1, 2, 'git commit -m x', T(0), T(25), { outcome: 'error', errorText: HOOK, waitedOn: 'hook', waitMs: 25_000 }),
    bash(3, 4, 'git commit -m x', T(30), T(55), { outcome: 'error', errorText: HOOK, waitedOn: 'hook', waitMs: 25_000 }),
    bash(5, 6, 'git commit -m x', T(60), T(85), { waitedOn: 'hook', waitMs: 25_000 }),
  ],
  { activeMs: 85_000, usage: [['gpt-5.4', { input: 1_000_000, output: 0, cacheWrite: 0, cacheRead: 0 }]] },
);

describe('fleet report headline', () => {
  const r = buildFleetReport(finalizeFleetState(foldFleet([loop])));
  const md = renderFleetMarkdown(r);

  it('says its hours are a sum over findings that overlap, next to the time the sessions were active', () => {
    const kinds = r.findings.filter((f) => f.key === 'git commit' || f.key.startsWith('Pre-commit')).map((f) => f.kind);
    expect(kinds).toEqual(expect.arrayContaining(['tool_time', 'failed_retry', 'error_cluster']));
    // 85 s of session, yet more "lost": the same waits are counted by three findings
    expect(r.totals.hours * 3600).toBeGreaterThan(85);
    expect(r.totals.active_hours).toBe(0.02);
    const line = md.split('\n').find((l) => l.startsWith('- Hours lost:'))!;
    expect(line).toMatch(/summed over findings that overlap/);
    expect(line).toMatch(/upper bound/);
    expect(line).toContain('sessions active 0.02 h');
  });

  it('says which models the token cost leaves out', () => {
    expect(r.cost.unpriced_models).toEqual(['gpt-5.4']);
    const line = md.split('\n').find((l) => l.startsWith('- Token cost:'))!;
    expect(line).toContain('not counted: gpt-5.4 (no price)');
  });
});

describe('fleet report per-week figures', () => {
  it('says "< 0.01 h/week" rather than "0 h/week" next to a non-zero dollar figure', () => {
    // realdata: "0.21 h (0 h/week, $0.16/week)" over its 64 weeks
    const early = session('s0', 'b.jsonl', [bash(1, 2, 'ls', '2025-01-06T10:00:00Z', '2025-01-06T10:00:01Z')]);
    const r = buildFleetReport(finalizeFleetState(foldFleet([early, loop])), { hourlyRate: 50 });
    const f = r.findings.find((x) => x.kind === 'failed_retry')!;
    expect(f.hours_per_week).toBe(0);
    expect(f.dollars_per_week).toBeGreaterThan(0);
    const md = renderFleetMarkdown(r);
    expect(md).not.toMatch(/\(0 h\/week, \$0\.\d*[1-9]/);
    expect(md).toContain('(< 0.01 h/week, $');
  });
});
