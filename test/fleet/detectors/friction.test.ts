import { describe, expect, it } from 'vitest';
import { friction, APPROVALS_FOR_RULE } from '../../../src/fleet/detectors/friction.js';
import { DEFAULT_PRICES } from '../../../src/fleet/pricing.js';
import { call, session } from '../_build.js';
import { ALL_CASES } from '../_realdata-cases.js';

const ctx = { weeks: 1, prices: DEFAULT_PRICES };
function findings(ss: ReturnType<typeof session>[]) {
  const st = friction.init();
  ss.forEach((s, i) => friction.add(st, s, [i]));
  return friction.findings(friction.finalize(st), ctx);
}

describe(friction.name, () => {
  it('reports the realdata user rejections as friction, with the result lines', () => {
    const rej = findings(ALL_CASES).filter((f) => f.category === 'rejection');
    expect(rej.map((f) => [f.key, f.evidence[0]!.line]).sort()).toEqual([
      ['Glob', 12],
      ['git commit', 13],
      ['mix phx.server', 11],
    ]);
  });

  it('the Write approval wait of d3ad4cdc is 4 min 5 s of permission wait', () => {
    const w = findings(ALL_CASES).find((f) => f.category === 'permission_wait')!;
    expect(w).toMatchObject({ key: 'Write', occurrences: 1, evidence: [{ line: 12 }] });
    expect(w.hours).toBeCloseTo(244.848 / 3600, 2);
  });

  it('calls ExitPlanMode waits plan reviews: no allow-list rule, no "decide once whether it may run this"', () => {
    // 8463c716-a2ea-4c14-9efa-87158ebd9f20.jsonl:132 waited 7.6 min for "User has approved your plan"
    const plans = (id: string) =>
      session(
        id,
        'f',
        [1, 2, 3].map((k) => call({ tool: 'ExitPlanMode', line: k, startUs: k * 1e9, endUs: k * 1e9 + 60e6, waitedOn: 'approval' })),
      );
    const [f] = findings([plans('a')]);
    expect(f).toMatchObject({ key: 'ExitPlanMode', category: 'permission_wait', occurrences: 3 });
    expect(f!.proposal.title).toBe('Plan reviews (ExitPlanMode)');
    expect(f!.proposal.action).not.toMatch(/allow list|decide once/);
  });

  it('proposes an allow-list rule for a command approved again and again', () => {
    const calls = Array.from({ length: APPROVALS_FOR_RULE }, (_, i) =>
      call({ tool: 'Bash', command: `npm test -- ${i}`, line: i + 1, waitedOn: 'approval', waitMs: 20_000 }),
    );
    const [f] = findings([session('s', 'f', calls)]);
    expect(f!.proposal.title).toBe('Allow "Bash(npm test:*)" without asking');
    expect(f!.details).toEqual({ timed_waits: 3, unmeasured_waits: 0, approved: 3 });
  });

  it('waits without timestamps count, with no time, as unmeasured', () => {
    const all = findings([
      session('s', 'f', [call({ tool: 'Write', line: 4, waitedOn: 'approval' })], { friction: [{ kind: 'question', line: 9 }] }),
    ]);
    expect(all.map((x) => x.hours)).toEqual([0, 0]);
    expect(all.map((x) => [x.category, x.details['unmeasured_waits']]).sort()).toEqual([
      ['permission_wait', 1],
      ['question', 1],
    ]);
  });

  it('interruptions are friction with their own proposal', () => {
    const [f] = findings([session('s', 'f', [call({ tool: 'Bash', command: 'mix test', line: 3, outcome: 'interrupted' })])]);
    expect(f).toMatchObject({ category: 'interruption', key: 'mix test' });
  });
});
