import { describe, expect, it } from 'vitest';
import { categorize, normalizeErrorText } from '../../src/fleet/error-taxonomy.js';

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
  ] as const)('%j is %s', (text, category) => {
    expect(categorize(text)).toBe(category);
  });
});
