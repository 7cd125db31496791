/**
 * Tool time, per tool and per shell command family: calls, failed, rejected,
 * cancelled (by a failing parallel sibling; not failed: see effectiveOutcome),
 * measured execution time as median and p90 (DDSketch, _sketch.ts), waiting time
 * apart, and timestamp gaps apart from both.
 *
 *  - measured: the duration the agent logged (`measuredMs`); the only time that
 *    can make a tool "slow";
 *  - waiting: `waitMs` where the log gives it; for a call the adapter marked as
 *    waiting (`waitedOn`) without a length, its timestamp gap minus the measured
 *    time; split by what was waited on (approval, hook, background...). Not for a
 *    hook: hooks logged around a call without their time (Claude Code's hook_progress
 *    lines) say nothing of how long they took, so that call is a gap. Read as hook
 *    time, `bd create` taking 26-64 s in subagent.jsonl:72-86 (two of them in parallel,
 *    right after the user asked for them: hooks, the command or an approval, the log
 *    does not say) made "Shorten the hooks bd create waits on: 2.6 min";
 *  - gap: result time − call time of calls with neither a measured duration nor a
 *    wait: wall time that mixes execution with approval and hooks (Claude Code's
 *    Bash/Write/Edit), shown so a reader can see where time went, never called slow.
 *
 * Findings: a family or tool whose measured p90 is at least SLOW_P90 over at
 * least MIN_CALLS calls (time lost: its measured total), and one whose hook waits
 * add up to at least MIN_HOOK (time lost: the hook wait).
 */
import type { AgentSession, AgentToolCall, WaitKind } from '../../agent-session.js';
import type { FleetDetector } from '../detector.js';
import { ordinalAt, type Ordinal } from '../../ordinal.js';
import {
  evidenceRef,
  mapEvidence,
  mergeEvidence,
  mergeMaps,
  mergeMapsInto,
  msToUs,
  publicEvidence,
  pushEvidence,
  sampleSession,
} from '../_evidence.js';
import { effectiveOutcome, gapUs, resultLine } from '../_calls.js';
import { sketchAdd, sketchQuantile } from '../_sketch.js';
import { packMap, unpackMap } from '../_packed.js';
import { map, obj } from '../_validate.js';
import { addToWeek, sessionWeek, sumWeeks } from '../_weeks.js';
import { lossFields, priorityOf, type FleetFinding } from '../finding.js';
import { copyRow, mergeRow, mergeRowInto, newRow, packRow, type TimeRow, unpackRow, validateRow, WAIT_KINDS } from './_time-row.js';

export type { TimeRow } from './_time-row.js';

export const SLOW_P90_MS = 30_000;
export const MIN_CALLS = 3;
export const MIN_HOOK_MS = 60_000;

export interface ToolTimeState {
  tools: Map<string, TimeRow>;
  families: Map<string, TimeRow>;
}

/** Count call `i` of `s` (`at`: the session's ordinal; the call's is built only for evidence). */
function addCall(row: TimeRow, s: AgentSession, c: AgentToolCall, at: Ordinal, i: number, firstInSession: boolean, week: string | undefined): void {
  row.calls++;
  if (c.family !== undefined) row.shell++;
  if (firstInSession) sampleSession(row.sessions, s.sessionId);
  const outcome = effectiveOutcome(c);
  if (outcome === 'rejected') row.rejected++;
  else if (outcome === 'error') row.failed++;
  else if (outcome === 'cancelled') row.cancelled++;
  const gap = gapUs(c);
  // a subagent's whole run or a wait on a background task (TaskOutput waits its
  // timeout) is waiting, even when the log measured it: never "slow" execution
  if (c.waitedOn === 'subagent' || c.waitedOn === 'background') {
    const wait = c.waitMs !== undefined ? msToUs(c.waitMs) : c.measuredMs !== undefined ? msToUs(c.measuredMs) : (gap ?? 0);
    row.waitUs[c.waitedOn] += wait;
  } else if (c.measuredMs !== undefined) {
    const us = msToUs(c.measuredMs);
    sketchAdd(row.measured, us);
    row.measuredUs += us;
    addToWeek(row.measuredWeeks, week, us);
  }
  if (c.waitedOn === 'subagent' || c.waitedOn === 'background') {
    // counted above
  } else if (c.waitedOn !== undefined && (c.waitedOn !== 'hook' || c.waitMs !== undefined)) {
    const wait = c.waitMs !== undefined ? msToUs(c.waitMs) : gap !== undefined ? Math.max(0, gap - msToUs(c.measuredMs ?? 0)) : 0;
    row.waitUs[c.waitedOn] += wait;
    if (c.waitedOn === 'hook') addToWeek(row.hookWeeks, week, wait);
  } else if (c.waitMs !== undefined) row.waitUs.approval += msToUs(c.waitMs);
  else if (c.measuredMs === undefined && gap !== undefined) {
    sketchAdd(row.gap, gap);
    row.gapUs += gap;
  }
  if (c.waitedOn === 'hook' && c.waitMs !== undefined) pushEvidence(row.hookEvidence, evidenceRef(s, resultLine(c), ordinalAt(at, i)));
  else if (c.waitedOn !== 'subagent' && c.waitedOn !== 'background' && c.measuredMs !== undefined && c.measuredMs >= SLOW_P90_MS) {
    pushEvidence(row.slowEvidence, evidenceRef(s, resultLine(c), ordinalAt(at, i)));
  }
}

