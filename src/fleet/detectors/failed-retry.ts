/**
 * Failed-retry loops: the same action failing again after a failure, other calls
 * in between allowed, until it succeeds, is bypassed or the session ends. The
 * action is the shell command family (`git commit`), else the tool with its input
 * digest (the same Edit tried again). Only calls the log says failed count, read
 * through `effectiveOutcome` (_calls.ts): a call with outcome `unknown` (the session
 * format without `ok`/`error`) neither starts nor extends a loop, rejected and
 * interrupted calls are friction, a call cancelled because a parallel sibling failed
 * is no attempt, and a `grep` that matched nothing did not fail. A call issued
 * before the loop's last failure came back (a parallel batch) is no retry either.
 *
 * How a loop ended:
 *  - bypassed: the call that got through used a bypass flag (`--no-verify`,
 *    `git commit -n`, `--force`, `HUSKY=0`, `SKIP=`...);
 *  - succeeded: a later call of the same action succeeded without one;
 *  - abandoned: the session ended first.
 * A bypass flag on an attempt that failed as well bypassed nothing: in ae4a77f8:1458
 * `git commit --no-verify` failed on the same pre-commit check (a Claude Code hook,
 * which --no-verify does not skip), and the loop was reported "bypassed its checks".
 * Time lost: active time from the first failure's start to the resolving call's
 * end (abandoned: to the last failure's end), each gap between calls counted up to
 * the 5-minute idle gap; without timestamps, the attempts' measured time.
 * Loops never cross records: a subagent's transcript is its own session.
 *
 * The proposal follows what the attempts failed on: the taxonomy category most of the
 * action's failed attempts fall in (a tie: the earlier in CATEGORIES). A missing command, a denied
 * permission, a network timeout... has the error clusters' action for its category; a
 * failing check (a hook, a test, anything else) the loop's own: give the agent the
 * check's fix before it retries. "Give the agent the failing check's fix" was proposed
 * for `ed` failing with "command not found" (realdata mini-swe-agent).
 */
import { IDLE_GAP_US, type AgentSession, type AgentToolCall } from '../../agent-session.js';
import type { FleetDetector, Ordinal } from '../detector.js';
import { sessionWeek } from '../_weeks.js';
import {
  addLoss,
  copyTally,
  evidenceRef,
  mapTally,
  mapValues,
  mergeMaps,
  mergeMapsInto,
  mergeTally,
  mergeTallyInto,
  msToUs,
  newTally,
  publicEvidence,
  pushEvidence,
  sampleSession,
  type Tally,
} from '../_evidence.js';
import { effectiveOutcome, resultLine } from '../_calls.js';
import { packMap, packTally, unpackMap, unpackTally } from '../_packed.js';
import { count, fail, list, map, obj, tally } from '../_validate.js';
import { CATEGORIES, CATEGORY_ACTIONS, categorize, type ErrorCategory } from '../error-taxonomy.js';
import { ordinalAt } from '../../ordinal.js';
import { lossFields, priorityOf, type FleetFinding } from '../finding.js';

const BYPASS =
  /(?:^|\s)(?:--no-verify|--no-gpg-sign|--force|-f|--skip-checks?|--no-check|--no-hooks)(?=\s|$)|\bHUSKY=0\b|\bSKIP=|\bgit\s+(?:-C\s+\S+\s+)?commit\b[^|&;]*\s-[a-zA-Z]*n[a-zA-Z]*(?=\s|$)/;

export type Ending = 'succeeded' | 'bypassed' | 'abandoned';

export interface LoopEntry extends Tally {
  /** loops found */
  loops: number;
  /** failed attempts over all loops */
  attempts: number;
  max_attempts: number;
  succeeded: number;
  bypassed: number;
  abandoned: number;
  /** failed attempts per taxonomy category, in CATEGORIES' order */
  categories: number[];
}

/** Categories whose loops the error clusters' action fits better than "give the agent the check's fix". */
const OWN_ACTION = new Set<ErrorCategory>(['hook', 'test_failure', 'other', 'user_rejection']);

export type FailedRetryState = Map<string, LoopEntry>;

export interface FailedRetryResult {
  key: string;
  entry: LoopEntry;
}

interface OpenLoop {
  subject: string;
  failures: number[];
}

/** Interpreters, whose family ("python") names no action: the script they run does. In
 * d3ad4cdc:76-116 `python diverse_musical_ai.py` failed twice, and `python test_diverse_simple.py`
 * running fine closed the "python" loop as succeeded. */
