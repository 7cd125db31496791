import { describe, expect, it } from 'vitest';
import { errorClusters } from '../../../src/fleet/detectors/error-clusters.js';
import { DEFAULT_PRICES } from '../../../src/fleet/pricing.js';
import { call, session } from '../_build.js';
import { ALL_CASES } from '../_realdata-cases.js';

const ctx = { weeks: 1, prices: DEFAULT_PRICES };
function findings(ss: ReturnType<typeof session>[]) {
  const st = errorClusters.init();
  ss.forEach((s, i) => errorClusters.add(st, s, [i]));
  return errorClusters.findings(errorClusters.finalize(st), ctx);
}

describe(errorClusters.name, () => {
  it('counts the same error of one parallel batch once: three `git show` at once on one DNS failure is one event', () => {
    // codex 16-bfc6ff6845-0.full.jsonl:172-178: issued at 08:21:48 together, each failing on "Could not resolve hostname"
    const SSH = 'ssh: Could not resolve hostname github.com: -65563\r\nfatal: Could not read from remote repository.';
    const at = (ms: number) => Date.UTC(2026, 3, 13, 8, 21, 48, ms) * 1000;
    const batch = session('s', 'f', [
      call({
        tool: 'exec_command',
        line: 172,
        resultLine: 176,
        command: 'git show --stat 3d6606d --',
        outcome: 'error',
        errorText: SSH,
        startUs: at(0),
        endUs: at(300),
      }),
      call({
        tool: 'exec_command',
        line: 173,
        resultLine: 177,
        command: 'git show 3d6606d -- a.go',
        outcome: 'error',
        errorText: SSH,
        startUs: at(1),
        endUs: at(301),
      }),
      call({
        tool: 'exec_command',
        line: 174,
        resultLine: 178,
        command: 'git show 0520b7c -- a.go',
        outcome: 'error',
        errorText: SSH,
        startUs: at(2),
        endUs: at(302),
      }),
      call({ tool: 'exec_command', line: 180, resultLine: 181, command: 'git log', startUs: at(37_000), endUs: at(37_100) }),
    ]);
    const st = errorClusters.init();
    errorClusters.add(st, batch, [0]);
    const [r] = errorClusters.finalize(st);
    expect(r!.entry).toMatchObject({ occurrences: 1, evidence: [expect.objectContaining({ line: 176 })] });
    // the batch's time is kept: from the first call to the call after the batch
    expect(r!.entry.lostUs).toBe(37_000_000);
    expect(errorClusters.findings([r!], ctx)).toEqual([]);
    // the same error again later is a second occurrence
    const again = session('t', 'f', [
      call({
        tool: 'exec_command',
        line: 300,
        resultLine: 301,
        command: 'git fetch',
        outcome: 'error',
        errorText: SSH,
        startUs: at(90_000),
        endUs: at(90_300),
      }),
    ]);
    errorClusters.add(st, again, [1]);
    expect(errorClusters.finalize(st)[0]!.entry.occurrences).toBe(2);
  });

  it('one cluster of the 4 "no upstream branch" sessions, one of the 3 "String to replace not found"', () => {
    const fs = findings(ALL_CASES);
    const upstream = fs.find((f) => f.key.includes('has no upstream branch'))!;
    expect(upstream).toMatchObject({ category: 'git', occurrences: 4, session_count: 4 });
    expect(upstream.sessions).toEqual([
      '258c7280-ae70-4798-800f-63464d01a85d',
      '4d5611e5-241a-462a-8d15-5122611a9569',
      '8463c716-a2ea-4c14-9efa-87158ebd9f20',
      'fa812bfe-b295-4cca-9c2f-fdf01028cb46',
    ]);
    // evidence in input order (ALL_CASES order), not sorted by id
    expect(upstream.evidence.map((e) => e.line)).toEqual([1477, 1564, 615, 639]);
    const edit = fs.find((f) => f.key.startsWith('String to replace not found'))!;
    expect(edit).toMatchObject({ category: 'edit_mismatch', occurrences: 3, session_count: 2 });
    expect(edit.evidence.map((e) => e.line)).toEqual([95, 259, 1300]);
  });

  it('user rejections are never an error cluster, whatever outcome the adapter wrote', () => {
    const fs = findings(ALL_CASES);
    expect(fs.some((f) => f.category === 'user_rejection' || f.key.includes("doesn't want to proceed"))).toBe(false);
  });

  it("the example is the first occurrence's own text (not lower-cased), whatever the merge order", () => {
    const a = session('a', 'f', [call({ tool: 'Bash', line: 1, outcome: 'error', errorText: 'Error in /x/Foo.ts after 3s' })]);
    const b = session('b', 'f', [call({ tool: 'Bash', line: 1, outcome: 'error', errorText: 'Error in /y/Foo.ts after 9s' })]);
    const sa = errorClusters.add(errorClusters.init(), a, [0]);
    const sb = errorClusters.add(errorClusters.init(), b, [1]);
    const [r] = errorClusters.finalize(errorClusters.merge(sb, sa));
    expect(r!.entry.example).toBe('Error in /x/Foo.ts after 3s');
    expect(r!.entry.occurrences).toBe(2);
  });

  it('counts sessions once and occurrences each time; a single occurrence is no finding', () => {
    const twice = session(
      'a',
      'f',
      [1, 2].map((l) => call({ tool: 'Read', line: l, outcome: 'error', errorText: 'File does not exist.' })),
    );
    const [f] = findings([twice]);
    expect(f).toMatchObject({ occurrences: 2, session_count: 1, category: 'not_found' });
    expect(findings([session('b', 'f', [call({ tool: 'Read', line: 1, outcome: 'error', errorText: 'File does not exist.' })])])).toEqual([]);
  });

  it('session errors (session format `errors`) cluster too, with the record line', () => {
    const s = (id: string) =>
      session(id, 'sessions.json', [], { errors: [{ text: 'ModuleNotFoundError: No module named foo', line: 7, errorSeq: 0 }] });
    const [f] = findings([s('a'), s('b')]);
    expect(f).toMatchObject({ category: 'dependency_missing', occurrences: 2 });
    expect(f!.evidence).toEqual([
      { session_id: 'a', file: 'sessions.json', line: 7 },
      { session_id: 'b', file: 'sessions.json', line: 7 },
    ]);
  });

  it("a call cancelled because a parallel sibling failed is no error of its own; the sibling's error is the cluster", () => {
    // ../shared/realdata/claude-code/spotter/8463c716-…jsonl:1092 and entireio-git-sync/71-872426c9cd-0.full.jsonl:181-182
    const texts = [
      '<tool_use_error>Sibling tool call errored</tool_use_error>',
      '<tool_use_error>Cancelled: parallel tool call Bash(mise run lint:gofmt 2>&1) errored</tool_use_error>',
      '<tool_use_error>Cancelled: parallel tool call Bash(go test ./... 2>&1) errored</tool_use_error>',
    ];
    const ss = ['a', 'b'].map((id) =>
      session(
        id,
        'f',
        texts.map((t, i) => call({ tool: 'Bash', command: 'mise run x', line: i + 1, outcome: 'error', errorText: t })),
        { errors: [{ text: 'Sibling tool call errored', line: 9, errorSeq: 3 }] },
      ),
    );
    expect(findings(ss)).toEqual([]);
  });

  it('a grep or rg that matched nothing is no error; one with a message is', () => {
    const ss = ['a', 'b'].map((id) =>
      session(id, 'f', [
        call({ tool: 'Bash', command: 'rg -n "OLLAMA" -n', line: 1, outcome: 'error', errorText: 'Exit code 1' }),
        call({ tool: 'bash', command: 'grep x f', line: 2, outcome: 'error', errorText: '<returncode>1</returncode>\n<output>\n</output>' }),
        call({ tool: 'Bash', command: 'make', line: 3, outcome: 'error', errorText: 'Exit code 1' }),
        call({ tool: 'Bash', command: 'grep x nope', line: 4, outcome: 'error', errorText: 'Exit code 2\ngrep: nope: No such file or directory' }),
      ]),
    );
    expect(findings(ss).map((f) => [f.key, f.occurrences])).toEqual([
      ['Exit code 1', 2],
      ['Exit code 2 ⏎ grep: nope: No such file or directory', 2],
    ]);
  });
});
