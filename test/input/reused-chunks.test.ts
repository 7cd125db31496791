/**
 * The sequential fast path reads a regular file into two buffers taken in turn
 * (`openBytes(..., reuse)`), trusting the decoder to copy what it keeps before it asks for the
 * next chunk. A gzip file is inflated into fresh buffers, so the same archive gzipped is read
 * without reuse: if the decoder kept a view of a reused chunk (a string, a member, a number
 * across a chunk boundary), the two reports would differ.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ArchiveShape } from '../../bench/generate/archive-kinds.js';
import { generateArchive } from '../../bench/generate/write-archive.js';
import { analyzeInputs } from '../../src/engine.js';

const dir = mkdtempSync(path.join(tmpdir(), 'fp-reused-chunks-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('reading a file into reused buffers', () => {
  for (const shape of ['array', 'jsonl'] as const satisfies readonly ArchiveShape[]) {
    for (const profile of ['transcript', 'dense'] as const) {
      it(`gives the report of the same ${profile} ${shape} archive gzipped (6 MB, chunks of 1 MB)`, async () => {
        const plain = await generateArchive({ out: path.join(dir, `${profile}-${shape}`), shape, size: 6_000_000, seed: 7, profile });
        const gz = await generateArchive({ out: path.join(dir, `${profile}-${shape}-gz`), shape, size: 6_000_000, seed: 7, profile, gzip: true });
        const a = await analyzeInputs(plain.files, { workers: 1 });
        const b = await analyzeInputs(gz.files, { workers: 1 });
        expect(a.sessions).toBeGreaterThan(100);
        expect(JSON.stringify(a)).toBe(JSON.stringify(b));
      });
    }
  }
});
