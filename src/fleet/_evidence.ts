/**
 * Bounded, mergeable pieces every fleet detector keeps per key: the first ten
 * evidence lines by ordinal (input order), and a sample of session ids (the
 * smallest ids, sorted) next to an exact count. Both merge associatively and
 * commutatively: a sorted-by-order list cut at N is the same whatever the split.
 */
import { compareOrdinal, minOrdinal, type Ordinal } from '../ordinal.js';
import type { AgentSession } from '../agent-session.js';
import type { Evidence } from './finding.js';
import { mergeKeyedInto } from '../profiles/keyed-merge.js';
import { addToWeek, addWeeksInto, sumWeeks, type WeekMap } from './_weeks.js';

export const MAX_EVIDENCE = 10;
/** Session ids listed per finding; `session_count` holds the total. */
export const SESSION_SAMPLE = 20;

export interface EvidenceRef extends Evidence {
  at: Ordinal;
}

export function evidenceRef(s: AgentSession, line: number, at: Ordinal): EvidenceRef {
  return { at, session_id: s.sessionId, file: s.file, line };
}

/** Insert keeping ordinal order and the bound (mutates `list`). */
export function pushEvidence(list: EvidenceRef[], ref: EvidenceRef): void {
  if (list.length >= MAX_EVIDENCE && compareOrdinal(list[list.length - 1]!.at, ref.at) <= 0) return;
  let i = list.length;
  while (i > 0 && compareOrdinal(list[i - 1]!.at, ref.at) > 0) i--;
  list.splice(i, 0, ref);
  if (list.length > MAX_EVIDENCE) list.length = MAX_EVIDENCE;
}

export function mergeEvidence(a: readonly EvidenceRef[], b: readonly EvidenceRef[]): EvidenceRef[] {
  return a
    .concat(b)
    .sort((x, y) => compareOrdinal(x.at, y.at))
    .slice(0, MAX_EVIDENCE);
}

export function mapEvidence(list: readonly EvidenceRef[], f: (o: Ordinal) => Ordinal): EvidenceRef[] {
  return list.map((e) => ({ ...e, at: f(e.at) }));
}

export function publicEvidence(list: readonly EvidenceRef[]): Evidence[] {
  return list.map((e) => ({ session_id: e.session_id, file: e.file, line: e.line }));
}

/** Session ids: exact count of session records, smallest SESSION_SAMPLE distinct ids. */
export interface SessionSample {
  count: number;
  ids: string[];
}

export function emptySample(): SessionSample {
  return { count: 0, ids: [] };
}

