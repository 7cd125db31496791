/**
 * The bench's untimed read before each timed run (bench/run/warm-read.ts): it reads every byte of
 * an archive file, across its 1 MB reads, and of every file of a folder archive.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { warmRead } from '../../bench/run/warm-read.js';

const tmp = mkdtempSync(join(os.tmpdir(), 'fp-warm-read-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe(warmRead.name, () => {
  it.each([0, 1, (1 << 20) - 1, 1 << 20, (5 << 19) + 7] as const)('reads all %i bytes of a file', (size) => {
    const file = join(tmp, `f${size}.json`);
    writeFileSync(file, Buffer.alloc(size, 0x61));
    expect(warmRead(file)).toBe(size);
  });

  it('reads every file of a folder archive', () => {
    const dir = join(tmp, 'folder');
    mkdirSync(dir);
    writeFileSync(join(dir, 'part-0000.jsonl'), Buffer.alloc(3 << 19, 0x62));
    writeFileSync(join(dir, 'part-0001.json'), '[]\n');
    expect(warmRead(dir)).toBe((3 << 19) + 3);
  });

  it('fails loudly on a missing archive', () => {
    expect(() => warmRead(join(tmp, 'missing.json'))).toThrow(/ENOENT/);
  });
});
