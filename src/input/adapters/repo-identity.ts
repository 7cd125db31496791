/**
 * Repo identity for the fleet profile: one name per repository, however many
 * clones and worktrees its sessions ran in.
 * - a git remote gives "owner/name" (`git@github.com:o/r.git`, `https://h/o/r`);
 * - else the working folder's name, with worktrees folded into their repo:
 *   `…/spotter-worktrees/spotter-4te` -> "spotter", `…/app/.claude/worktrees/x`
 *   and `…/app/.worktrees/x` -> "app".
 */

/** "owner/name" of a git remote URL, `undefined` when it names no path. */
export function remoteName(url: string): string | undefined {
  let rest = url
    .trim()
    .replace(/\/+$/, '')
    .replace(/\.git$/, '');
  const scp = /^[^/@:]+@[^/:]+:(.+)$/.exec(rest); // git@host:owner/name
  if (scp) rest = scp[1]!;
  else rest = rest.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]+\/?/i, '');
  const parts = rest.split('/').filter((p) => p !== '');
  if (parts.length === 0) return undefined;
  return parts.slice(-2).join('/');
}

/** The repo a working folder belongs to, worktrees folded. */
export function folderRepo(cwd: string): string | undefined {
  const parts = cwd.split(/[/\\]+/).filter((p) => p !== '');
  for (const marker of ['.claude', '.codex', '.worktrees', 'worktrees']) {
    const at = parts.lastIndexOf(marker);
    if (at > 0 && at < parts.length - 1 && (marker !== '.claude' && marker !== '.codex' ? true : parts[at + 1] === 'worktrees')) {
      return parts[at - 1];
    }
  }
  const name = parts[parts.length - 1];
  const parent = parts[parts.length - 2];
  if (name === undefined) return undefined;
  const base = parent?.match(/^(.+?)[-_.]worktrees?$/)?.[1];
  if (base !== undefined && name.startsWith(base)) return base;
  return name;
}

/** The remote's "owner/name", else the folder's repo, else `fallback`. */
export function repoIdentity(remoteUrl: string | undefined, cwd: string | undefined, fallback: string): string {
  const fromRemote = remoteUrl === undefined ? undefined : remoteName(remoteUrl);
  if (fromRemote !== undefined) return fromRemote;
  const fromFolder = cwd === undefined ? undefined : folderRepo(cwd);
  return fromFolder ?? fallback;
}