function byString(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Count one session record (call once per record and key). Mutates `s`. */
export function sampleSession(s: SessionSample, id: string): void {
  s.count++;
  const ids = s.ids;
  if (ids.includes(id)) return;
  if (ids.length >= SESSION_SAMPLE && byString(ids[ids.length - 1]!, id) <= 0) return;
  ids.push(id);
  ids.sort(byString);
  if (ids.length > SESSION_SAMPLE) ids.length = SESSION_SAMPLE;
}

export function mergeSample(a: SessionSample, b: SessionSample): SessionSample {
  const ids = [...new Set(a.ids.concat(b.ids))].sort(byString).slice(0, SESSION_SAMPLE);
  return { count: a.count + b.count, ids };
}

/** `b` merged into `a` (mutates and returns `a`); equal to `mergeSample(a, b)`. */
export function mergeSampleInto(a: SessionSample, b: SessionSample): SessionSample {
  a.count += b.count;
  if (b.ids.length > 0) a.ids = a.ids.length === 0 ? b.ids : mergeSample(a, b).ids;
  return a;
}

export function copySample(s: SessionSample): SessionSample {
  return { count: s.count, ids: s.ids.slice() };
}

/** The common per-key tally: first ordinal, occurrences, sessions, evidence, time lost (µs),
 * and that time by week (_weeks.ts: the weekly series; sums to `lostUs` over timed sessions). */
export interface Tally {
  first: Ordinal;
  occurrences: number;
  sessions: SessionSample;
  evidence: EvidenceRef[];
  lostUs: number;
  lostWeeks: WeekMap;
}

export function newTally(at: Ordinal): Tally {
  return { first: at, occurrences: 0, sessions: emptySample(), evidence: [], lostUs: 0, lostWeeks: new Map() };
}

/** Count `us` of lost time, in `week` (the session's; undefined without timestamps). Mutates `t`. */
export function addLoss(t: Pick<Tally, 'lostUs' | 'lostWeeks'>, us: number, week: string | undefined): void {
  t.lostUs += us;
  addToWeek(t.lostWeeks, week, us);
}

export function mergeTally(a: Tally, b: Tally): Tally {
  return {
    first: minOrdinal(a.first, b.first),
    occurrences: a.occurrences + b.occurrences,
    sessions: mergeSample(a.sessions, b.sessions),
    evidence: mergeEvidence(a.evidence, b.evidence),
    lostUs: a.lostUs + b.lostUs,
    lostWeeks: sumWeeks(a.lostWeeks, b.lostWeeks),
  };
}

/**
 * `b` merged into `a` (mutates and returns `a`, may keep parts of `b`): equal to
 * `mergeTally(a, b)`, for a caller that owns both and uses `b` no more (`Detector.mergeInto`).
 */
export function mergeTallyInto<T extends Tally>(a: T, b: Tally): T {
  a.first = minOrdinal(a.first, b.first);
  a.occurrences += b.occurrences;
  mergeSampleInto(a.sessions, b.sessions);
  if (b.evidence.length > 0) a.evidence = mergeEvidence(a.evidence, b.evidence);
  a.lostUs += b.lostUs;
  addWeeksInto(a.lostWeeks, b.lostWeeks);
  return a;
}

export function copyTally(t: Tally): Tally {
  return {
    first: t.first,
    occurrences: t.occurrences,
    sessions: copySample(t.sessions),
    evidence: t.evidence.slice(),
    lostUs: t.lostUs,
    lostWeeks: new Map(t.lostWeeks),
  };
}

export function mapTally(t: Tally, f: (o: Ordinal) => Ordinal): Tally {
  return {
    first: f(t.first),
    occurrences: t.occurrences,
    sessions: copySample(t.sessions),
    evidence: mapEvidence(t.evidence, f),
    lostUs: t.lostUs,
    lostWeeks: new Map(t.lostWeeks),
  };
}

/** Merge two Maps of values with `m` for keys on both sides; inputs are not mutated. */
export function mergeMaps<V>(a: ReadonlyMap<string, V>, b: ReadonlyMap<string, V>, m: (x: V, y: V) => V, copy: (x: V) => V): Map<string, V> {
  const out = new Map<string, V>();
  for (const [k, v] of a) out.set(k, copy(v));
  for (const [k, v] of b) {
    const o = out.get(k);
    out.set(k, o === undefined ? copy(v) : m(o, v));
  }
  return out;
}

/**
 * `mergeMaps` in place, for a caller that owns both Maps and uses `from` no more: the
 * smaller into the larger (`profiles/keyed-merge.ts`), entries of one side kept as they
 * are. `bothInto(o, e)` folds `e` into `o` and must not depend on which side was larger.
 */
export function mergeMapsInto<V>(into: Map<string, V>, from: Map<string, V>, bothInto: (o: V, e: V) => V): Map<string, V> {
  return mergeKeyedInto(into, from, bothInto);
}

export function mapValues<V>(a: ReadonlyMap<string, V>, f: (x: V) => V): Map<string, V> {
  const out = new Map<string, V>();
  for (const [k, v] of a) out.set(k, f(v));
  return out;
}

/** Integer microseconds from milliseconds, so sums are exact and order-free. */
export function msToUs(ms: number): number {
  return Math.round(ms * 1000);
}
