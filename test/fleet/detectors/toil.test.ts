import { describe, expect, it } from 'vitest';
import { toil, MIN_SESSIONS } from '../../../src/fleet/detectors/toil.js';
import { DEFAULT_PRICES } from '../../../src/fleet/pricing.js';
import { bash, call, session } from '../_build.js';

const ctx = { weeks: 1, prices: DEFAULT_PRICES };
const T = (s: number): string => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString();
function findings(ss: ReturnType<typeof session>[]) {
  const st = toil.init();
  ss.forEach((s, i) => toil.add(st, s, [i]));
  return toil.findings(toil.finalize(st), ctx);
}
const routine = (id: string) =>
  session(id, `${id}.jsonl`, [
    bash(1, 2, 'npm run build', T(0), T(5)),
    bash(3, 4, 'ls dist', T(6), T(7)),
    bash(5, 6, 'npm test', T(8), T(20)),
    bash(7, 8, 'npm test', T(21), T(30)),
    bash(9, 10, 'git push', T(31), T(40)),
  ]);

describe(toil.name, () => {
  it(`a command sequence in ${MIN_SESSIONS} sessions is toil; looking (ls) and repeats collapse`, () => {
    const [f] = findings([routine('a'), routine('b'), routine('c')]);
    expect(f).toMatchObject({ kind: 'toil', key: 'npm run build → npm test → git push', session_count: 3, occurrences: 3 });
    // the agent's turns between the steps: 1 s before `npm test` (after `ls`), 1 s before `git push`
    expect(f!.seconds_lost).toBe(3 * 2);
    expect(f!.evidence.map((e) => [e.session_id, e.line])).toEqual([
      ['a', 1],
      ['b', 1],
      ['c', 1],
    ]);
  });

  it('work between two commands (an Edit) ends the routine', () => {
    const withEdit = (id: string) =>
      session(id, 'f', [
        bash(1, 2, 'bd update x', T(0), T(1)),
        call({ tool: 'Edit', line: 3 }),
        bash(5, 6, 'mix compile', T(60), T(61)),
        bash(7, 8, 'mix test', T(62), T(70)),
      ]);
    expect(findings([withEdit('a'), withEdit('b'), withEdit('c')])).toEqual([]);
  });

  it("SWE-agent's viewer commands are looking and its edit block is work (swe-agent/*.traj: find_file, open, edit, python)", () => {
    // the three realdata SWE-agent sessions each run find_file, open, edit…end_of_edit, python
    const swe = (id: string) =>
      session(id, `${id}.traj`, [
        call({ tool: 'find_file', line: 4, command: 'find_file "numpy_handler.py"' }),
        call({ tool: 'open', line: 5, command: 'open pydicom/pixel_data_handlers/numpy_handler.py 293' }),
        call({ tool: 'edit', line: 6, command: 'edit 287:295\n    x = 1\nend_of_edit' }),
        call({ tool: 'python', line: 7, command: 'python reproduce_bug.py' }),
        call({ tool: 'rm', line: 8, command: 'rm reproduce_bug.py' }),
        call({ tool: 'submit', line: 9, command: 'submit' }),
      ]);
    expect(findings([swe('a'), swe('b'), swe('c')])).toEqual([]);
  });

  it("counts the agent's turns between the steps, which a script removes, not the commands' run time or waits", () => {
    // the shape of 258c7280-ae70-4798-800f-63464d01a85d.jsonl:445-556: mix test (32 s), a wait on the
    // background test run (TaskOutput, 2 min), mix credo (15 s), bd close; it counted as 5 min of toil
    const run = (id: string) =>
      session(id, `${id}.jsonl`, [
        bash(445, 477, 'mix test test/a_test.exs', T(0), T(32)),
        call({
          tool: 'TaskOutput',
          line: 487,
          resultLine: 490,
          startUs: Date.parse(T(40)) * 1000,
          endUs: Date.parse(T(160)) * 1000,
          waitedOn: 'background',
        }),
        bash(529, 547, 'mix credo --strict 2>&1 | tail -10', T(170), T(185)),
        bash(549, 556, 'bd close x', T(192), T(194)),
      ]);
    const [f] = findings([run('a'), run('b'), run('c')]);
    expect(f!.key).toBe('mix test → mix credo → bd close');
    // 10 s after the TaskOutput came back, 7 s after mix credo's result
    expect(f!.seconds_lost).toBe(3 * 17);
    expect(f!.proposal.action).toMatch(/turns between the steps/);
  });

  it('fewer sessions is no finding', () => {
    expect(findings([routine('a'), routine('b')])).toEqual([]);
  });
});
