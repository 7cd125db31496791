/**
 * One temporary folder per test run, removed at its end: the tests (and the CLI runs they spawn)
 * make their folders with os.tmpdir(), which reads TMPDIR, and most never remove them; a run left
 * ~100 folders in /tmp (2026-12-02: 97, up to 18 MB each), and they piled up run after run.
 */
import { chmodSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * Give back the owner's rights on every folder below `dir` (tests make unreadable ones on purpose).
 * Never through a symbolic link: tests link node_modules and dist into their folders, and a walk
 * that followed them would change the rights of the project's own folders.
 */
function unlock(dir: string): void {
  try {
    chmodSync(dir, 0o700);
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) unlock(path.join(dir, entry.name));
    }
  } catch {
    // a folder that cannot be unlocked is left; rmSync below says which
  }
}

export default function setup(): () => void {
  const run = mkdtempSync(path.join(tmpdir(), 'fp-test-run-'));
  // as /tmp is: the tests that run the CLI as another user (uid 65534) pass through it and write in it
  chmodSync(run, 0o1777);
  process.env['TMPDIR'] = run;
  return () => {
    unlock(run);
    try {
      rmSync(run, { recursive: true, force: true });
    } catch (err) {
      console.warn(`*** could not remove the test run's temporary folder ${run}: ${(err as Error).message} ***`);
    }
  };
}
