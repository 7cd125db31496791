/** Files for the worker tests: temporary folders, archives written from test/arbitraries.ts, options. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { InputFile } from '../../src/input/sources.js';
import { DEFAULT_OPTIONS, type ResolvedOptions } from '../../src/options.js';
import { renderArchive, type ArchiveFile } from '../arbitraries.js';

const created: string[] = [];

/** A fresh temporary folder, removed by `removeTmpDirs`. */
export function tmpDir(): string {
  const d = mkdtempSync(path.join(os.tmpdir(), 'fp-workers-'));
  created.push(d);
  return d;
}

export function removeTmpDirs(): void {
  for (const d of created.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** Write files into `dir` (index-prefixed names, so that folder order is archive order). */
export function writeArchives(dir: string, files: readonly ArchiveFile[]): InputFile[] {
  return files.map((f, i) => {
    const { name, bytes } = renderArchive(f);
    const p = path.join(dir, `${String(i).padStart(2, '0')}-${name}`);
    writeFileSync(p, bytes);
    return { path: p, size: bytes.length };
  });
}

export function writeFile(dir: string, name: string, content: string | Buffer): InputFile {
  const p = path.join(dir, name);
  writeFileSync(p, content);
  return { path: p, size: Buffer.byteLength(content) };
}

export function options(over: Partial<ResolvedOptions> = {}): ResolvedOptions {
  return {
    input: [],
    output: undefined,
    format: 'json',
    hourlyRate: DEFAULT_OPTIONS.hourlyRate,
    threshold: 0,
    strict: false,
    quiet: true,
    progress: false,
    workers: 2,
    parser: 'fast',
    from: 'auto',
    emitState: undefined,
    profile: 'seed',
    prices: undefined,
    ...over,
  };
}