/** One row of the report's `tools` table. Times in milliseconds, rounded to 0.1 ms. */
export interface ToolTableRow {
  kind: 'tool' | 'family';
  key: string;
  calls: number;
  failed: number;
  rejected: number;
  cancelled: number;
  measured_calls: number;
  measured_median_ms: number | null;
  measured_p90_ms: number | null;
  measured_total_ms: number;
  waiting_ms: number;
  waiting_by: Partial<Record<WaitKind, number>>;
  gap_calls: number;
  gap_median_ms: number | null;
  gap_total_ms: number;
}

const ms = (us: number | undefined): number | null => (us === undefined ? null : Math.round(us / 100) / 10);

function tableRow(kind: 'tool' | 'family', key: string, r: TimeRow): ToolTableRow {
  const waiting_by: Partial<Record<WaitKind, number>> = {};
  let wait = 0;
  for (const k of WAIT_KINDS) {
    if (r.waitUs[k] > 0) waiting_by[k] = ms(r.waitUs[k])!;
    wait += r.waitUs[k];
  }
  return {
    kind,
    key,
    calls: r.calls,
    failed: r.failed,
    rejected: r.rejected,
    cancelled: r.cancelled,
    measured_calls: r.measured.count,
    measured_median_ms: ms(sketchQuantile(r.measured, 0.5)),
    measured_p90_ms: ms(sketchQuantile(r.measured, 0.9)),
    measured_total_ms: ms(r.measuredUs)!,
    waiting_ms: ms(wait)!,
    waiting_by,
    gap_calls: r.gap.count,
    gap_median_ms: ms(sketchQuantile(r.gap, 0.5)),
    gap_total_ms: ms(r.gapUs)!,
  };
}

export interface ToolTimeResult {
  /** tools then families, each by total time (measured + waiting + gap) descending, then key */
  table: ToolTableRow[];
  rows: Array<{ kind: 'tool' | 'family'; key: string; row: TimeRow }>;
}

function totalUs(r: TimeRow): number {
  let w = 0;
  for (const k of WAIT_KINDS) w += r.waitUs[k];
  return r.measuredUs + r.gapUs + w;
}

