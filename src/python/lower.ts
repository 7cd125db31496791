import { isPyCased, isPyCaseIgnorable, lowerMap } from './_unicode.js';

const NON_ASCII = /[^\x00-\x7f]/;

const CAPITAL_SIGMA = 0x3a3;

function codePointBefore(s: string, j: number): number {
  const c = s.charCodeAt(j - 1);
  if (c >= 0xdc00 && c <= 0xdfff && j >= 2) {
    const h = s.charCodeAt(j - 2);
    if (h >= 0xd800 && h <= 0xdbff) return (h - 0xd800) * 0x400 + (c - 0xdc00) + 0x10000;
  }
  return c;
}

/**
 * Python's Final_Sigma test for the capital sigma at code unit `i`
 * (unicodeobject.c handle_capital_sigma): a cased letter before it, skipping
 * case-ignorable ones, and no cased letter after it, skipping the same.
 * It looks at the original string, not the lowered output.
 */
function isFinalSigma(s: string, i: number): boolean {
  let j = i;
  let cp = -1;
  while (j > 0) {
    cp = codePointBefore(s, j);
    if (!isPyCaseIgnorable(cp)) break;
    j -= cp > 0xffff ? 2 : 1;
    cp = -1;
  }
  if (cp < 0 || !isPyCased(cp)) return false;
  for (let k = i + 1; k < s.length; ) {
    const c = s.codePointAt(k)!;
    if (!isPyCaseIgnorable(c)) return !isPyCased(c);
    k += c > 0xffff ? 2 : 1;
  }
  return true;
}

/**
 * Python 3.11 `str.lower()`: full lowercase mapping of Unicode 14 (U+0130 'İ'
 * becomes 'i̇', two code points) with the Final_Sigma rule for U+03A3 ('ΑΣ'
 * becomes 'ας'). Characters Python does not know are left alone.
 */
export function pyLower(s: string): string {
  if (!NON_ASCII.test(s)) return s.toLowerCase();
  const map = lowerMap();
  let out = '';
  let copied = 0; // s[copied, i) is still to be copied unchanged
  for (let i = 0; i < s.length; ) {
    const cp = s.codePointAt(i)!;
    const width = cp > 0xffff ? 2 : 1;
    let low: number | string | undefined;
    if (cp < 0x80) low = cp >= 0x41 && cp <= 0x5a ? cp + 32 : undefined;
    else if (cp === CAPITAL_SIGMA) low = isFinalSigma(s, i) ? 0x3c2 : 0x3c3;
    else low = map.get(cp);
    if (low !== undefined) {
      out += s.slice(copied, i) + (typeof low === 'number' ? String.fromCodePoint(low) : low);
      copied = i + width;
    }
    i += width;
  }
  return copied === 0 ? s : out + s.slice(copied);
}
