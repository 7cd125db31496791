/**
 * The cache folder, made like `mkdir -p`, checked before any input is read (a bad one is exit 4).
 * Not `fs.mkdir(dir, { recursive: true })`: where mkdir(2) answers ENOENT beneath a folder that
 * exists (`--cache /proc/x`), Node 20's recursive mkdir retries forever, so the run hung; here each
 * missing level is made once, from the top down.
 */
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { AnalyzerError } from '../errors.js';
import { describeFsError } from '../input/sources.js';

export async function makeCacheFolder(dir: string): Promise<void> {
  try {
    const missing: string[] = [];
    for (let d = path.resolve(dir); ; ) {
      const st = await fsp.stat(d).catch((err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT') return undefined;
        throw err;
      });
      if (st !== undefined) {
        if (!st.isDirectory()) throw Object.assign(new Error('not a folder'), { code: 'ENOTDIR' });
        break;
      }
      missing.push(d);
      const parent = path.dirname(d);
      if (parent === d) break;
      d = parent;
    }
    for (const d of missing.reverse()) {
      await fsp.mkdir(d).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'EEXIST') throw err; // another run made it meanwhile
      });
    }
  } catch (err) {
    throw new AnalyzerError('FP_OUTPUT', `Cannot use the cache folder: ${describeFsError(err)}, in ${dir}`, { file: dir }, { cause: err });
  }
}
