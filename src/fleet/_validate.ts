/**
 * Checks for detector states read back from a state file (`validate`). Each check
 * names the field path, so a damaged file says where: "Invalid state:
 * fleet.tool_time.keys["git commit"].calls is a string, expected a count".
 */
import type { Ordinal } from '../ordinal.js';
import { AnalyzerError } from '../errors.js';
import { MAX_EVIDENCE, SESSION_SAMPLE, type EvidenceRef, type SessionSample, type Tally } from './_evidence.js';

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (Array.isArray(v)) return 'a list';
  if (v instanceof Map) return 'a map';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

export function fail(path: string, v: unknown, expected: string): never {
  throw new AnalyzerError('FP_INPUT', `Invalid state: ${path} is ${describe(v)}, expected ${expected}`);
}

export function obj(v: unknown, path: string): Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v) || v instanceof Map) fail(path, v, 'an object');
  return v as Record<string, unknown>;
}

export function field(o: Record<string, unknown>, key: string, _path: string): unknown {
  return Object.hasOwn(o, key) ? o[key] : undefined;
}

export function count(v: unknown, path: string): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) fail(path, v, 'a count');
  return v;
}

export function int(v: unknown, path: string): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) fail(path, v, 'an integer');
  return v;
}

export function str(v: unknown, path: string): string {
  if (typeof v !== 'string') fail(path, v, 'a string');
  return v;
}

export function optInt(v: unknown, path: string): number | undefined {
  return v === undefined ? undefined : int(v, path);
}

export function list<T>(v: unknown, path: string, item: (x: unknown, p: string) => T, max = Infinity): T[] {
  if (!Array.isArray(v)) fail(path, v, 'a list');
  if (v.length > max) fail(path, v, `a list of at most ${max}`);
  return v.map((x, i) => item(x, `${path}[${i}]`));
}

export function map<V>(v: unknown, path: string, value: (x: unknown, p: string) => V): Map<string, V> {
  if (!(v instanceof Map)) fail(path, v, 'a map');
  const out = new Map<string, V>();
  for (const [k, x] of v) out.set(str(k, `${path} key`), value(x, `${path}[${JSON.stringify(k)}]`));
  return out;
}

export function ordinal(v: unknown, path: string): Ordinal {
  return list(v, path, (x, p) => int(x, p));
}

export function evidence(v: unknown, path: string): EvidenceRef[] {
  return list(
    v,
    path,
    (x, p) => {
      const o = obj(x, p);
      return {
        at: ordinal(o['at'], `${p}.at`),
        session_id: str(o['session_id'], `${p}.session_id`),
        file: str(o['file'], `${p}.file`),
        line: count(o['line'], `${p}.line`),
      };
    },
    MAX_EVIDENCE,
  );
}

export function sample(v: unknown, path: string): SessionSample {
  const o = obj(v, path);
  return { count: count(o['count'], `${path}.count`), ids: list(o['ids'], `${path}.ids`, str, SESSION_SAMPLE) };
}

export function tally(v: unknown, path: string): Tally {
  const o = obj(v, path);
  return {
    first: ordinal(o['first'], `${path}.first`),
    occurrences: count(o['occurrences'], `${path}.occurrences`),
    sessions: sample(o['sessions'], `${path}.sessions`),
    evidence: evidence(o['evidence'], `${path}.evidence`),
    lostUs: count(o['lostUs'], `${path}.lostUs`),
    lostWeeks: weeks(o['lostWeeks'], `${path}.lostWeeks`),
  };
}

/** A week map (_weeks.ts): Monday dates to counts. */
export function weeks(v: unknown, path: string): Map<string, number> {
  const m = map(v, path, count);
  for (const k of m.keys()) if (!/^\d{4}-\d{2}-\d{2}$/.test(k)) fail(`${path} key`, k, 'a week (YYYY-MM-DD)');
  return m;
}
