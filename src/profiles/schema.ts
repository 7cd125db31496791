/**
 * The small schema kit detectors use in `validate`: each check returns the value
 * typed or throws `StateFieldError` with the field's path and what is wrong
 * ("is missing", "is a string, expected an integer >= 0", "is Infinity, expected
 * a finite number"). The state file turns it into exit 3:
 * `Invalid state file: <path>: <what>, in FILE`.
 *
 * Hand-written rather than a schema library: the checks that matter most are
 * consistency between fields (ranks against maps, histogram against count),
 * which are code in any library, and the rest is a dozen lines.
 */
import type { Ordinal } from '../ordinal.js';

export class StateFieldError extends Error {
  override readonly name = 'StateFieldError';
  constructor(
    readonly path: string,
    readonly what: string,
  ) {
    super(`${path}: ${what}`);
  }
}

export function fail(path: string, what: string): never {
  throw new StateFieldError(path, what);
}

/** How a value reads in a message: its type, or the number itself. */
export function describeValue(v: unknown): string {
  if (v === undefined) return 'missing';
  if (v === null) return 'null';
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return 'a string';
  if (typeof v === 'boolean') return `${v}`;
  if (Array.isArray(v)) return 'a list';
  if (v instanceof Map) return 'a map';
  if (v instanceof Set) return 'a set';
  return 'an object';
}

function wrong(path: string, v: unknown, expected: string): never {
  if (v === undefined) fail(path, 'is missing');
  return fail(path, `is ${describeValue(v)}, expected ${expected}`);
}

/** `path["key"]`, the key shortened so that a message stays one readable line. */
export function keyPath(path: string, key: unknown): string {
  let k = typeof key === 'string' ? key : String(key);
  if (k.length > 60) k = k.slice(0, 57) + '...';
  return `${path}[${JSON.stringify(k)}]`;
}

const hasOwn = Object.prototype.hasOwnProperty;

/**
 * A plain object with exactly `fields` (own properties): a missing field and an
 * unknown one are both errors. Returns it as a record to read the fields from.
 */
export function object<K extends string>(v: unknown, path: string, fields: readonly K[]): Record<K, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v) || v instanceof Map || v instanceof Set) wrong(path, v, 'an object');
  const o = v as Record<string, unknown>;
  for (const f of fields) if (!hasOwn.call(o, f)) fail(`${path}.${f}`, 'is missing');
  for (const k of Object.keys(o)) if (!(fields as readonly string[]).includes(k)) fail(keyPath(path, k), 'is not a field of this state');
  return o as Record<K, unknown>;
}

export function string(v: unknown, path: string): string {
  return typeof v === 'string' ? v : wrong(path, v, 'a string');
}

/** An integer from `min` to 2^53-1 (a count that merging can still add exactly). */
export function integer(v: unknown, path: string, min = 0): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) wrong(path, v, `an integer >= ${min}`);
  return v as number;
}

export function finite(v: unknown, path: string): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : wrong(path, v, 'a finite number');
}

export function list(v: unknown, path: string, max = Infinity): unknown[] {
  if (!Array.isArray(v)) wrong(path, v, 'a list');
  const a = v as unknown[];
  if (a.length > max) fail(path, `has ${a.length} items, expected at most ${max}`);
  return a;
}

export function map(v: unknown, path: string): Map<unknown, unknown> {
  return v instanceof Map ? v : wrong(path, v, 'a map ({"$map": [...]})');
}

/** A Set of strings. */
export function stringSet(v: unknown, path: string): Set<string> {
  if (!(v instanceof Set)) wrong(path, v, 'a set ({"$set": [...]})');
  for (const x of v as Set<unknown>) if (typeof x !== 'string') fail(path, `holds ${describeValue(x)}, expected strings`);
  return v as Set<string>;
}

/** An ordinal: a non-empty list of integers >= 0 (a rank `[n]` in a state file). */
export function ordinal(v: unknown, path: string): Ordinal {
  const a = list(v, path);
  if (a.length === 0) fail(path, 'is an empty list, expected an ordinal such as [3]');
  for (let i = 0; i < a.length; i++) integer(a[i], `${path}[${i}]`);
  return a as number[];
}
