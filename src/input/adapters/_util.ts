/** Small pure helpers shared by the agent-log adapters. */
import { basename } from 'node:path';
import { inputError, type AnalyzerError, type ErrorContext } from '../../errors.js';
import type { Session } from '../../session.js';
import { pyTypeName } from '../to-session.js';

export type Obj = Record<string, unknown>;

export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** "a list", "null", "an object"...: the same words as the session validator's messages. */
export const typeName = pyTypeName;

/** `Invalid <Format> log: <detail>, at ... in <file>` */
export function invalid(format: string, detail: string, ctx: ErrorContext): AnalyzerError {
  return inputError(`Invalid ${format} log: ${detail}`, ctx);
}

/**
 * Check an optional field: `undefined` when absent (or JSON null when `nullable`),
 * the value when it has one of the expected types, otherwise an input error.
 */
export function optField<T extends 'string' | 'number' | 'boolean' | 'object' | 'array'>(
  format: string,
  obj: Obj,
  key: string,
  kind: T,
  where: string,
  ctx: ErrorContext,
  nullable = true,
): (T extends 'string' ? string : T extends 'number' ? number : T extends 'boolean' ? boolean : T extends 'object' ? Obj : unknown[]) | undefined {
  const v = obj[key];
  if (v === undefined || (nullable && v === null)) return undefined;
  const ok = kind === 'array' ? Array.isArray(v) : kind === 'object' ? isObj(v) : typeof v === kind && !(kind === 'number' && !Number.isFinite(v));
  if (!ok) {
    const expected = kind === 'array' ? 'a list' : kind === 'object' ? 'an object' : `a ${kind}`;
    throw invalid(format, `${where}"${key}" is ${typeName(v)}, expected ${expected}`, ctx);
  }
  return v as never;
}

const TS_RE = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d+))?(?:([Zz])|([+-])(\d{2}):?(\d{2}))?$/;

/**
 * ISO 8601 date-time to integer microseconds since the epoch (exact as a double
 * until year 2255). No zone means UTC (OpenHands writes naive UTC times).
 * Digits past microseconds are truncated. `undefined` when not a date-time.
 */
export function parseTimestampUs(s: string): number | undefined {
  const m = TS_RE.exec(s);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, sec, frac, , sign, oh, om] = m;
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(sec);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return undefined;
  let ms = Date.UTC(Number(y), month - 1, day, hour, minute, second);
  if (sign !== undefined) {
    const off = (Number(oh) * 60 + Number(om)) * 60_000;
    ms += sign === '+' ? -off : off;
  }
  const micros = frac === undefined ? 0 : Number((frac + '000000').slice(0, 6));
  return ms * 1000 + micros;
}

/**
 * The optional `timestamp` field of a record, in microseconds; an input error
 * when it is not a string or not an ISO 8601 date-time.
 */
export function timestampField(format: string, obj: Obj, where: string, ctx: ErrorContext): number | undefined {
  const ts = optField(format, obj, 'timestamp', 'string', where, ctx);
  if (ts === undefined) return undefined;
  const us = parseTimestampUs(ts);
  if (us === undefined) throw invalid(format, `${where}"timestamp" ${JSON.stringify(ts)} is not an ISO 8601 date-time`, ctx);
  return us;
}

/** Earliest and latest instant of a session, in microseconds. */
export class TimeSpan {
  min = Infinity;
  max = -Infinity;
  add(us: number): void {
    if (us < this.min) this.min = us;
    if (us > this.max) this.max = us;
  }
  /** (last − first) in minutes; 0 when fewer than one timestamp. */
  minutes(): number {
    return this.max >= this.min ? (this.max - this.min) / 60_000_000 : 0;
  }
}

/** Milliseconds between two microsecond instants, never negative; 0 when one is unknown. */
export function latencyMs(fromUs: number | undefined, toUs: number | undefined): number {
  if (fromUs === undefined || toUs === undefined || toUs <= fromUs) return 0;
  return (toUs - fromUs) / 1000;
}

/** Seconds (a float as logged) to milliseconds, rounded to the microsecond so 1.1 s is 1100, not 1100.0000000000002. */
export function secondsToMs(s: number): number {
  if (!(s > 0)) return 0;
  return Math.round(s * 1_000_000) / 1000;
}

/**
 * Last segment of a path or URL: "/home/u/proj/" -> "proj", "C:\\src\\proj" -> "proj",
 * "git@github.com:o/r.git" -> "r", "https://h/o/r.git" -> "r". `undefined` when empty.
 */
export function lastSegment(s: string, stripGit = false): string | undefined {
  const parts = s.split(/[/\\:]+/).filter((p) => p !== '');
  let last = parts[parts.length - 1];
  if (last === undefined) return undefined;
  if (stripGit && last.endsWith('.git')) last = last.slice(0, -4);
  return last === '' ? undefined : last;
}

/** File name without its last extension: "a/b/rollout-1.jsonl" -> "rollout-1". */
export function fileStem(file: string): string {
  const base = basename(file);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(0, dot) : base;
}

/** Session builder fields every adapter fills the same way. */
export function makeSession(
  sessionId: string,
  repo: string | undefined,
  errors: string[],
  toolCalls: Session['tool_calls'],
  durationMinutes: number,
): Session {
  return {
    session_id: sessionId,
    repo: repo ?? 'global',
    errors: errors.filter((e) => e !== ''),
    tool_calls: toolCalls,
    duration_minutes: durationMinutes,
  };
}

/** Text of an Anthropic/OpenAI style content value: a string, or a list of `{type: "text", text}` blocks joined by newlines. */
export function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  const texts: string[] = [];
  for (const block of content) {
    if (typeof block === 'string') texts.push(block);
    else if (isObj(block) && typeof block.text === 'string') texts.push(block.text);
  }
  return texts.join('\n');
}
