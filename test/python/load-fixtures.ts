import { readFileSync } from 'node:fs';

/** Reference answers computed by fixtures/python/generate.py (tests never run Python). */
export interface Cases {
  python: string;
  /** [x bits, ndigits, round(x, ndigits) bits | 'overflow'] */
  round: [string, number, string][];
  /** [x bits, digits, format(x, f'.{digits}f')] */
  formatFixed: [string, number, string][];
  /** [x bits, repr(x), json.dumps(x)] */
  repr: [string, string, string][];
  normalizeError: [string, string][];
  lower: [string, string][];
  strip: [string, string][];
  /** [s, end, s[:end]] */
  cpSlice: [string, number, string][];
  /** [JSON text, str(json.loads(text))] */
  pyStr: [string, string][];
}

export interface UnicodeData {
  python: string;
  unicode: string;
  space: [number, number][];
  word: [number, number][];
  decimal: [number, number][];
  printable: [number, number][];
  /** [code point, code points of chr(cp).lower()] for every code point lower() changes */
  lower: [number, number[]][];
}

function load<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`../../fixtures/python/${name}`, import.meta.url), 'utf8')) as T;
}

export const cases = load<Cases>('cases.json');
export const unicodeData = load<UnicodeData>('unicode.json');

const view = new DataView(new ArrayBuffer(8));

/** 16 hex digits (IEEE-754, big-endian) -> the double. */
export function fromBits(hex: string): number {
  view.setBigUint64(0, BigInt(`0x${hex}`));
  return view.getFloat64(0);
}

export function toBits(x: number): string {
  view.setFloat64(0, x);
  return view.getBigUint64(0).toString(16).padStart(16, '0');
}

/** A membership table over every code point from inclusive ranges. */
export function membership(ranges: [number, number][]): Uint8Array {
  const t = new Uint8Array(0x110000);
  for (const [s, e] of ranges) t.fill(1, s, e + 1);
  return t;
}
