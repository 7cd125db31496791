/**
 * Week buckets (src/fleet/_weeks.ts) and the report's weekly series: every week of the
 * span, each session's losses and tokens in the week it started, summing to the totals.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildFleetReport, finalizeFleetState, foldFleet } from '../../src/fleet/index.js';
import { sessionWeek, weekOf, weeksBetween } from '../../src/fleet/_weeks.js';
import { bash, session, us } from './_build.js';
import { ALL_CASES } from './_realdata-cases.js';

describe(weekOf.name, () => {
  it.each([
    ['2026-02-12T14:28:06.900Z', '2026-02-09'], // a Thursday
    ['2026-02-09T00:00:00.000Z', '2026-02-09'], // Monday midnight opens its week
    ['2026-02-08T23:59:59.999Z', '2026-02-02'], // Sunday's last millisecond closes the week before
    ['1970-01-01T00:00:00.000Z', '1969-12-29'], // the epoch was a Thursday
    ['1969-12-31T12:00:00.000Z', '1969-12-29'], // before the epoch
  ] as const)('%s is in the week of %s', (iso, monday) => {
    expect(weekOf(us(iso))).toBe(monday);
  });

  it('is a Monday, at most 7 days before the time (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -2e15, max: 4e15 }), (t) => {
        const w = weekOf(t)!;
        const monday = Date.parse(`${w}T00:00:00Z`) * 1000;
        expect(new Date(monday / 1000).getUTCDay()).toBe(1);
        expect(monday).toBeLessThanOrEqual(t);
        expect(t - monday).toBeLessThan(7 * 86_400e6);
      }),
    );
  });
});

describe(weeksBetween.name, () => {
  it('lists every Monday from the first week to the last, ends included', () => {
    expect(weeksBetween(us('2026-02-12T00:00:00Z'), us('2026-02-14T00:00:00Z'))).toEqual(['2026-02-09']);
    expect(weeksBetween(us('2025-12-31T00:00:00Z'), us('2026-01-19T08:00:00Z'))).toEqual(['2025-12-29', '2026-01-05', '2026-01-12', '2026-01-19']);
  });
});

describe('weekly series', () => {
  it('has every week of the span, zeros included; losses and cost sum to the totals', () => {
    const r = buildFleetReport(finalizeFleetState(foldFleet(ALL_CASES)));
    // 2025-06-08 (a Sunday: week of 2025-06-02) to 2026-02-12 (week of 2026-02-09)
    expect(r.weekly[0]!.week).toBe('2025-06-02');
    expect(r.weekly.at(-1)!.week).toBe('2026-02-09');
    expect(r.weekly).toHaveLength(37);
    expect(r.weekly.reduce((n, w) => n + w.sessions, 0)).toBe(r.sessions);
    expect(r.weekly.filter((w) => w.sessions > 0).map((w) => w.week)).toEqual([...new Set(ALL_CASES.map((s) => sessionWeek(s)!))].sort());
    const lost = r.findings.reduce((n, f) => n + f.seconds_lost, 0);
    const weekly = r.weekly.reduce((n, w) => n + w.seconds_lost, 0);
    // each finding and each week is rounded to whole seconds once
    expect(Math.abs(weekly - lost)).toBeLessThanOrEqual((r.findings.length + r.weekly.length) / 2);
    expect(weekly).toBeGreaterThan(0);
    expect(r.weekly.reduce((n, w) => n + w.cost_usd, 0)).toBeCloseTo(r.cost.total_usd, 1);
  });

  it("a session's losses count in the week it started, even when it runs past Sunday midnight", () => {
    const fail = { outcome: 'error' as const, errorText: 'boom' };
    const s = session('s', 'f', [
      bash(1, 2, 'npm test', '2026-02-08T23:50:00Z', '2026-02-08T23:51:00Z', fail),
      bash(3, 4, 'npm test', '2026-02-09T00:05:00Z', '2026-02-09T00:06:00Z', fail),
      bash(5, 6, 'npm test', '2026-02-09T00:07:00Z', '2026-02-09T00:08:00Z'),
    ]);
    const r = buildFleetReport(finalizeFleetState(foldFleet([s])));
    expect(r.weekly.map((w) => [w.week, w.sessions])).toEqual([
      ['2026-02-02', 1],
      ['2026-02-09', 0],
    ]);
    const loop = r.findings.find((f) => f.kind === 'failed_retry')!;
    expect(r.weekly[0]!.seconds_lost).toBe(loop.seconds_lost + r.findings.filter((f) => f !== loop).reduce((n, f) => n + f.seconds_lost, 0));
    expect(r.weekly[1]!.seconds_lost).toBe(0);
  });

  it('is empty without timestamps, and untimed sessions are counted in the span', () => {
    const s = session('s', 'f', [bash(1, 2, 'make', '2026-01-01T00:00:00Z', '2026-01-01T00:00:01Z')]);
    const untimed = { ...s, calls: s.calls.map(({ startUs: _a, endUs: _b, ...c }) => c) };
    delete untimed.firstUs;
    delete untimed.lastUs;
    const r = buildFleetReport(finalizeFleetState(foldFleet([untimed])));
    expect(r.weekly).toEqual([]);
    expect(r.span.untimed_sessions).toBe(1);
  });
});
