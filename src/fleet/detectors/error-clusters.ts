/**
 * Error clusters: failed calls' error texts and session errors grouped by the
 * fleet normaliser (error-taxonomy.ts), with a taxonomy category, counting
 * occurrences and sessions. User rejections are friction (friction.ts), never
 * an error to root-cause, so they are left out here, and so are calls cancelled
 * because a parallel sibling failed ("Sibling tool call errored": the sibling's error
 * is the cluster) and searches that matched nothing (`grep` exit 1, no output); see
 * `effectiveOutcome` in _calls.ts. A call with outcome `unknown` has no error text.
 *
 * Time lost per occurrence: from the failed call's start to the next call's
 * start, capped at the idle gap (what the failure cost before the agent moved
 * on); session errors and calls without timestamps add none.
 * A failure that started before an earlier failure of the same key came back is
 * the same event (a parallel batch): its time counts, but no occurrence and no
 * evidence. Codex's three `git show` issued at once on one DNS failure
 * (16-bfc6ff6845:172-178) were a "recurring" network error of 3, the codex
 * folder's top finding, at high priority.
 * The shown example is the first occurrence's text (by ordinal), cut at 300 code points.
 */
import type { AgentSession } from '../../agent-session.js';
import type { FleetDetector, Ordinal } from '../detector.js';
import { compareOrdinal, ordinalAt } from '../../ordinal.js';
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
  newTally,
  publicEvidence,
  pushEvidence,
  sampleSession,
  type Tally,
} from '../_evidence.js';
import { effectiveOutcome, isRejectionText, isSiblingCancelledText, resultLine, spanToNextUs } from '../_calls.js';
import { packMap, packTally, unpackMap, unpackTally } from '../_packed.js';
import { fail, map, obj, ordinal, str, tally } from '../_validate.js';
import { CATEGORY_ACTIONS, categorize, normalizeErrorText, type ErrorCategory } from '../error-taxonomy.js';
import { lossFields, priorityOf, type FleetFinding } from '../finding.js';

/** The example's length in code points (a huge message's stand-in keeps more: fleet/message-readers.ts). */
export const EXAMPLE_CHARS = 300;

export interface ClusterEntry extends Tally {
  category: ErrorCategory;
  /** the first occurrence's text, and its ordinal */
  example: string;
  example_at: Ordinal;
}

export type ErrorClustersState = Map<string, ClusterEntry>;

export interface ErrorClusterResult {
  key: string;
  entry: ClusterEntry;
}

function cut(s: string): string {
  const cps = [...s];
  return cps.length > EXAMPLE_CHARS ? `${cps.slice(0, EXAMPLE_CHARS).join('')}…` : s;
}

export const errorClusters: FleetDetector<ErrorClustersState, ErrorClusterResult[]> = {
  name: 'error_clusters',
  init: () => new Map(),
  add(state, s: AgentSession, at) {
    const seen = new Set<string>();
    const week = sessionWeek(s);
    // per key, when its last failure in this session came back
    const back = new Map<string, number>();
    const record = (text: string, line: number, where: Ordinal, lost: number, startUs?: number, endUs?: number): void => {
      const key = normalizeErrorText(text);
      if (key === '') return;
      const prev = back.get(key);
      if (endUs !== undefined && (prev === undefined || endUs > prev)) back.set(key, endUs);
      if (prev !== undefined && startUs !== undefined && startUs < prev) {
        // issued before the same error came back: the same event, one batch
        addLoss(state.get(key)!, lost, week);
        return;
      }
      let e = state.get(key);
      if (e === undefined) {
        e = { ...newTally(where), category: categorize(text), example: cut(text), example_at: where };
        state.set(key, e);
      }
      if (!seen.has(key)) {
        seen.add(key);
        sampleSession(e.sessions, s.sessionId);
      }
      e.occurrences++;
      addLoss(e, lost, week);
      pushEvidence(e.evidence, evidenceRef(s, line, where));
    };
    const n = s.calls.length;
    for (let i = 0; i < n; i++) {
      const c = s.calls[i]!;
      // rejections are friction; a call cancelled by a failing sibling and a search that
      // found nothing are no errors of their own (effectiveOutcome)
      if (effectiveOutcome(c) !== 'error' || c.errorText === undefined) continue;
      record(c.errorText, resultLine(c), ordinalAt(at, i), spanToNextUs(s.calls, i) ?? 0, c.startUs, c.endUs);
    }
    for (let j = 0; j < s.errors.length; j++) {
      const err = s.errors[j]!;
      if (isRejectionText(err.text) || isSiblingCancelledText(err.text)) continue;
      record(err.text, err.line, ordinalAt(at, n + j), 0);
    }
    return state;
  },
  merge: (a, b) =>
    mergeMaps(
      a,
      b,
      (x, y) => {
        const firstX = compareOrdinal(x.example_at, y.example_at) <= 0;
        return {
          ...mergeTally(x, y),
          category: firstX ? x.category : y.category,
          example: firstX ? x.example : y.example,
          example_at: firstX ? x.example_at : y.example_at,
        };
      },
      (e) => ({ ...e, ...copyTally(e) }),
    ),
  mergeInto: (into, from) =>
    mergeMapsInto(into, from, (x, y) => {
      // the example (and its category) of the earlier occurrence, whichever side is larger
      if (compareOrdinal(y.example_at, x.example_at) < 0) {
        x.category = y.category;
        x.example = y.example;
        x.example_at = y.example_at;
      }
      return mergeTallyInto(x, y);
    }),
  // per key: the tally, then category, example, example_at
  pack: (state, w) =>
    packMap(w, state, (w, e) => {
      packTally(w, e);
      w.str(e.category);
      w.str(e.example);
      w.ordinal(e.example_at);
    }),
  unpack: (r) => unpackMap(r, (r) => ({ ...unpackTally(r), category: r.str() as ErrorCategory, example: r.str(), example_at: r.ordinal() })),
  finalize: (state) => [...state.entries()].map(([key, entry]) => ({ key, entry })),
  mapOrdinals: (state, f) => mapValues(state, (e) => ({ ...e, ...mapTally(e, f), example_at: f(e.example_at) })),
  validate(value, path) {
    return map(value, path, (v, p) => {
      const o = obj(v, p);
      const category = str(o['category'], `${p}.category`) as ErrorCategory;
      if (!Object.hasOwn(CATEGORY_ACTIONS, category)) fail(`${p}.category`, category, 'a taxonomy category');
      return { ...tally(v, p), category, example: str(o['example'], `${p}.example`), example_at: ordinal(o['example_at'], `${p}.example_at`) };
    });
  },
  findings(result, ctx): FleetFinding[] {
    // a cluster is a pattern when it repeats: twice in one session or once in two
    return result
      .filter(({ entry: e }) => e.occurrences >= 2)
      .map(({ key, entry: e }) => {
        const loss = lossFields(e.lostUs, ctx);
        return {
          kind: 'error_cluster',
          key,
          category: e.category,
          sessions: e.sessions.ids,
          session_count: e.sessions.count,
          occurrences: e.occurrences,
          ...loss,
          proposal: {
            title: `Recurring ${e.category.replace(/_/g, ' ')} error: ${key}`,
            action: CATEGORY_ACTIONS[e.category],
            priority: priorityOf(loss.hours_per_week),
          },
          evidence: publicEvidence(e.evidence),
          lost_weeks: e.lostWeeks,
          details: { example: e.example },
        };
      });
  },
};
