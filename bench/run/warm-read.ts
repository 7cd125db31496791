/**
 * The untimed read before each timed run: every byte of the archive, read once in order, so that
 * the run reads it from the page cache rather than partly from disk.
 *
 * Why: this VM drops pages of cached files continuously. Measured 2026-12-02 05:45 UTC with
 * `fincore`: the 1 GB JSON Lines archive went from 953.7M to 906.2M resident in 60 s with 19 GB
 * of memory free, so a run minutes after the last one read ~5% of its archive from disk, and a
 * warm-up run at the start of a round no longer warmed the runs at its end.
 */
import { closeSync, openSync, readSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const CHUNK = 1 << 20;

/** Read every byte of a file, or of every file of a folder archive (sorted); the bytes read. */
export function warmRead(path: string): number {
  if (statSync(path).isDirectory()) {
    let total = 0;
    for (const name of readdirSync(path).sort()) total += warmRead(join(path, name));
    return total;
  }
  const buf = Buffer.allocUnsafe(CHUNK);
  const fd = openSync(path, 'r');
  let total = 0;
  try {
    for (let n = readSync(fd, buf, 0, CHUNK, null); n > 0; n = readSync(fd, buf, 0, CHUNK, null)) total += n;
  } finally {
    closeSync(fd);
  }
  return total;
}
