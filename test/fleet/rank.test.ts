/** The fleet report's priorities and "where to look first" lists (src/fleet/report/rank.ts). */
import { describe, expect, it } from 'vitest';
import type { FleetFinding } from '../../src/fleet/finding.js';
import { reportPriority, TOP_ERRORS, TOP_PER_KIND, whereToLookFirst } from '../../src/fleet/report/rank.js';

function finding(over: Partial<FleetFinding>): FleetFinding {
  return {
    kind: 'error_cluster',
    key: 'k',
    sessions: [],
    session_count: 1,
    occurrences: 1,
    seconds_lost: 0,
    hours: 0,
    hours_per_week: 0,
    proposal: { title: 't', action: 'a', priority: 'low' },
    evidence: [],
    details: {},
    ...over,
  };
}

describe(reportPriority.name, () => {
  it.each([
    ['absolute: 1 h/week is high whatever the share', { hours_per_week: 1, seconds_lost: 10 }, 1_000_000, 100, 'high'],
    ['absolute: 0.25 h/week is medium', { hours_per_week: 0.25, seconds_lost: 10 }, 1_000_000, 100, 'medium'],
    ['relative: 10% of the report is high', { seconds_lost: 1000 }, 10_000, 100, 'high'],
    ['relative: 2.5% is medium', { seconds_lost: 500 }, 20_000, 100, 'medium'],
    ['relative: under 2.5% is low', { seconds_lost: 499 }, 20_000, 100, 'low'],
    ['relative: 5 min in all can be raised', { seconds_lost: 300 }, 1000, 1, 'high'],
    ['relative: under 5 min in all is not, whatever its share', { seconds_lost: 299 }, 1000, 1, 'low'],
    ['an error in 3 of 23 sessions is medium', { session_count: 3, seconds_lost: 1 }, 1000, 23, 'medium'],
    ['an error in 3 of 100 sessions is not (under 10%)', { session_count: 3, seconds_lost: 1 }, 1000, 100, 'low'],
    ['recurrence is for errors only', { kind: 'toil', session_count: 5, seconds_lost: 1 }, 1000, 10, 'low'],
    ['nothing lost in an empty report is low', { seconds_lost: 0 }, 0, 0, 'low'],
  ] as const)('%s', (_name, over, total, sessions, expected) => {
    expect(reportPriority(finding(over as Partial<FleetFinding>), total, sessions)).toBe(expected);
  });

  it("keeps a cost finding's own dollar rule", () => {
    const f = finding({ kind: 'cost', seconds_lost: 0, proposal: { title: '', action: '', priority: 'medium' } });
    expect(reportPriority(f, 0, 1)).toBe('medium');
  });
});

describe(whereToLookFirst.name, () => {
  it('ranks each kind by its own measure, ties by report order, and cuts each list', () => {
    const fs = [
      finding({ kind: 'tool_time', key: 't', seconds_lost: 900 }),
      finding({ kind: 'failed_retry', key: 'a', seconds_lost: 800, details: { attempts: 3 } }),
      finding({ kind: 'failed_retry', key: 'b', seconds_lost: 10, details: { attempts: 9 } }),
      ...Array.from({ length: 12 }, (_, i) => finding({ key: `e${i}`, session_count: i % 4, occurrences: i, seconds_lost: 12 - i })),
      finding({ kind: 'failed_retry', key: 'c', seconds_lost: 0, details: { attempts: 9 } }),
    ];
    const lists = whereToLookFirst(fs);
    expect(lists.map((l) => l.kind)).toEqual(['failed_retry', 'error_cluster', 'tool_time']);
    // more attempts first; b and c tie on attempts, b lost more time
    expect(lists[0]!.findings).toEqual([3, 16, 2]);
    const errors = lists[1]!.findings.map((n) => fs[n - 1]!);
    expect(errors).toHaveLength(TOP_ERRORS);
    for (let i = 1; i < errors.length; i++) {
      const [a, b] = [errors[i - 1]!, errors[i]!];
      expect(a.session_count > b.session_count || (a.session_count === b.session_count && a.occurrences >= b.occurrences)).toBe(true);
    }
    expect(TOP_PER_KIND).toBeLessThan(TOP_ERRORS);
  });
});
