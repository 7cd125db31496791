import { describe, expect, it } from 'vitest';
import { failedRetry } from '../../../src/fleet/detectors/failed-retry.js';
import { DEFAULT_PRICES } from '../../../src/fleet/pricing.js';
import { bash, call, session } from '../_build.js';
import { ae4a77f8 } from '../_realdata-cases.js';

const ctx = { weeks: 1, prices: DEFAULT_PRICES };
const fold = (...ss: ReturnType<typeof session>[]) => {
  const st = failedRetry.init();
  ss.forEach((s, i) => failedRetry.add(st, s, [i]));
  return st;
};
const T = (s: number): string => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString();

describe(failedRetry.name, () => {
  describe('add', () => {
    it('finds the ae4a77f8 git commit loop: 7 failures, edits between, the 7th with --no-verify still failing; a later commit succeeds', () => {
      const [f] = failedRetry.findings(failedRetry.finalize(fold(ae4a77f8)), ctx);
      expect(f).toMatchObject({ kind: 'failed_retry', key: 'git commit', occurrences: 1, sessions: ['ae4a77f8-aedd-4bc1-888f-c94edc91af04'] });
      // the --no-verify try (lines 1458/1463) failed on the same hook ("The pre-commit hook is still being
      // enforced even with --no-verify", line 1464): the checks held, nothing was bypassed
      // a hook's check that failed: the loop's own action (the check's fix), not a cluster's
      expect(f!.details).toEqual({
        loops: 1,
        attempts: 7,
        max_attempts: 7,
        succeeded: 1,
        bypassed: 0,
        abandoned: 0,
        category: 'hook',
        categories: { hook: 7 },
      });
      expect(f!.proposal.action).toMatch(/give the agent the failing check's fix/);
      expect(f!.proposal.action).not.toMatch(/bypassed/);
      expect(f!.evidence.map((e) => e.line)).toEqual([1209, 1343, 1366, 1389, 1419, 1447, 1463]);
      // active time from the first failure (14:28:06.900) to the successful commit's result
      // (14:55:01.274): 335.13 s to the --no-verify try, its 20.9 min gap to the next
      // commit counted as the 5 min idle cap, and that commit's 27.117 s
      expect(f!.seconds_lost).toBe(662);
    });

    it('a success breaks the loop: fail, ok, fail is no loop', () => {
      const s = session('s', 'f', [
        bash(1, 2, 'npm test', T(0), T(1), { outcome: 'error', errorText: 'x' }),
        bash(3, 4, 'npm test', T(2), T(3)),
        bash(5, 6, 'npm test', T(4), T(5), { outcome: 'error', errorText: 'x' }),
      ]);
      expect(failedRetry.finalize(fold(s))).toEqual([]);
    });

    it('two failures then a success is a loop that succeeded; other calls between are allowed', () => {
      const s = session('s', 'f', [
        bash(1, 2, 'npm test', T(0), T(10), { outcome: 'error', errorText: 'x' }),
        call({ tool: 'Edit', line: 3 }),
        bash(5, 6, 'npm test', T(20), T(30), { outcome: 'error', errorText: 'x' }),
        bash(7, 8, 'npm test', T(40), T(60)),
      ]);
      const [r] = failedRetry.finalize(fold(s));
      expect(r!.entry).toMatchObject({ loops: 1, attempts: 2, succeeded: 1, lostUs: 60_000_000 });
    });

    it('a person away between attempts is not time the loop cost (gaps capped at 5 min)', () => {
      const s = session('s', 'f', [
        bash(1, 2, 'npm test', T(0), T(10), { outcome: 'error', errorText: 'x' }),
        bash(5, 6, 'npm test', T(3600), T(3610), { outcome: 'error', errorText: 'x' }),
        bash(7, 8, 'npm test', T(3620), T(3630)),
      ]);
      expect(failedRetry.finalize(fold(s))[0]!.entry.lostUs).toBe((300 + 20 + 10) * 1e6);
    });

    it('a bypass flag on an attempt that failed too bypassed nothing: the loop ends as what came next', () => {
      const s = session('s', 'f', [
        bash(1, 2, 'git commit -m x', T(0), T(1), { outcome: 'error', errorText: 'hook' }),
        bash(3, 4, 'git commit --no-verify -m x', T(2), T(3), { outcome: 'error', errorText: 'hook' }),
      ]);
      expect(failedRetry.finalize(fold(s))[0]!.entry).toMatchObject({ attempts: 2, bypassed: 0, abandoned: 1 });
      const through = session('s', 'f', [
        bash(1, 2, 'git commit -m x', T(0), T(1), { outcome: 'error', errorText: 'hook' }),
        bash(3, 4, 'git commit -m x', T(2), T(3), { outcome: 'error', errorText: 'hook' }),
        bash(5, 6, 'git commit --no-verify -m x', T(4), T(5)),
      ]);
      expect(failedRetry.finalize(fold(through))[0]!.entry).toMatchObject({ attempts: 2, bypassed: 1, succeeded: 0 });
    });

    it('an interpreter running another script is another action (sniffly d3ad4cdc:76-116)', () => {
      // `python diverse_musical_ai.py` failed twice (lines 77, 103); `python test_diverse_simple.py` (108) ran
      // fine, which closed the "python" loop as succeeded; the script itself first ran at line 116
      const s = session('s', 'f', [
        bash(76, 77, 'python diverse_musical_ai.py', T(0), T(100), { outcome: 'error', errorText: 'SyntaxError' }),
        call({ tool: 'Edit', line: 78 }),
        bash(102, 103, 'python diverse_musical_ai.py', T(200), T(215), { outcome: 'error', errorText: 'EOFError' }),
        bash(107, 108, 'python test_diverse_simple.py', T(220), T(243)),
        bash(115, 116, 'python diverse_musical_ai.py', T(280), T(338)),
      ]);
      const [r] = failedRetry.finalize(fold(s));
      expect(r).toMatchObject({ key: 'python', entry: { loops: 1, attempts: 2, succeeded: 1 } });
      // first failure to the end of the run that worked: 338 s
      expect(r!.entry.lostUs).toBe(338e6);
    });

    it('a loop still failing at the session end is abandoned', () => {
      const s = session('s', 'f', [bash(1, 2, 'pytest', T(0), T(1), { outcome: 'error' }), bash(3, 4, 'pytest', T(2), T(3), { outcome: 'error' })]);
      expect(failedRetry.finalize(fold(s))[0]!.entry).toMatchObject({ abandoned: 1, lostUs: 3_000_000 });
    });

    it('the proposal follows what most attempts failed on, whatever the merge order (mini-swe-agent pytest-dev__pytest-6197: a format error, then ed not found twice)', () => {
      const format = { outcome: 'error' as const, errorText: 'Please always provide EXACTLY ONE action in triple backticks, found 2 actions.' };
      const missing = { outcome: 'error' as const, errorText: 'Exit code 127\nbash: line 1: ed: command not found' };
      const failing = { outcome: 'error' as const, errorText: 'Exit code 1\nFAILED tests/test_a.py::test_x' };
      const a = session('a', 'f', [
        bash(1, 2, 'ed f.py', T(0), T(1), format),
        bash(3, 4, 'ed f.py', T(2), T(3), missing),
        bash(5, 6, 'ed f.py', T(4), T(5), missing),
      ]);
      const b = session('b', 'f', [bash(1, 2, 'ed f.py', T(0), T(1), failing), bash(3, 4, 'ed f.py', T(2), T(3), failing)]);
      const finding = (st: ReturnType<typeof fold>) => failedRetry.findings(failedRetry.finalize(st), ctx)[0]!;
      // 2 and 2: a tie goes to the taxonomy's earlier category, dependency_missing before test_failure
      const ed = finding(fold(a, b));
      expect(ed.proposal.action).toBe(
        "2 loop(s), 5 failed attempts (up to 3 in a row): it failed on dependency missing: Install the missing tool or dependency in the agent's environment image.",
      );
      expect(ed.details).toMatchObject({ category: 'dependency_missing', categories: { dependency_missing: 2, test_failure: 2, other: 1 } });
      const [sa, sb] = [failedRetry.init(), failedRetry.init()];
      failedRetry.add(sa, a, [0]);
      failedRetry.add(sb, b, [1]);
      expect(finding(failedRetry.merge(sb, sa))).toEqual(ed);
      expect(finding(failedRetry.mergeInto!(failedRetry.merge(sb, failedRetry.init()), sa))).toEqual(ed);
      expect(finding(fold(b)).proposal.action).toMatch(/: give the agent the failing check's fix before it retries/);
    });

    it('outcome unknown (session format without ok/error) never makes a loop', () => {
      const s = session(
        's',
        'f',
        [1, 2, 3, 4].map((l) => call({ tool: 'Bash', command: 'git commit -m x', line: l, outcome: 'unknown' })),
      );
      expect(failedRetry.finalize(fold(s))).toEqual([]);
    });

    it('non-shell tools loop on the same input digest only', () => {
      const same = [1, 2].map((l) => call({ tool: 'Edit', line: l, inputDigest: 'd1', outcome: 'error' }));
      const other = [1, 2].map((l) => call({ tool: 'Edit', line: l, inputDigest: `d${l}`, outcome: 'error' }));
      expect(failedRetry.finalize(fold(session('a', 'f', same)))).toHaveLength(1);
      expect(failedRetry.finalize(fold(session('b', 'f', other)))).toEqual([]);
    });

    it('loops do not cross a subagent transcript: each record is its own session', () => {
      const parent = session('p', 'p.jsonl', [bash(1, 2, 'git push', T(0), T(1), { outcome: 'error' })]);
      const sub = session(
        'agent-a7be2f0',
        'p/subagents/agent-a7be2f0.jsonl',
        [bash(1, 2, 'git push', T(2), T(3), { outcome: 'error' }), bash(3, 4, 'git push', T(4), T(5), { outcome: 'error' })],
        { parentSessionId: 'p' },
      );
      const [f] = failedRetry.findings(failedRetry.finalize(fold(parent, sub)), ctx);
      expect(f!.sessions).toEqual(['agent-a7be2f0']);
      expect(f!.details['attempts']).toBe(2);
    });

    it('calls cancelled by a failing parallel sibling are no attempts (entireio-git-sync 71-872426c9cd-0.full.jsonl:311-363)', () => {
      // `go test` failed (311) and Claude Code cancelled its parallel `golangci-lint` (312); golangci-lint
      // then failed once on its own (363) and passed: no loop (it read as a 2-attempt golangci-lint loop)
      const cancelled = '<tool_use_error>Cancelled: parallel tool call Bash(go test ./... 2>&1) errored</tool_use_error>';
      const s = session('s', 'f', [
        bash(305, 311, 'go test ./... 2>&1', T(0), T(5), { outcome: 'error', errorText: 'Exit code 1\n--- FAIL: TestRun_Plan_JSONDoesNotPush' }),
        bash(306, 312, 'golangci-lint run ./... 2>&1', T(0), T(5), { outcome: 'error', errorText: cancelled }),
        bash(360, 363, 'golangci-lint run ./... 2>&1', T(60), T(70), {
          outcome: 'error',
          errorText: 'Exit code 1\ninternal/auth/entiredb.go:98:26: G703',
        }),
        bash(370, 371, 'golangci-lint run ./... 2>&1', T(100), T(110)),
      ]);
      expect(failedRetry.finalize(fold(s))).toEqual([]);
    });

    it('a parallel batch is one attempt, not a retry (codex 16-bfc6ff6845-0.full.jsonl:172-178: three git show at once)', () => {
      const net = 'ssh: Could not resolve hostname github.com: -65563\nfatal: Could not read from remote repository.';
      const at = (ms: number): string => new Date(Date.UTC(2026, 3, 13, 8, 21, 48, ms)).toISOString();
      const s = session('s', 'f', [
        bash(172, 176, 'git show --stat --summary 3d6606d --', at(57), at(375), { outcome: 'error', errorText: net }),
        bash(173, 177, 'git show 3d6606d -- internal/syncer/syncer.go', at(57), at(375), { outcome: 'error', errorText: net }),
        bash(174, 178, 'git show 0520b7c -- internal/syncer/syncer.go', at(79), at(384), { outcome: 'error', errorText: net }),
      ]);
      expect(failedRetry.finalize(fold(s))).toEqual([]);
      // the same calls one after the other are a loop
      const seq = session('t', 'f', [
        bash(172, 176, 'git show a', T(0), T(1), { outcome: 'error', errorText: net }),
        bash(173, 177, 'git show b', T(2), T(3), { outcome: 'error', errorText: net }),
      ]);
      expect(failedRetry.finalize(fold(seq))[0]!.entry).toMatchObject({ attempts: 2, abandoned: 1 });
    });

    it('a grep that matched nothing (exit 1, no output) did not fail (mini-swe-agent pytest-dev__pytest-6197: the results opening on lines 1007 and 2151)', () => {
      const noMatch = '<returncode>1</returncode>\n<output>\n</output>';
      const s = session('s', 'f', [
        call({ tool: 'bash', command: 'grep -n "def pytest_collect_directory" src/_pytest/main.py', line: 38, outcome: 'error', errorText: noMatch }),
        call({ tool: 'bash', command: 'grep "def __getitem__" src/_pytest/nodes.py', line: 82, outcome: 'error', errorText: noMatch }),
      ]);
      expect(failedRetry.finalize(fold(s))).toEqual([]);
      // grep's exit 2 (an error) still fails
      const bad = session('t', 'f', [
        call({ tool: 'bash', command: 'grep x nope', line: 1, outcome: 'error', errorText: 'grep: nope: No such file or directory' }),
        call({ tool: 'bash', command: 'grep x nope', line: 2, outcome: 'error', errorText: 'grep: nope: No such file or directory' }),
      ]);
      expect(failedRetry.finalize(fold(bad))).toHaveLength(1);
    });

    it("without timestamps, time lost is the attempts' measured time", () => {
      const s = session('s', 'f', [
        call({ tool: 'Bash', command: 'make', line: 1, outcome: 'error', measuredMs: 1500 }),
        call({ tool: 'Bash', command: 'make', line: 2, outcome: 'error', measuredMs: 500 }),
      ]);
      expect(failedRetry.finalize(fold(s))[0]!.entry.lostUs).toBe(2_000_000);
    });
  });

  describe('merge and finalize', () => {
    it('merging two halves equals one pass', () => {
      const a = session('a', 'f', [bash(1, 2, 'pytest', T(0), T(1), { outcome: 'error' }), bash(3, 4, 'pytest', T(2), T(3), { outcome: 'error' })]);
      const b = session('b', 'f', [
        bash(1, 2, 'pytest', T(5), T(6), { outcome: 'error' }),
        bash(3, 4, 'pytest', T(7), T(8), { outcome: 'error' }),
        bash(5, 6, 'pytest', T(9), T(10)),
      ]);
      const left = failedRetry.init();
      failedRetry.add(left, a, [0]);
      const right = failedRetry.init();
      failedRetry.add(right, b, [1]);
      expect(failedRetry.merge(right, left)).toEqual(fold(a, b));
      expect(failedRetry.finalize(fold(a, b))[0]!.entry).toMatchObject({
        loops: 2,
        abandoned: 1,
        succeeded: 1,
        sessions: { count: 2, ids: ['a', 'b'] },
      });
    });
  });
});
