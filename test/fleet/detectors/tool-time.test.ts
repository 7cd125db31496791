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
    // the 8 commits the hook blocked, each timed whole (158.6 s at line 661, then 22.6-25.1 s);
    // the 2 it let through (679, 1756) logged no hook time: gaps, as fed8ce56's rejected commit
    // (its hand-built call names no approval wait)
    expect(families[0]!.waiting_by.hook).toBe(328_222);
    expect(families[0]!.gap_calls).toBe(3);
    expect(r.table[0]!.key).toBe('Bash');
    const f = toolTime.findings(r, ctx);
    expect(f.map((x) => x.key)).toEqual(['git commit']);
    expect(f[0]!.proposal.title).toMatch(/hooks/);
    // the evidence is the commits that waited on the hook, not the rejected one of fed8ce56
    expect(f[0]!.evidence.map((e) => e.line)).toEqual([661, 1209, 1343, 1366, 1389, 1419, 1447, 1463]);
  });

  it('a hook wait the log does not time is a gap (command and hooks mixed), not time in hooks', () => {
    // subagent.jsonl:72-86: `bd create` ran 26-64 s with PreToolUse hooks logged around it but not
    // timed (hooks, the command or an approval: the log does not say); the report said "Shorten the
    // hooks bd create waits on: 2.6 min"
    const T0 = Date.UTC(2026, 1, 10, 21, 0, 0) * 1000;
    const calls = [0, 1, 2, 3].map((k) =>
      call({ tool: 'Bash', command: 'bd create "x"', line: 10 + k, startUs: T0 + k * 60e6, endUs: T0 + k * 60e6 + 38.5e6, waitedOn: 'hook' }),
    );
    // a call whose hook blocked it (the adapter times the whole call) or whose command start was logged
    calls.push(
      call({
        tool: 'Bash',
        command: 'git commit -m x',
        line: 20,
        startUs: T0,
        endUs: T0 + 70e6,
        waitedOn: 'hook',
        waitMs: 70_000,
        outcome: 'error',
        errorText: 'Pre-commit validation failed',
      }),
    );
    const r = fold([session('s', 'f', calls)]);
    expect(r.table.find((t) => t.key === 'bd create')).toMatchObject({ waiting_ms: 0, waiting_by: {}, gap_calls: 4, gap_total_ms: 154_000 });
    expect(r.table.find((t) => t.key === 'git commit')).toMatchObject({ waiting_by: { hook: 70_000 }, gap_calls: 0 });
    expect(toolTime.findings(r, ctx).map((f) => f.key)).toEqual(['git commit']);
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
