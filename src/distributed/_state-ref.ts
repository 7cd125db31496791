/** States in and out of job results: inline when small, else a file in the run's shared folder (written atomically). */
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { AnalyzerError } from '../errors.js';
import { readStateText, stateText, type AnalysisResult } from '../cache/engine.js';
import { writeOutput as writeFileAtomic } from '../output.js';
import type { StateRef } from './_jobs.js';

export async function putState(r: AnalysisResult, spillDir: string, spillBytes: number, name: string): Promise<StateRef> {
  const text = stateText(r);
  if (Buffer.byteLength(text) <= spillBytes) return { text };
  await fsp.mkdir(spillDir, { recursive: true });
  const file = path.join(spillDir, name);
  await writeFileAtomic(file, text);
  return { file };
}

export async function getState(ref: StateRef): Promise<AnalysisResult> {
  if ('text' in ref) return readStateText(ref.text, 'a job result');
  let text: string;
  try {
    text = await fsp.readFile(ref.file, 'utf8');
  } catch (err) {
    throw new AnalyzerError(
      'FP_INPUT',
      `Cannot read a shard's state on the shared storage: ${(err as Error).message} (is the folder shared by every worker?), in ${ref.file}`,
      { file: ref.file },
      { cause: err },
    );
  }
  return readStateText(text, ref.file);
}
