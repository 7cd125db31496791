/** Writing results: to a temporary file beside the target, renamed at the end, so a
 * failed run never leaves half a report and never clobbers the previous one. */
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { AnalyzerError } from './errors.js';
import { describeFsError } from './input/sources.js';

export async function writeFileAtomic(target: string, content: string): Promise<void> {
  const fail = (what: string, err?: unknown): never => {
    throw new AnalyzerError('FP_OUTPUT', `Cannot write output: ${what}, in ${target}`, { file: target }, { cause: err });
  };
  try {
    const st = await fsp.stat(target);
    if (st.isDirectory()) fail('it is a folder');
  } catch (err) {
    if (err instanceof AnalyzerError) throw err;
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') fail(describeFsError(err), err);
  }
  const dir = path.dirname(target);
  const tmp = path.join(dir, `.${path.basename(target)}.${process.pid}.${Date.now().toString(36)}.tmp`);
  try {
    await fsp.writeFile(tmp, content, { flag: 'wx' });
  } catch (err) {
    await fsp.rm(tmp, { force: true }).catch(() => undefined);
    fail(describeFsError(err), err);
  }
  try {
    await fsp.rename(tmp, target);
  } catch (err) {
    await fsp.rm(tmp, { force: true }).catch(() => undefined);
    fail(describeFsError(err), err);
  }
}

/** Check early that the output can be written, before a long analysis. */
export async function checkWritable(target: string): Promise<void> {
  try {
    const st = await fsp.stat(target);
    if (st.isDirectory()) throw new AnalyzerError('FP_OUTPUT', `Cannot write output: it is a folder, in ${target}`, { file: target });
  } catch (err) {
    if (err instanceof AnalyzerError) throw err;
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new AnalyzerError('FP_OUTPUT', `Cannot write output: ${describeFsError(err)}, in ${target}`, { file: target });
    }
  }
  const dir = path.dirname(target);
  try {
    const st = await fsp.stat(dir);
    if (!st.isDirectory()) throw new Error('not a folder');
    await fsp.access(dir, 2 /* W_OK */);
  } catch (err) {
    throw new AnalyzerError('FP_OUTPUT', `Cannot write output: folder ${dir} is missing or not writable, in ${target}`, { file: target }, { cause: err });
  }
}
