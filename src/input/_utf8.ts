/**
 * Scalar UTF-8 helpers for the fast decoder. The bulk check is `buffer.isUtf8`
 * (SIMD); these run only to locate and explain the first invalid sequence, and
 * on the at most 3 bytes of a sequence cut by a chunk boundary.
 *
 * Valid means exactly what the WHATWG decoder (`TextDecoder` with `fatal`) and
 * `buffer.isUtf8` accept: shortest forms only, no encoded UTF-16 surrogates
 * (ED A0..BF), nothing above U+10FFFF.
 */

/** Length of the sequence a lead byte starts: 1 for ASCII, 2-4, or 0 if `b` cannot start one. */
export function utf8SequenceLength(b: number): number {
  if (b < 0x80) return 1;
  if (b < 0xc2) return 0; // continuation byte, or C0/C1 (always overlong)
  if (b < 0xe0) return 2;
  if (b < 0xf0) return 3;
  if (b < 0xf5) return 4;
  return 0;
}

function secondLow(lead: number): number {
  return lead === 0xe0 ? 0xa0 : lead === 0xf0 ? 0x90 : 0x80;
}

function secondHigh(lead: number): number {
  return lead === 0xed ? 0x9f : lead === 0xf4 ? 0x8f : 0xbf;
}

/**
 * Index of the first byte of the first invalid sequence in `b[start, end)`, or -1
 * if the range is valid. A sequence cut short by `end` counts as invalid.
 */
export function findInvalidUtf8(b: ArrayLike<number>, start: number, end: number): number {
  let i = start;
  while (i < end) {
    const c = b[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    const len = utf8SequenceLength(c);
    if (len === 0 || i + len > end) return i;
    const c1 = b[i + 1]!;
    if (c1 < secondLow(c) || c1 > secondHigh(c)) return i;
    for (let k = 2; k < len; k++) if ((b[i + k]! & 0xc0) !== 0x80) return i;
    i += len;
  }
  return -1;
}

const hex = (b: number): string => `0x${b.toString(16).toUpperCase().padStart(2, '0')}`;

/** Why the sequence starting at `b[i]` (with bytes known up to `end`) is invalid. */
export function describeInvalidUtf8(b: ArrayLike<number>, i: number, end: number): string {
  const c = b[i]!;
  if (c >= 0x80 && c < 0xc0) return `unexpected continuation byte ${hex(c)}`;
  if (c === 0xc0 || c === 0xc1) return `overlong encoding (byte ${hex(c)})`;
  if (c >= 0xf5) return `byte ${hex(c)} never appears in UTF-8`;
  const len = utf8SequenceLength(c);
  for (let k = 1; k < len; k++) {
    if (i + k >= end) return `truncated multi-byte sequence starting with ${hex(c)}`;
    const ck = b[i + k]!;
    if (k === 1 && (ck < secondLow(c) || ck > secondHigh(c)) && (ck & 0xc0) === 0x80) {
      if (c === 0xed) return 'encoded UTF-16 surrogate (ED A0..BF)';
      if (c === 0xf4) return 'code point above U+10FFFF';
      return `overlong encoding (${hex(c)} ${hex(ck)})`;
    }
    if ((ck & 0xc0) !== 0x80) return `invalid continuation byte ${hex(ck)} after ${hex(c)}`;
  }
  return `invalid sequence starting with ${hex(c)}`;
}
