/**
 * Byte classes of JSON text shared by the fast decoder's scanner (_json-scanner.ts) and
 * its member readers (_token-reader.ts), and the JS string-body scan (`findSpecial`), the
 * scanner's fallback where the WebAssembly kernel (wasm/string-scan.ts) is unavailable.
 */

/**
 * The deepest nesting the decoders read (open arrays and objects); deeper is an input error,
 * TOO_DEEP. Each level holds memory (a byte in the fast scanner, a container in the stream-json
 * decoder's record builder), so without a bound a stream of `[` grew memory with its bytes
 * (~50 MB/s from a pipe; the stream-json path ran out of heap). The reference's json module gives
 * up near 1,000 levels (RecursionError); no log comes near this. Peak RSS on 100 MB of `[`
 * (2026-12-02): fast 75 MB, `--parser stream-json` 203 MB; with the bound at 1,048,576 levels
 * 78 MB and 522 MB; without one, stream-json ran out of heap (4.8 GB, 130 s).
 */
export const MAX_DEPTH = 1 << 16;
// the digits grouped by hand: toLocaleString at load started ICU, +6.5 MB RSS and +20 ms on every run
export const TOO_DEEP = `nested deeper than ${String(MAX_DEPTH).replace(/\B(?=(\d{3})+$)/g, ',')} levels`;

/** 1 for the one-character escapes after '\': " \ / b f n r t */
export const ESC1 = new Uint8Array(256);
for (const c of '"\\/bfnrt') ESC1[c.charCodeAt(0)] = 1;
export const HEX = new Uint8Array(256);
for (const c of '0123456789abcdefABCDEF') HEX[c.charCodeAt(0)] = 1;

/**
 * At a '\' in `buf` (index `i`, the text ending before `n`): the index after its escape, or -1
 * when the escape is invalid or cut by `n`.
 */
export function escapeEnd(buf: Uint8Array, i: number, n: number): number {
  if (i + 1 >= n) return -1;
  const e = buf[i + 1]!;
  if (ESC1[e] === 1) return i + 2;
  if (e === 0x75 && i + 5 < n && (HEX[buf[i + 2]!]! & HEX[buf[i + 3]!]! & HEX[buf[i + 4]!]! & HEX[buf[i + 5]!]!) === 1) return i + 6;
  return -1;
}

export const LIT_TRUE = Uint8Array.from([0x74, 0x72, 0x75, 0x65]);
export const LIT_FALSE = Uint8Array.from([0x66, 0x61, 0x6c, 0x73, 0x65]);
export const LIT_NULL = Uint8Array.from([0x6e, 0x75, 0x6c, 0x6c]);
export const BOM = [0xef, 0xbb, 0xbf];

export const EMPTY_WORDS = new Int32Array(0);

/**
 * Index of the first byte in `buf[i, n)` that is '"', '\' or < 0x20, or `n`.
 * `words` is an Int32Array view of `buf` starting at index `a0` (4-byte aligned)
 * and ending at or before `n`.
 */
export function findSpecial(buf: Uint8Array, words: Int32Array, a0: number, i: number, n: number): number {
  while (i < n && ((i - a0) & 3) !== 0) {
    const c = buf[i]!;
    if (c < 0x20 || c === 0x22 || c === 0x5c) return i;
    i++;
  }
  let w = (i - a0) >> 2;
  const wl = words.length;
  if (w < wl) {
    // SWAR: a lane is < 0x20, == '"' or == '\' iff its bit 7 ends up set below.
    while (w < wl) {
      const x = words[w]!;
      const y = x ^ 0x22222222;
      const z = x ^ 0x5c5c5c5c;
      if ((((x - 0x20202020) & ~x) | ((y - 0x01010101) & ~y) | ((z - 0x01010101) & ~z)) & 0x80808080) break;
      w++;
    }
    i = a0 + (w << 2);
  }
  while (i < n) {
    const c = buf[i]!;
    if (c < 0x20 || c === 0x22 || c === 0x5c) return i;
    i++;
  }
  return n;
}

/** A byte for an error message: the character when printable, else its hex. */
export function printable(c: number): string {
  return c >= 0x21 && c <= 0x7e ? `'${String.fromCharCode(c)}'` : `byte 0x${c.toString(16).toUpperCase().padStart(2, '0')}`;
}