function sorted(m: Map<string, TimeRow>): Array<[string, TimeRow]> {
  return [...m.entries()].sort((a, b) => totalUs(b[1]) - totalUs(a[1]) || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

export const toolTime: FleetDetector<ToolTimeState, ToolTimeResult> = {
  name: 'tool_time',
  init: () => ({ tools: new Map(), families: new Map() }),
  add(state, s: AgentSession, at) {
    const seenTools = new Set<string>();
    const seenFamilies = new Set<string>();
    const week = sessionWeek(s);
    // a call's ordinal is built only where it is kept (a new row, evidence): one array
    // per call was most of this detector's allocation on a dense archive
    const calls = s.calls;
    for (let i = 0; i < calls.length; i++) {
      const c = calls[i]!;
      let t = state.tools.get(c.tool);
      if (t === undefined) state.tools.set(c.tool, (t = newRow(ordinalAt(at, i))));
      addCall(t, s, c, at, i, !seenTools.has(c.tool), week);
      seenTools.add(c.tool);
      if (c.family !== undefined) {
        let f = state.families.get(c.family);
        if (f === undefined) state.families.set(c.family, (f = newRow(ordinalAt(at, i))));
        addCall(f, s, c, at, i, !seenFamilies.has(c.family), week);
        seenFamilies.add(c.family);
      }
    }
    return state;
  },
  merge: (a, b) => ({ tools: mergeMaps(a.tools, b.tools, mergeRow, copyRow), families: mergeMaps(a.families, b.families, mergeRow, copyRow) }),
  mergeInto: (into, from) => ({
    tools: mergeMapsInto(into.tools, from.tools, mergeRowInto),
    families: mergeMapsInto(into.families, from.families, mergeRowInto),
  }),
  pack(state, w) {
    packMap(w, state.tools, packRow);
    packMap(w, state.families, packRow);
  },
  unpack: (r) => ({ tools: unpackMap(r, unpackRow), families: unpackMap(r, unpackRow) }),
  finalize(state) {
    const rows: ToolTimeResult['rows'] = [];
    for (const [key, row] of sorted(state.tools)) rows.push({ kind: 'tool', key, row });
    for (const [key, row] of sorted(state.families)) rows.push({ kind: 'family', key, row });
    return { rows, table: rows.map((r) => tableRow(r.kind, r.key, r.row)) };
  },
  mapOrdinals(state, f) {
    const m = (r: TimeRow): TimeRow => ({
      ...copyRow(r),
      first: f(r.first),
      slowEvidence: mapEvidence(r.slowEvidence, f),
      hookEvidence: mapEvidence(r.hookEvidence, f),
    });
    const out: ToolTimeState = { tools: new Map(), families: new Map() };
    for (const [k, r] of state.tools) out.tools.set(k, m(r));
    for (const [k, r] of state.families) out.families.set(k, m(r));
    return out;
  },
  validate(value, path) {
    const o = obj(value, path);
    return { tools: map(o['tools'], `${path}.tools`, validateRow), families: map(o['families'], `${path}.families`, validateRow) };
  },
  findings(result, ctx): FleetFinding[] {
    const out: FleetFinding[] = [];
    for (const { kind, key, row } of result.rows) {
      // a shell tool's time is judged per family; its own row would count it twice
      if (kind === 'tool' && row.shell > 0) continue;
      const p90 = sketchQuantile(row.measured, 0.9);
      const slow = row.measured.count >= MIN_CALLS && p90 !== undefined && p90 >= SLOW_P90_MS * 1000;
      const hook = row.waitUs.hook >= MIN_HOOK_MS * 1000;
      if (!slow && !hook) continue;
      const lost = (slow ? row.measuredUs : 0) + (hook ? row.waitUs.hook : 0);
      const loss = lossFields(lost, ctx);
      const t = tableRow(kind, key, row);
      const what = slow
        ? `measured p90 ${(t.measured_p90_ms! / 1000).toFixed(1)} s, median ${(t.measured_median_ms! / 1000).toFixed(1)} s over ${t.measured_calls} calls`
        : '';
      // Claude Code often logs that hooks ran around a call without timing them apart from the
      // command (git status "waited" 7 s a call on realdata: its PreToolUse/PostToolUse hooks),
      // so the text says "with hooks", and the action names hooks of every kind, not only git's
      const hookText = hook ? `${(row.waitUs.hook / 60e6).toFixed(1)} min in hooks (timed by the log)` : '';
      out.push({
        kind: 'tool_time',
        key,
        sessions: row.sessions.ids,
        session_count: row.sessions.count,
        occurrences: row.calls,
        ...loss,
        proposal: {
          title: slow ? `Speed up "${key}"` : `Shorten the hooks "${key}" waits on`,
          action: `${[what, hookText].filter((x) => x !== '').join('; ')}: ${slow ? 'cache or narrow it (run only what changed), or move it out of the agent loop' : `time the hooks that run on every "${key}" call (the agent's PreToolUse/PostToolUse hooks, git's own hooks); skip them where they cannot matter (a matcher), make them incremental, or move their slow checks (e.g. a type checker) to CI`}.`,
          priority: priorityOf(loss.hours_per_week),
        },
        evidence: publicEvidence(slow && hook ? mergeEvidence(row.slowEvidence, row.hookEvidence) : slow ? row.slowEvidence : row.hookEvidence),
        lost_weeks: sumWeeks(slow ? row.measuredWeeks : new Map(), hook ? row.hookWeeks : new Map()),
        details: { scope: kind, ...t },
      });
    }
    return out;
  },
};
