import { describe, expect, it } from 'vitest';
import { toolTime } from '../../../src/fleet/detectors/tool-time.js';
import { DEFAULT_PRICES } from '../../../src/fleet/pricing.js';
import { call, session } from '../_build.js';
import { ALL_CASES, d3ad4cdc } from '../_realdata-cases.js';

const ctx = { weeks: 1, prices: DEFAULT_PRICES };
const fold = (ss: ReturnType<typeof session>[]) => {
  const st = toolTime.init();
  ss.forEach((s, i) => toolTime.add(st, s, [i]));
  return toolTime.finalize(st);
};

describe(toolTime.name, () => {
  it('a Write that waited 4 minutes for approval is waiting, not a slow Write', () => {
    const r = fold([d3ad4cdc]);
    const write = r.table.find((t) => t.key === 'Write')!;
    expect(write.waiting_by.approval).toBe(244_848);
    expect(write.gap_calls).toBe(2);
    expect(write.measured_median_ms).toBeNull();
    expect(toolTime.findings(r, ctx)).toEqual([]);
  });

  it('splits Bash by command family, git commit on top, its hook time shown as waiting', () => {
    const r = fold(ALL_CASES);
    const families = r.table.filter((t) => t.kind === 'family');
    expect(families[0]!.key).toBe('git commit');
    expect(families[0]!.waiting_by.hook).toBeGreaterThan(6 * 60_000);
    expect(r.table[0]!.key).toBe('Bash');
    const f = toolTime.findings(r, ctx);
    expect(f.map((x) => x.key)).toEqual(['git commit']);
    expect(f[0]!.proposal.title).toMatch(/hooks/);
    // the evidence is the commits that waited on the hook, not the rejected one of fed8ce56
    expect(f[0]!.evidence.map((e) => e.line)).toEqual([661, 679, 1209, 1343, 1366, 1389, 1419, 1447, 1463, 1756]);
  });

  it('"slow" means slow measured execution: p90 over the threshold', () => {
    const calls = [1, 2, 3, 4, 5].map((l) => call({ tool: 'Bash', command: 'cargo build', line: l, measuredMs: 60_000 + l }));
    const r = fold([session('s', 'f', calls)]);
    const row = r.table.find((t) => t.key === 'cargo build')!;
    expect(row.measured_p90_ms! / 60_003).toBeCloseTo(1, 1);
    const f = toolTime.findings(r, ctx);
    expect(f.map((x) => [x.key, x.details['scope']])).toEqual([['cargo build', 'family']]);
    expect(f[0]!.hours).toBeCloseTo(300_015 / 3_600_000, 2);
  });

  it("a subagent's run or a background wait is waiting even when measured, never slow", () => {
    const calls = [1, 2, 3, 4].map((l) => call({ tool: 'Task', line: l, measuredMs: 600_000, waitedOn: 'subagent' }));
    calls.push(...[5, 6, 7].map((l) => call({ tool: 'TaskOutput', line: l, measuredMs: 300_000, waitedOn: 'background' as const })));
    const r = fold([session('s', 'f', calls)]);
    expect(r.table.find((t) => t.key === 'Task')).toMatchObject({ measured_calls: 0, waiting_by: { subagent: 2_400_000 } });
    expect(r.table.find((t) => t.key === 'TaskOutput')).toMatchObject({ measured_calls: 0, waiting_by: { background: 900_000 } });
    expect(toolTime.findings(r, ctx)).toEqual([]);
  });

  it('counts failed and rejected apart; a wait without timestamps adds no time', () => {
    const r = fold([
      session('s', 'f', [
        call({ tool: 'Read', line: 1, outcome: 'error', errorText: 'File does not exist.' }),
        call({ tool: 'Read', line: 2, outcome: 'rejected' }),
        call({ tool: 'Read', line: 3, waitedOn: 'approval' }),
      ]),
    ]);
    expect(r.table[0]).toMatchObject({ key: 'Read', calls: 3, failed: 1, rejected: 1, waiting_ms: 0, gap_calls: 0 });
  });
});
