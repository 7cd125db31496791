/**
 * OTLP/JSON's values as the OpenTelemetry adapter (otlp.ts) reads them: an `AnyValue` as a
 * scalar, a span's or resource's attribute list as a map (the first of a repeated key wins),
 * `*TimeUnixNano` as nanoseconds (0 is "not set"), the repo among a resource's attributes, and
 * an error status. A shape OTLP does not allow is an input error, located by `where` and `ctx`.
 */
import type { ErrorContext } from '../../errors.js';
import { invalid, isObj, lastSegment, typeName } from './_util.js';

const FORMAT = 'OpenTelemetry';

export type Scalar = string | number | boolean;

function anyValue(v: unknown): Scalar | undefined {
  if (!isObj(v)) return undefined;
  if (typeof v.stringValue === 'string') return v.stringValue;
  if (typeof v.boolValue === 'boolean') return v.boolValue;
  if (typeof v.intValue === 'string' || typeof v.intValue === 'number') return String(v.intValue);
  if (typeof v.doubleValue === 'number') return v.doubleValue;
  return undefined;
}

export function attributes(list: unknown, where: string, ctx: ErrorContext): Map<string, Scalar> {
  const out = new Map<string, Scalar>();
  if (list === undefined || list === null) return out;
  if (!Array.isArray(list)) throw invalid(FORMAT, `${where}"attributes" is ${typeName(list)}, expected a list`, ctx);
  for (const kv of list) {
    if (!isObj(kv) || typeof kv.key !== 'string')
      throw invalid(FORMAT, `${where}an attribute is ${isObj(kv) ? 'missing its string "key"' : typeName(kv)}, expected {key, value}`, ctx);
    const value = anyValue(kv.value);
    if (value !== undefined && !out.has(kv.key)) out.set(kv.key, value);
  }
  return out;
}

export function str(attrs: Map<string, Scalar>, key: string): string | undefined {
  const v = attrs.get(key);
  if (v === undefined) return undefined;
  const s = String(v);
  return s === '' ? undefined : s;
}

export function nanos(v: unknown, key: string, where: string, ctx: ErrorContext): bigint | undefined {
  if (v === undefined || v === null) return undefined;
  let n: bigint;
  if (typeof v === 'string' && /^\d+$/.test(v)) n = BigInt(v);
  else if (typeof v === 'number' && Number.isFinite(v) && v >= 0) n = BigInt(Math.round(v));
  else
    throw invalid(
      FORMAT,
      `${where}"${key}" is ${typeof v === 'string' ? JSON.stringify(v) : typeName(v)}, expected nanoseconds as a string of digits`,
      ctx,
    );
  return n === 0n ? undefined : n; // 0 means "not set" in OTLP
}

export function repoCandidate(res: Map<string, Scalar>): { rank: number; value: string } | undefined {
  const name = str(res, 'vcs.repository.name');
  if (name !== undefined) return { rank: 0, value: name };
  const url = str(res, 'vcs.repository.url.full');
  const seg = url === undefined ? undefined : lastSegment(url, true);
  if (seg !== undefined) return { rank: 1, value: seg };
  const service = str(res, 'service.name');
  return service === undefined ? undefined : { rank: 2, value: service };
}

export function isErrorStatus(code: unknown): boolean {
  return code === 2 || code === 'STATUS_CODE_ERROR' || code === '2';
}
