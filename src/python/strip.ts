import { isPySpace } from './_unicode.js';

/**
 * Python `str.strip()` with no argument: removes what `str.isspace()` calls
 * whitespace (including \x1c-\x1f, \x85, \xa0, U+1680, U+2000-U+200A, U+2028,
 * U+2029, U+202F, U+205F, U+3000; not U+FEFF nor U+200B). Every such character
 * is in the BMP, so testing UTF-16 code units is exact.
 */
export function pyStrip(s: string): string {
  let i = 0;
  let j = s.length;
  while (i < j && isPySpace(s.charCodeAt(i))) i++;
  while (j > i && isPySpace(s.charCodeAt(j - 1))) j--;
  return i === 0 && j === s.length ? s : s.slice(i, j);
}