const SCRIPT =
  /(?:^|[\s;&|(])(?:python[\d.]*|node|ruby|perl|bash|sh|deno|bun|php)[ \t]+(?:-[\w-]+[ \t]+)*([\w./~-]+\.(?:py|js|mjs|cjs|ts|rb|pl|sh|php))(?![\w.])/;

function actionOf(c: AgentToolCall): { id: string; subject: string } {
  if (c.family !== undefined) {
    const script = c.command === undefined ? undefined : SCRIPT.exec(c.command)?.[1];
    return { id: script === undefined ? `f\u0000${c.family}` : `f\u0000${c.family}\u0000${script}`, subject: c.family };
  }
  return { id: `t\u0000${c.tool}\u0000${c.inputDigest}`, subject: c.tool };
}

function isBypass(c: AgentToolCall): boolean {
  return c.command !== undefined && BYPASS.test(c.command);
}

/** `c` started before `failed`'s result was written (both times logged). */
function isConcurrent(c: AgentToolCall, failed: AgentToolCall): boolean {
  return c.startUs !== undefined && failed.endUs !== undefined && c.startUs < failed.endUs;
}

function copyEntry(e: LoopEntry): LoopEntry {
  // the counts too: mergeInto adds into them in place
  return { ...e, ...copyTally(e), categories: [...e.categories] };
}

/** Active time from the first failure's start to the end of call `to`: gaps between
 * calls count up to the idle gap (a person away is not time the loop cost). */
function activeUs(calls: readonly AgentToolCall[], from: number, to: number): number | undefined {
  let us = 0;
  let timed = false;
  // from one timed call to the next, over calls the log did not time
  let prev = calls[from]!.startUs;
  for (let k = from + 1; k <= to; k++) {
    const b = calls[k]!.startUs;
    if (b === undefined) continue;
    if (prev !== undefined) {
      us += Math.min(Math.max(0, b - prev), IDLE_GAP_US);
      timed = true;
    }
    prev = b;
  }
  const last = calls[to]!;
  if (last.startUs !== undefined && last.endUs !== undefined) {
    us += Math.min(Math.max(0, last.endUs - last.startUs), IDLE_GAP_US);
    timed = true;
  }
  return timed ? us : undefined;
}

function lostUs(calls: readonly AgentToolCall[], loop: OpenLoop, endIndex: number | undefined): number {
  const active = activeUs(calls, loop.failures[0]!, endIndex ?? loop.failures[loop.failures.length - 1]!);
  if (active !== undefined) return active;
  let us = 0;
  for (const i of loop.failures) us += msToUs(calls[i]!.measuredMs ?? 0);
  return us;
}

const CATEGORY_INDEX = new Map(CATEGORIES.map((c, k) => [c, k]));

/** The category with the most attempts; a tie goes to the earlier in CATEGORIES. */
function dominant(counts: readonly number[]): ErrorCategory {
  let best = 0;
  for (let k = 1; k < counts.length; k++) if (counts[k]! > counts[best]!) best = k;
  return CATEGORIES[best]!;
}

/** A state's `categories`: one count per category, in CATEGORIES' order. */
function categoryCounts(v: unknown, path: string): number[] {
  const counts = list(v, path, (n, p) => count(n, p));
  if (counts.length !== CATEGORIES.length) fail(path, v, `${CATEGORIES.length} counts, one per taxonomy category`);
  return counts;
}

export const failedRetry: FleetDetector<FailedRetryState, FailedRetryResult[]> = {
  name: 'failed_retry',
  init: () => new Map(),
  add(state, s: AgentSession, at: Ordinal) {
    const calls = s.calls;
    const open = new Map<string, OpenLoop>();
    const seen = new Set<string>();
    const week = sessionWeek(s);
    const close = (loop: OpenLoop, ending: Ending, end: number | undefined): void => {
      if (loop.failures.length < 2) return;
      let e = state.get(loop.subject);
      const firstAt = ordinalAt(at, loop.failures[0]!);
      if (e === undefined) {
        e = {
          ...newTally(firstAt),
          loops: 0,
          attempts: 0,
          max_attempts: 0,
          succeeded: 0,
          bypassed: 0,
          abandoned: 0,
          categories: CATEGORIES.map(() => 0),
        };
        state.set(loop.subject, e);
      }
      if (!seen.has(loop.subject)) {
        seen.add(loop.subject);
        sampleSession(e.sessions, s.sessionId);
      }
      e.loops++;
      e.occurrences++;
      e.attempts += loop.failures.length;
      for (const i of loop.failures) e.categories[CATEGORY_INDEX.get(categorize(calls[i]!.errorText ?? ''))!]!++;
      e.max_attempts = Math.max(e.max_attempts, loop.failures.length);
      e[ending]++;
      addLoss(e, lostUs(calls, loop, end), week);
      for (const i of loop.failures) pushEvidence(e.evidence, evidenceRef(s, resultLine(calls[i]!), ordinalAt(at, i)));
    };
    for (let i = 0; i < calls.length; i++) {
      const c = calls[i]!;
      const outcome = effectiveOutcome(c);
      if (outcome !== 'error' && outcome !== 'ok') continue;
      const { id, subject } = actionOf(c);
      const loop = open.get(id);
      // issued before the loop's last failure came back: a parallel call of the same
      // batch (Codex runs three `git show` at once), not a reaction to that failure
      if (loop !== undefined && isConcurrent(c, calls[loop.failures[loop.failures.length - 1]!]!)) continue;
      if (outcome === 'error') {
        if (loop === undefined) open.set(id, { subject, failures: [i] });
        else loop.failures.push(i);
      } else if (loop !== undefined) {
        close(loop, isBypass(c) ? 'bypassed' : 'succeeded', i);
        open.delete(id);
      }
    }
    // ordered by first failure, so first-seen order does not depend on Map order
    const rest = [...open.values()].sort((a, b) => a.failures[0]! - b.failures[0]!);
    for (const loop of rest) close(loop, 'abandoned', undefined);
    return state;
  },
  merge: (a, b) =>
    mergeMaps(
      a,
      b,
      (x, y) => ({
        ...mergeTally(x, y),
        loops: x.loops + y.loops,
        attempts: x.attempts + y.attempts,
        max_attempts: Math.max(x.max_attempts, y.max_attempts),
        succeeded: x.succeeded + y.succeeded,
        bypassed: x.bypassed + y.bypassed,
        abandoned: x.abandoned + y.abandoned,
        // last, as `add` makes an entry: a state file's bytes follow its keys' order
        categories: x.categories.map((n, k) => n + y.categories[k]!),
      }),
      copyEntry,
    ),
  mergeInto: (into, from) =>
    mergeMapsInto(into, from, (x, y) => {
      for (let k = 0; k < x.categories.length; k++) x.categories[k]! += y.categories[k]!;
      mergeTallyInto(x, y);
      x.loops += y.loops;
      x.attempts += y.attempts;
      x.max_attempts = Math.max(x.max_attempts, y.max_attempts);
      x.succeeded += y.succeeded;
      x.bypassed += y.bypassed;
      x.abandoned += y.abandoned;
      return x;
    }),
  // per key: the tally, then loops, attempts, max_attempts, succeeded, bypassed, abandoned, the category counts
  pack: (state, w) =>
    packMap(w, state, (w, e) => {
      packTally(w, e);
      for (const n of [e.loops, e.attempts, e.max_attempts, e.succeeded, e.bypassed, e.abandoned]) w.num(n);
      for (const n of e.categories) w.num(n);
    }),
  unpack: (r) =>
    unpackMap(r, (r) => ({
      ...unpackTally(r),
      loops: r.num(),
      attempts: r.num(),
      max_attempts: r.num(),
      succeeded: r.num(),
      bypassed: r.num(),
      abandoned: r.num(),
      categories: CATEGORIES.map(() => r.num()),
    })),
  finalize: (state) => [...state.entries()].map(([key, entry]) => ({ key, entry })),
  mapOrdinals: (state, f) => mapValues(state, (e) => ({ ...e, ...mapTally(e, f), categories: [...e.categories] })),
  validate(value, path) {
    return map(value, path, (v, p) => {
      const o = obj(v, p);
      const n = (k: string): number => count(o[k], `${p}.${k}`);
      return {
        ...tally(v, p),
        loops: n('loops'),
        attempts: n('attempts'),
        max_attempts: n('max_attempts'),
        succeeded: n('succeeded'),
        bypassed: n('bypassed'),
        abandoned: n('abandoned'),
        categories: categoryCounts(o['categories'], `${p}.categories`),
      };
    });
  },
  findings(result, ctx): FleetFinding[] {
    return result.map(({ key, entry: e }) => {
      const loss = lossFields(e.lostUs, ctx);
      const ending = e.bypassed > 0 ? `, ${e.bypassed} bypassed its checks` : '';
      const category = dominant(e.categories);
      const what = OWN_ACTION.has(category)
        ? "give the agent the failing check's fix before it retries (run the check locally first, or document how to fix it in the project instructions)."
        : `it failed on ${category.replace(/_/g, ' ')}: ${CATEGORY_ACTIONS[category]}`;
      return {
        kind: 'failed_retry',
        key,
        sessions: e.sessions.ids,
        session_count: e.sessions.count,
        occurrences: e.loops,
        ...loss,
        proposal: {
          title: `Break the "${key}" failure loop`,
          action: `${e.loops} loop(s), ${e.attempts} failed attempts (up to ${e.max_attempts} in a row)${ending}: ${what}`,
          priority: priorityOf(loss.hours_per_week),
        },
        evidence: publicEvidence(e.evidence),
        lost_weeks: e.lostWeeks,
        details: {
          loops: e.loops,
          attempts: e.attempts,
          max_attempts: e.max_attempts,
          succeeded: e.succeeded,
          bypassed: e.bypassed,
          abandoned: e.abandoned,
          category,
          categories: Object.fromEntries(CATEGORIES.flatMap((c, k) => (e.categories[k]! > 0 ? [[c, e.categories[k]!]] : []))),
        },
      };
    });
  },
};
