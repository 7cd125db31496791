/**
 * One row of tool_time (tool-time.ts): a tool's or a command family's counts, time
 * sketches, waits, weekly sums, sessions and evidence, and what a row is made of apart
 * from `add`: a fresh row, copy, the two merges, the packed columns, the state file's check.
 */
import type { WaitKind } from '../../agent-session.js';
import { minOrdinal, type Ordinal } from '../../ordinal.js';
import type { PackReader, PackWriter } from '../../profiles/packed.js';
import { copySample, emptySample, type EvidenceRef, mergeEvidence, mergeSample, mergeSampleInto, type SessionSample } from '../_evidence.js';
import { packEvidence, packSample, packSketch, packWeeks, unpackEvidence, unpackSample, unpackSketch, unpackWeeks } from '../_packed.js';
import { emptySketch, type Sketch, sketchCopy, sketchMerge, sketchMergeInto, validateSketch } from '../_sketch.js';
import { count, evidence, obj, ordinal, sample, weeks } from '../_validate.js';
import { addWeeksInto, sumWeeks, type WeekMap } from '../_weeks.js';

export const WAIT_KINDS: readonly WaitKind[] = ['approval', 'question', 'background', 'subagent', 'hook'];

export interface TimeRow {
  first: Ordinal;
  calls: number;
  failed: number;
  rejected: number;
  /** calls cancelled because a parallel sibling failed (not failed themselves) */
  cancelled: number;
  /** calls that had a command family (a tool row of a shell tool) */
  shell: number;
  measured: Sketch;
  measuredUs: number;
  gap: Sketch;
  gapUs: number;
  /** waiting µs by WaitKind */
  waitUs: Record<WaitKind, number>;
  /** measuredUs and waitUs.hook by week (_weeks.ts), for the weekly series */
  measuredWeeks: WeekMap;
  hookWeeks: WeekMap;
  sessions: SessionSample;
  /** the first calls (input order) that show each finding: measured at least
   * SLOW_P90_MS, and waited on a hook */
  slowEvidence: EvidenceRef[];
  hookEvidence: EvidenceRef[];
}

export function newRow(at: Ordinal): TimeRow {
  return {
    first: at,
    calls: 0,
    failed: 0,
    rejected: 0,
    cancelled: 0,
    shell: 0,
    measured: emptySketch(),
    measuredUs: 0,
    gap: emptySketch(),
    gapUs: 0,
    waitUs: { approval: 0, question: 0, background: 0, subagent: 0, hook: 0 },
    measuredWeeks: new Map(),
    hookWeeks: new Map(),
    sessions: emptySample(),
    slowEvidence: [],
    hookEvidence: [],
  };
}

export function copyRow(r: TimeRow): TimeRow {
  return {
    ...r,
    measured: sketchCopy(r.measured),
    gap: sketchCopy(r.gap),
    waitUs: { ...r.waitUs },
    measuredWeeks: new Map(r.measuredWeeks),
    hookWeeks: new Map(r.hookWeeks),
    sessions: copySample(r.sessions),
    slowEvidence: r.slowEvidence.slice(),
    hookEvidence: r.hookEvidence.slice(),
  };
}

export function mergeRow(a: TimeRow, b: TimeRow): TimeRow {
  const waitUs = { ...a.waitUs };
  for (const k of WAIT_KINDS) waitUs[k] += b.waitUs[k];
  return {
    first: minOrdinal(a.first, b.first),
    calls: a.calls + b.calls,
    failed: a.failed + b.failed,
    rejected: a.rejected + b.rejected,
    cancelled: a.cancelled + b.cancelled,
    shell: a.shell + b.shell,
    measured: sketchMerge(a.measured, b.measured),
    measuredUs: a.measuredUs + b.measuredUs,
    gap: sketchMerge(a.gap, b.gap),
    gapUs: a.gapUs + b.gapUs,
    waitUs,
    measuredWeeks: sumWeeks(a.measuredWeeks, b.measuredWeeks),
    hookWeeks: sumWeeks(a.hookWeeks, b.hookWeeks),
    sessions: mergeSample(a.sessions, b.sessions),
    slowEvidence: mergeEvidence(a.slowEvidence, b.slowEvidence),
    hookEvidence: mergeEvidence(a.hookEvidence, b.hookEvidence),
  };
}

