/**
 * The property names the fast decoder watches in a record or the top-level object: the
 * session keys and "sessions", compared as bytes.
 */
import { SESSION_KEYS } from './types.js';

/** Longest raw key worth reading: "duration_minutes" written entirely with \u escapes is 96 bytes. */
export const MAX_KEY_BYTES = 128;

/** The names a property name is compared with: the session keys and "sessions". */
const WATCHED: ReadonlyArray<{ name: string; bytes: Uint8Array }> = [...SESSION_KEYS, 'sessions'].map((name) => ({
  name,
  bytes: Buffer.from(name, 'latin1'),
}));

/**
 * The watched name that the JSON string content buf[s, e) (validated, quotes excluded)
 * spells, or undefined. Compares bytes; decodes only a name written with escapes.
 */
export function matchName(buf: Uint8Array, s: number, e: number): string | undefined {
  const len = e - s;
  if (len > MAX_KEY_BYTES) return undefined;
  for (const w of WATCHED) {
    if (w.bytes.length !== len) continue;
    let k = 0;
    while (k < len && buf[s + k] === w.bytes[k]) k++;
    if (k === len) return w.name;
  }
  for (let k = s; k < e; k++) {
    if (buf[k] === 0x5c) {
      const decoded = JSON.parse(`"${Buffer.from(buf.buffer, buf.byteOffset + s, len).toString('utf8')}"`) as string;
      return WATCHED.some((w) => w.name === decoded) ? decoded : undefined;
    }
  }
  return undefined;
}
