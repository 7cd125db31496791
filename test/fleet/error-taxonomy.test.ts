import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { categorize, normalizeErrorText, STATEMENT_LINES } from '../../src/fleet/error-taxonomy.js';
import { reduceMessage } from '../../src/input/_oversized-message.js';
import { fleetMessageReaders } from '../../src/fleet/message-readers.js';

describe(normalizeErrorText.name, () => {
  it('groups "no upstream branch" across branch names (4 realdata sessions)', () => {
    const keys = ['spotter-gqc', 'spotter-dov', 'spotter-fum', 'spotter-a0y'].map((b) =>
      normalizeErrorText(
        `Exit code 128\nfatal: The current branch ${b} has no upstream branch.\nTo push the current branch and set the remote as upstream, use\n\n    git push --set-upstream origin ${b}`,
      ),
    );
    expect(new Set(keys).size).toBe(1);
    expect(keys[0]).toBe(
      'Exit code 128 ⏎ fatal: The current branch <branch> has no upstream branch. ⏎ To push the current branch and set the remote as upstream, use',
    );
  });

  it('drops the code quoted after String: and the tool_use_error tags (no "</PATH")', () => {
    const a = normalizeErrorText('<tool_use_error>String to replace not found in file.\nString:   defp do_setup do\n    try do\n</tool_use_error>');
    const b = normalizeErrorText('String to replace not found in file.\nString: def main():\n    print("x")');
    expect(a).toBe('String to replace not found in file. ⏎ String: <code>');
    expect(b).toBe(a);
    expect(normalizeErrorText('<tool_use_error>File does not exist.</tool_use_error>')).toBe('File does not exist.');
  });

  it('joins pre-commit failures that differ by file counts, and test runs by seed', () => {
    expect(normalizeErrorText('Pre-commit validation failed:\n\n[CREDO]\nChecking 114 source files')).toBe(
      normalizeErrorText('Pre-commit validation failed:\n\n[CREDO]\nChecking 88 source files'),
    );
    expect(normalizeErrorText('Running ExUnit with seed: 123, max_cases: 16')).toBe(
      normalizeErrorText('Running ExUnit with seed: 98765, max_cases: 16'),
    );
  });

  it('reads escaped newlines of a JSON string inside the text as newlines', () => {
    expect(normalizeErrorText('Pre-commit validation failed:\\n\\n[FORMAT] Code is not formatted.\\nRun mix format')).toBe(
      'Pre-commit validation failed: ⏎ [FORMAT] Code is not formatted. ⏎ Run mix format',
    );
  });

  it("reads mini-swe-agent's <returncode>/<output> wrapper as an exit code", () => {
    expect(normalizeErrorText('<returncode>127</returncode>\n<output>\nbash: line 1: ed: command not found\n</output>')).toBe(
      'Exit code 127 ⏎ bash: line <n>: ed: command not found',
    );
  });

  it('keeps file names and exit codes, replaces UUIDs, hex ids and durations, never lower-cases', () => {
    expect(normalizeErrorText("Error: ENOENT: open '/Users/chip/dev/a/config.json' after 12.5s")).toBe(
      "Error: ENOENT: open '…/config.json' after <duration>",
    );
    expect(normalizeErrorText('Session 019c5242-3a4b-4c5d-8e9f-0123456789ab failed at 0x7ffe3a2b in deadbeef12')).toBe(
      'Session <uuid> failed at <hex> in <hex>',
    );
    expect(normalizeErrorText('Exit code 2\nFAILED')).toBe('Exit code 2 ⏎ FAILED');
  });
});

