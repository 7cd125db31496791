import { describe, expect, it } from 'vitest';
import { folderRepo, remoteName, repoIdentity } from '../../../src/input/adapters/repo-identity.js';

describe(remoteName.name, () => {
  it.each([
    ['git@github.com:entirehq/git-sync.git', 'entirehq/git-sync'],
    ['https://github.com/acme/app', 'acme/app'],
    ['https://gitlab.example.com/group/sub/app.git/', 'sub/app'],
    ['ssh://git@host:22/o/r.git', 'o/r'],
  ] as const)('%s -> %s', (url, name) => {
    expect(remoteName(url)).toBe(name);
  });
});

describe(folderRepo.name, () => {
  it.each([
    ['/home/USER/projects/spotter-worktrees/spotter-4te', 'spotter'],
    ['/home/USER/projects/spotter', 'spotter'],
    ['/w/app/.claude/worktrees/feature-x', 'app'],
    ['/w/app/.worktrees/feature-x', 'app'],
    ['/Users/chip/dev/ai-music', 'ai-music'],
    ['C:\\src\\proj', 'proj'],
  ] as const)('%s -> %s', (cwd, repo) => {
    expect(folderRepo(cwd)).toBe(repo);
  });

  it('folds every worktree of one repo into one name', () => {
    const names = ['gqc', 'dov', 'fum', '4te', 'a0y'].map((w) => folderRepo(`/home/USER/projects/spotter-worktrees/spotter-${w}`));
    expect(new Set(names)).toEqual(new Set(['spotter']));
  });
});

describe(repoIdentity.name, () => {
  it('prefers the remote, then the folder, then the fallback', () => {
    expect(repoIdentity('git@github.com:o/r.git', '/w/x', 'global')).toBe('o/r');
    expect(repoIdentity(undefined, '/w/x', 'global')).toBe('x');
    expect(repoIdentity(undefined, undefined, 'global')).toBe('global');
  });
});
