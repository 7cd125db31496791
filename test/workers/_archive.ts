/** Random session archives for the worker tests: small pools, so that patterns form. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import type { InputFile } from '../../src/input/sources.js';
import { DEFAULT_OPTIONS, type ResolvedOptions } from '../../src/options.js';

/** Strings that stress the boundary pass: quotes, backslashes before quotes, brackets, commas, "sessions". */
export const NASTY = [
  'plain',
  'he said "hi"',
  'ends with a backslash \\',
  'backslash then quote \\"',
  'two backslashes \\\\',
  '] }, { [ , "sessions": [',
  '{"sessions": [1, 2]}',
  'é ü 中文 😀',
  'line\nbreak\ttab',
  '\\\\\\"]',
] as const;

const errorMessages = [
  'ImportError: no module named foo',
  'Timeout after 30s at /srv/app/main.py',
  'ModuleNotFoundError: "bar" \\ [x]',
  'Permission denied: /etc/shadow',
  '',
] as const;
const tools = ['Bash', 'Read', 'Edit', 'WebFetch', 'Grep'] as const;

export const sessionArb = fc.record({
  session_id: fc.oneof(fc.constantFrom('s-1', 's-2', 'sess "q"', 'x\\y'), fc.integer({ min: 0, max: 50 }).map((n) => `id-${n}`)),
  repo: fc.constantFrom('alpha', 'beta', 'gamma', null),
  messages: fc.array(fc.record({ role: fc.constantFrom('user', 'assistant'), content: fc.constantFrom(...NASTY) }), { maxLength: 3 }),
  errors: fc.array(fc.record({ message: fc.constantFrom(...errorMessages) }), { maxLength: 4 }),
  tool_calls: fc.oneof(
    fc.array(fc.record({ tool: fc.constantFrom(...tools), latency_ms: fc.constantFrom(0, 120, 800, 5200, 12000) }), { maxLength: 8 }),
    // long runs of few tools: manual processes and retry streaks
    fc
      .tuple(fc.constantFrom(...tools), fc.constantFrom(...tools), fc.integer({ min: 8, max: 24 }))
      .map(([a, b, n]) => Array.from({ length: n }, (_, i) => ({ tool: i % 5 === 4 ? b : a, latency_ms: 300 + (i % 3) * 1000 }))),
  ),
  duration_minutes: fc.constantFrom(1, 2.5, 30, 90.5, 240),
});

/** A record that is not a session (skipped and counted; fatal under --strict). */
export const malformedArb = fc.constantFrom<unknown>(5, 'text', { errors: 5 }, { tool_calls: [{ tool: 'Bash', latency_ms: 'slow' }] });

export const recordArb = fc.oneof({ weight: 12, arbitrary: sessionArb as fc.Arbitrary<unknown> }, { weight: 1, arbitrary: malformedArb });

export type Shape = 'array' | 'array-pretty' | 'wrapper' | 'wrapper-twice' | 'jsonl' | 'jsonl-content' | 'gzip';
export const SHAPES: readonly Shape[] = ['array', 'array-pretty', 'wrapper', 'wrapper-twice', 'jsonl', 'jsonl-content', 'gzip'];

export interface ArchiveFile {
  shape: Shape;
  records: unknown[];
}

/** JSON Lines content needs a first record that is an object without a "sessions" array. */
export const archiveFileArb: fc.Arbitrary<ArchiveFile> = fc.record({
  shape: fc.constantFrom(...SHAPES),
  records: fc.array(recordArb, { minLength: 1, maxLength: 40 }),
});

/** The file name and bytes of one archive; `dead` records sit in an earlier "sessions" array. */
export function renderArchive(f: ArchiveFile, dead: unknown[] = [{ session_id: 'dead', errors: [{ message: 'ImportError: no module named foo' }] }]): { name: string; bytes: Buffer } {
  const line = (r: unknown) => JSON.stringify(r);
  switch (f.shape) {
    case 'array':
      return { name: 'a.json', bytes: Buffer.from(JSON.stringify(f.records)) };
    case 'array-pretty':
      return { name: 'p.json', bytes: Buffer.from('\ufeff' + JSON.stringify(f.records, null, 2) + '\n') };
    case 'wrapper':
      return {
        name: 'w.json',
        bytes: Buffer.from(`{"meta": {"sessions": 3, "note": ${line(NASTY.join(''))}}, "sessions": ${JSON.stringify(f.records, null, 1)}, "exported_at": "x"}`),
      };
    case 'wrapper-twice':
      return {
        name: 'w2.json',
        bytes: Buffer.from(
          `{"sessions": ${JSON.stringify(dead)}, "x": [1, {"sessions": []}], "\\u0073essions": ${JSON.stringify(f.records)}, "tail": "]}"}\n`,
        ),
      };
    case 'jsonl':
      return { name: 'l.jsonl', bytes: Buffer.from(f.records.map(line).join('\n') + '\n') };
    case 'jsonl-content': {
      // auto-detected JSON Lines: the first record must be an object (a plain session)
      const recs = [{ session_id: 'first', tool_calls: [] }, ...f.records];
      return { name: 'c.json', bytes: Buffer.from(recs.map(line).join('\r\n')) };
    }
    case 'gzip':
      return { name: 'g.json.gz', bytes: gzipSync(JSON.stringify(f.records)) };
  }
}

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
    ...over,
  };
}
