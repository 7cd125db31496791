import { readFileSync } from 'node:fs';
import type { Session } from '../../../src/session.js';

export const FIXTURES = new URL('../../../fixtures/agents/', import.meta.url).pathname;

export async function collect<T = Session>(sessions: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const s of sessions) out.push(s);
  return out;
}

/** The first ≤64 KB of a file, as `detect` receives it. */
export function head(path: string): Buffer {
  return readFileSync(path).subarray(0, 64 * 1024);
}

/** Byte offset of the start of 1-based line `n`. */
export function lineOffset(path: string, n: number): number {
  const buf = readFileSync(path);
  let off = 0;
  for (let i = 1; i < n; i++) off = buf.indexOf(0x0a, off) + 1;
  return off;
}
