import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { commandFamily, commandLineOf } from '../../../src/input/adapters/command-family.js';

describe(commandFamily.name, () => {
  it.each([
    ['git commit -m "fix: x" --no-verify', 'git commit'],
    ['git -C /w/repo commit -am wip', 'git commit'],
    ['cd /w/app && MIX_ENV=test mix test test/a_test.exs:12', 'mix test'],
    ['npm test', 'npm test'],
    ['npm run build -- --watch', 'npm run build'],
    ['pytest -k slow tests/', 'pytest'],
    ['/usr/bin/python3 -m pytest -x', 'pytest'],
    ['sudo -E apt-get install -y jq', 'apt-get install'],
    ['timeout 30 go test ./...', 'go test'],
    ['go mod tidy', 'go mod'],
    ['gh pr create --fill', 'gh pr'],
    ["sed -n '1,20p' a.go | head", 'sed'],
    ['ls', 'ls'],
    ['git status --short', 'git status'],
    ['bd close spotter-4te.1', 'bd close'],
    ['  ', undefined],
    ['cd /w', 'cd'],
    ['git add -A && git commit -m "feat: x"', 'git commit'], // the chain's last command is the action
    ['echo COMPLETE && git add -A && git diff --cached', 'git diff'],
    ['cd /testbed && python -m pytest -x tests/ 2>&1 | tail -20', 'pytest'],
    ['npm run lint || true', 'npm run lint'],
    ['mkdir -p out && echo done', 'mkdir'],
  ] as const)('%s -> %s', (line, family) => {
    expect(commandFamily(line)).toBe(family);
  });

  it('drops arguments: the family of a command does not change with what follows its subcommand', () => {
    fc.assert(
      fc.property(fc.array(fc.stringMatching(/^[a-z0-9./_-]{1,8}$/), { maxLength: 5 }), (args) => {
        expect(commandFamily(['git commit -m', ...args.map((a) => `'${a}'`)].join(' '))).toBe('git commit');
        expect(commandFamily(['pytest', ...args].join(' '))).toBe('pytest');
      }),
    );
  });
});

describe(commandLineOf.name, () => {
  it.each([
    [['bash', '-lc', 'git status'], 'git status'],
    [['/bin/zsh', '-lc', 'npm test'], 'npm test'],
    [['ls', '-la'], 'ls -la'],
    ['make', 'make'],
    ['', undefined],
    [[1, 2], undefined],
  ] as const)('%j -> %s', (cmd, line) => {
    expect(commandLineOf(cmd)).toBe(line);
  });
});