describe(`${normalizeErrorText.name}: the line that states the error, past a command's preamble`, () => {
  // mix test's first lines are the same for every failure (realdata 258c7280:988, 8463c716:1180/1243/1392):
  // the three-line key grouped a missing config, a missing test dependency and an assertion as one error
  const PREAMBLE =
    'Exit code 2\nGetting extensions in current project...\nRunning setup for AshSqlite.DataLayer...\nRunning ExUnit with seed: 918599, max_cases: 32\n\n\n\n';
  const raised = (test: string, error: string) =>
    `${PREAMBLE}  1) test ${test} (SpotterWeb.ProjectReviewLiveTest)\n     test/spotter_web/live/project_review_live_test.exs:58\n     ** (RuntimeError) ${error}\n     Ensure your environment has the necessary mix configuration.\n`;
  const SECRET = 'no :secret_key_base configuration found in SpotterWeb.Endpoint.';
  const LAZY = 'Phoenix LiveView requires lazy_html as a test dependency.';

  it('keys a test run by the exception it raised, whatever test raised it and whatever came before', () => {
    const a = normalizeErrorText(raised('mount renders transcript annotation', SECRET));
    const b = normalizeErrorText(
      raised('mount renders project review page', SECRET).replace(
        PREAMBLE,
        `Exit code 2\nCompiling 41 files (.ex)\nGenerated spotter app\n${PREAMBLE.slice(12)}`,
      ),
    );
    expect(a).toBe(`Exit code 2 ⏎ ** (RuntimeError) ${SECRET}`);
    expect(b).toBe(a);
    expect(normalizeErrorText(raised('x', LAZY))).toBe(`Exit code 2 ⏎ ** (RuntimeError) ${LAZY}`);
  });

  it('keys an assertion failure by its test, a compile error by its error line, a traceback by its exception', () => {
    expect(
      normalizeErrorText(
        `${PREAMBLE}..........\n\n  1) test subagent rows have is-subagent class and badge (SpotterWeb.SessionLiveTest)\n     test/spotter_web/live/session_live_test.exs:146\n     Assertion with =~ failed\n`,
      ),
    ).toBe('Exit code 2 ⏎ test subagent rows have is-subagent class and badge (SpotterWeb.SessionLiveTest)');
    expect(
      normalizeErrorText(
        'Exit code 1\nCompiling 4 files (.ex)\nGenerated spotter app\n\n    error: undefined function get/2 (expected SpotterWeb.ProjectReviewLiveTest to define such a function)\n    │\n',
      ),
    ).toBe('Exit code 1 ⏎ error: undefined function get/<n> (expected SpotterWeb.ProjectReviewLiveTest to define such a function)');
    expect(
      normalizeErrorText(
        'Exit code 1\nTraceback (most recent call last):\n  File "<string>", line 6, in <module>\n  File "/usr/lib/python3.12/json/__init__.py", line 293, in load\njson.decoder.JSONDecodeError: Unterminated string starting at: line 1 column 7 (char 6)\n',
      ),
    ).toBe('Exit code 1 ⏎ json.decoder.JSONDecodeError: Unterminated string starting at: line <n> column <n> (char <n>)');
    // pytest (mini-swe-agent's output, cut at 500 characters): the failing test's header
    expect(
      normalizeErrorText(
        '<returncode>1</returncode>\n<output>\n============================= test session starts ==============================\nplatform linux -- Python 3.9.20, pytest-5.2.4.dev6+ge856638ba, py-1.11.0, pluggy-0.13.1\nrootdir: /testbed, inifile: tox.ini\ncollected 1 item\n\ntesting/test_collection.py F                                             [100%]\n\n=================================== FAILURES ===================================\n______________________ Test_getinitialnodes.test_pkgfile ______________________\n',
      ),
    ).toBe('Exit code 1 ⏎ FAILED Test_getinitialnodes.test_pkgfile');
    expect(
      normalizeErrorText(
        'Exit code 2\n=== test session starts ===\n\n=== ERRORS ===\n___________ ERROR collecting testing/test_junitxml.py ___________\n',
      ),
    ).toBe('Exit code 2 ⏎ ERROR collecting testing/test_junitxml.py');
  });

  it('keeps the first lines when no line states the error, and for what is not a command output', () => {
    expect(normalizeErrorText('Exit code 1\nThe following paths are ignored by one of your .gitignore files:\npriv/static/assets\nhint: x')).toBe(
      'Exit code 1 ⏎ The following paths are ignored by one of your .gitignore files: ⏎ priv…/assets',
    );
    const hook = 'Pre-commit validation failed:\n\n[DIALYZER]\nFinding suitable PLTs\nChecking PLT...\n** (Mix) x\nerror: y\n';
    expect(normalizeErrorText(hook)).toBe('Pre-commit validation failed: ⏎ [DIALYZER] ⏎ Finding suitable PLTs');
  });

  it('looks only so far (a stand-in prefix of a huge message settles the key: src/fleet/message-readers.ts)', () => {
    const far = `Exit code 1\n${'compiling...\n\n'.repeat(STATEMENT_LINES)}** (RuntimeError) late\n`;
    expect(normalizeErrorText(far)).toBe('Exit code 1 ⏎ compiling... ⏎ compiling...');
  });

  it("reads a huge message's stand-in (runs cut to RUN_KEEP) as the whole text: the bound counts lines, not characters", () => {
    // 17 runs of 1,000 'e' put the error line past 16 KB; the stand-in cuts each run to 512, which
    // brought it inside a 16 KB window (a counterexample the oversized property test found)
    const text = `Exit code 1\n${`${'e'.repeat(1000)}\n`.repeat(17)}** (RuntimeError) boom\n`;
    const standIn = reduceMessage([text], Number.MAX_SAFE_INTEGER, [fleetMessageReaders])!;
    expect(standIn.length).toBeLessThan(text.length);
    expect(normalizeErrorText(standIn)).toBe(normalizeErrorText(text));
    expect(normalizeErrorText(text)).toBe('Exit code 1 ⏎ ** (RuntimeError) boom');
  });

  it('is settled by a prefix exactly when no suffix can change it (fast-check)', () => {
    const line = fc.constantFrom(
      'Exit code 1',
      'Traceback (most recent call last):',
      '** (RuntimeError) boom',
      'error: bad',
      '  1) test t (M)',
      'noise',
      'ValueError: v',
      '',
    );
    fc.assert(
      fc.property(fc.array(line, { maxLength: 8 }), fc.array(line, { maxLength: 8 }), (head, rest) => {
        const prefix = head.map((l) => `${l}\n`).join('');
        if (!fleetMessageReaders.key.settled(prefix)) return;
        expect(normalizeErrorText(prefix + rest.join('\n'))).toBe(normalizeErrorText(prefix));
      }),
    );
  });
});

