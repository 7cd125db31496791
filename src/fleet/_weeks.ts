/**
 * Week buckets for the weekly series (issue 10: hours lost and cost per week of the
 * archive's real span; issue 12: the per-week charts). A week is named by its Monday
 * (UTC, `YYYY-MM-DD`). A session counts, with its losses and its tokens, in the week
 * it started (its first event; its last when only that is logged): one week per
 * session, so a session's findings and its cost never split across two weeks, and a
 * bucket is a plain sum that merges in any order. A session without any timestamp has
 * no week: its losses count in the totals and not in the series (the report says how
 * many such sessions there were: `span.untimed_sessions`).
 *
 * Bounded: a bucket map grows with the distinct weeks of what it counts (per key, the
 * weeks that key was seen in), never with sessions.
 */
import type { AgentSession } from '../agent-session.js';

/** µs (or any amount) per week, keyed by the week's Monday. */
export type WeekMap = Map<string, number>;

const DAY_MS = 86_400_000;

/** The Monday (UTC) of the week holding `us` (µs since the epoch), or undefined for a time Date cannot show. */
export function weekOf(us: number): string | undefined {
  const ms = Math.floor(us / 1000);
  const day = Math.floor(ms / DAY_MS);
  // every detector asks for its session's week: a Date and its ISO text per call were
  // 6% of the fleet profile's CPU on a dense archive (240 of 3,900 ms, 20,000 sessions)
  const known = WEEK_OF_DAY.get(day);
  if (known !== undefined || WEEK_OF_DAY.has(day)) return known;
  if (WEEK_OF_DAY.size >= 4096) WEEK_OF_DAY.clear();
  const week = mondayOf(day);
  WEEK_OF_DAY.set(day, week);
  return week;
}

/** Weeks by day number (days since the epoch), bounded: cleared when full. */
const WEEK_OF_DAY = new Map<number, string | undefined>();

function mondayOf(day: number): string | undefined {
  // 1970-01-01 was a Thursday: day 0 is weekday 3 counted from Monday
  const monday = (day - ((((day + 3) % 7) + 7) % 7)) * DAY_MS;
  const d = new Date(monday);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString().slice(0, 10);
}

/** The week a session counts in (see the header), or undefined without timestamps. */
export function sessionWeek(s: AgentSession): string | undefined {
  const t = s.firstUs ?? s.lastUs;
  return t === undefined ? undefined : weekOf(t);
}

/** Add `amount` to `week`'s bucket (mutates `m`); nothing without a week or for 0. */
export function addToWeek(m: WeekMap, week: string | undefined, amount: number): void {
  if (week === undefined || amount === 0) return;
  m.set(week, (m.get(week) ?? 0) + amount);
}

/** The sum of two week maps (inputs not mutated). */
export function sumWeeks(a: ReadonlyMap<string, number>, b: ReadonlyMap<string, number>): WeekMap {
  const out = new Map(a);
  for (const [w, v] of b) out.set(w, (out.get(w) ?? 0) + v);
  return out;
}

/** `b` added into `a` (mutates and returns `a`); equal to `sumWeeks(a, b)`. */
export function addWeeksInto(a: WeekMap, b: ReadonlyMap<string, number>): WeekMap {
  for (const [w, v] of b) a.set(w, (a.get(w) ?? 0) + v);
  return a;
}

/** Every week from the one holding `fromUs` to the one holding `toUs`, in order. */
export function weeksBetween(fromUs: number, toUs: number): string[] {
  const first = weekOf(fromUs);
  const last = weekOf(toUs);
  if (first === undefined || last === undefined) return [];
  const out: string[] = [];
  for (let t = Date.parse(`${first}T00:00:00Z`); ; t += 7 * DAY_MS) {
    const w = new Date(t).toISOString().slice(0, 10);
    out.push(w);
    if (w >= last) break;
  }
  return out;
}