/** `b` folded into `a` (mutates and returns `a`); equal to `mergeRow(a, b)`. */
export function mergeRowInto(a: TimeRow, b: TimeRow): TimeRow {
  a.first = minOrdinal(a.first, b.first);
  a.calls += b.calls;
  a.failed += b.failed;
  a.rejected += b.rejected;
  a.cancelled += b.cancelled;
  a.shell += b.shell;
  sketchMergeInto(a.measured, b.measured);
  a.measuredUs += b.measuredUs;
  sketchMergeInto(a.gap, b.gap);
  a.gapUs += b.gapUs;
  for (const k of WAIT_KINDS) a.waitUs[k] += b.waitUs[k];
  addWeeksInto(a.measuredWeeks, b.measuredWeeks);
  addWeeksInto(a.hookWeeks, b.hookWeeks);
  mergeSampleInto(a.sessions, b.sessions);
  if (b.slowEvidence.length > 0) a.slowEvidence = mergeEvidence(a.slowEvidence, b.slowEvidence);
  if (b.hookEvidence.length > 0) a.hookEvidence = mergeEvidence(a.hookEvidence, b.hookEvidence);
  return a;
}

/** A row's fields in `newRow`'s order (waitUs in WAIT_KINDS order). */
export function packRow(w: PackWriter, r: TimeRow): void {
  w.ordinal(r.first);
  for (const n of [r.calls, r.failed, r.rejected, r.cancelled, r.shell]) w.num(n);
  packSketch(w, r.measured);
  w.num(r.measuredUs);
  packSketch(w, r.gap);
  w.num(r.gapUs);
  for (const k of WAIT_KINDS) w.num(r.waitUs[k]);
  packWeeks(w, r.measuredWeeks);
  packWeeks(w, r.hookWeeks);
  packSample(w, r.sessions);
  packEvidence(w, r.slowEvidence);
  packEvidence(w, r.hookEvidence);
}

export function unpackRow(r: PackReader): TimeRow {
  return {
    first: r.ordinal(),
    calls: r.num(),
    failed: r.num(),
    rejected: r.num(),
    cancelled: r.num(),
    shell: r.num(),
    measured: unpackSketch(r),
    measuredUs: r.num(),
    gap: unpackSketch(r),
    gapUs: r.num(),
    waitUs: { approval: r.num(), question: r.num(), background: r.num(), subagent: r.num(), hook: r.num() },
    measuredWeeks: unpackWeeks(r),
    hookWeeks: unpackWeeks(r),
    sessions: unpackSample(r),
    slowEvidence: unpackEvidence(r),
    hookEvidence: unpackEvidence(r),
  };
}

export function validateRow(v: unknown, p: string): TimeRow {
  const o = obj(v, p);
  const w = obj(o['waitUs'], `${p}.waitUs`);
  const waitUs = { approval: 0, question: 0, background: 0, subagent: 0, hook: 0 };
  for (const k of WAIT_KINDS) waitUs[k] = count(w[k], `${p}.waitUs.${k}`);
  const n = (k: string): number => count(o[k], `${p}.${k}`);
  return {
    first: ordinal(o['first'], `${p}.first`),
    calls: n('calls'),
    failed: n('failed'),
    rejected: n('rejected'),
    cancelled: n('cancelled'),
    shell: n('shell'),
    measured: validateSketch(o['measured'], `${p}.measured`),
    measuredUs: n('measuredUs'),
    gap: validateSketch(o['gap'], `${p}.gap`),
    gapUs: n('gapUs'),
    waitUs,
    measuredWeeks: weeks(o['measuredWeeks'], `${p}.measuredWeeks`),
    hookWeeks: weeks(o['hookWeeks'], `${p}.hookWeeks`),
    sessions: sample(o['sessions'], `${p}.sessions`),
    slowEvidence: evidence(o['slowEvidence'], `${p}.slowEvidence`),
    hookEvidence: evidence(o['hookEvidence'], `${p}.hookEvidence`),
  };
}