describe(categorize.name, () => {
  it.each([
    ["The user doesn't want to proceed with this tool use. The tool use was rejected", 'user_rejection'],
    ['Pre-commit validation failed:\n[DIALYZER]', 'hook'],
    ['String to replace not found in file.', 'edit_mismatch'],
    ['Exit code 1\n(eval):1: permission denied: x', 'permission'],
    ['bash: rg: command not found', 'dependency_missing'],
    ['SyntaxError: Unexpected token )', 'syntax'],
    ['3 tests, 1 failure', 'test_failure'],
    ['fatal: The current branch x has no upstream branch.', 'git'],
    ['Error: connect ETIMEDOUT 1.2.3.4:443', 'network_timeout'],
    ['ssh: Could not resolve hostname github.com: -65563\nfatal: Could not read from remote repository.', 'network_timeout'],
    ['File content (85812 tokens) exceeds maximum allowed tokens (25000)', 'tool_misuse'],
    ['File does not exist.', 'not_found'],
    ['something odd', 'other'],
    // "failed" in any sentence is no test failure (codex 16-bfc6ff6845-0.full.jsonl:127 and :106)
    [
      "fatal: unable to access 'http://localhost:8080/x.git/': Failed to connect to localhost port 8080 after 0 ms: Couldn't connect to server",
      'network_timeout',
    ],
    ['failed to parse function arguments: duplicate field `yield_time_ms` at line 1 column 120', 'tool_misuse'],
    // a repository named git-sync does not make every error in it a git error (71-872426c9cd-0.full.jsonl:227, :340, :557)
    [
      'Exit code 126\nNo version is set for command python3\nConsider adding one of the following versions in your config file at /Users/soph/Work/entire/git-sync/.tool-versions',
      'other',
    ],
    [
      'Exit code 1\nok  \tgithub.com/entirehq/git-sync\t0.512s\n--- FAIL: TestMarshalOutput_JSONShape (0.00s)\n    main_test.go:88: unexpected source_url',
      'test_failure',
    ],
    // pytest's failure section (mini-swe-agent pytest-dev__pytest-6197.traj.json, message 42)
    [
      '<returncode>1</returncode>\n<output>\n=== test session starts ===\ncollected 72 items\n\ntesting/test_collection.py .F.  [100%]\n\n================ FAILURES ================\n',
      'test_failure',
    ],
    ["git: 'sync' is not a git command.", 'git'],
    // a test run that could not start for a missing test dependency (258c7280:1035, 8463c716:1243): its
    // proposal was "check whether these failures are flaky or real"
    [
      'Exit code 2\n  1) test x (SpotterWeb.SessionLiveTest)\n     ** (RuntimeError) Phoenix LiveView requires lazy_html as a test dependency.\n     Please add to your mix.exs:\n\n     {:lazy_html, ">= 0.1.0", only: :test}\n\n12 tests, 11 failures',
      'dependency_missing',
    ],
    // the word in a page an ExUnit failure printed (8463c716-a2ea-4c14-9efa-87158ebd9f20.jsonl:1392)
    ['Exit code 2\n  1) test x (M)\n     Assertion with =~ failed\n     left: "<div id=\\"t\\" phx-hook=\\"TranscriptHighlighter\\">"', 'other'],
    ['PreToolUse:Bash hook error: blocked', 'hook'],
    ['husky - pre-commit hook exited with code 1 (error)', 'hook'],
    ['Exit code 1\nerror: failed to push some refs to origin', 'git'],
  ] as const)('%j is %s', (text, category) => {
    expect(categorize(text)).toBe(category);
  });
});
