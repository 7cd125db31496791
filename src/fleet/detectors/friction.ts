/**
 * Friction: moments the agent stopped for a person. Per (category, subject),
 * subject being the command family or tool:
 *  - permission_wait: a call that waited for the user's approval (`waitedOn:
 *    approval`, or a session friction event of kind permission);
 *  - rejection: the user declined the call ("The user doesn't want to proceed
 *    with this tool use"): friction, never an error to root-cause;
 *  - question: the agent asked the user (`waitedOn: question`, friction events);
 *  - interruption: the user stopped the agent (`outcome: interrupted`, events).
 * Time lost: the wait where the log gives it (`waitMs`), else the call's timestamp
 * gap minus its measured time, at most the idle gap (5 min), as everywhere in the
 * profile: a person who answers after 19 minutes was away, not working for the agent
 * (4d5611e5:1251 counted 1,136 s); a wait without timestamps counts, with no time
 * (`unmeasured` in details). A moment is counted once: the adapters also log a
 * rejected call as a `permission` event and an AskUserQuestion call as a `question`
 * event on the call's own line, and Claude Code follows a rejection with "[Request
 * interrupted by user for tool use]" (fed8ce56:13-15): such events are the call's, not
 * another "(no tool)" friction (4 moments there were reported as 8). A command family approved again and again
 * (APPROVALS_FOR_RULE times) gets an allow-list rule as its proposal.
 */
import { IDLE_GAP_US, type AgentSession } from '../../agent-session.js';
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
import { gapUs, isUserRejection, resultLine, subjectOf } from '../_calls.js';
import { packMap, packTally, unpackMap, unpackTally } from '../_packed.js';
import { count, fail, map, obj, str, tally } from '../_validate.js';
import { compareOrdinal, ordinalAt } from '../../ordinal.js';
import { lossFields, priorityOf, type FleetFinding } from '../finding.js';

export const APPROVALS_FOR_RULE = 3;

/** How soon after a rejection an interruption is the rejection's own follow-up line (realdata: 0-7 ms). */
const FOLLOW_UP_US = 1_000_000;

/** A wait for a person, at most the idle gap. */
const capped = (us: number | undefined): number | undefined => (us === undefined ? undefined : Math.min(us, IDLE_GAP_US));
const NO_TOOL = '(no tool)';
/** Claude Code's end of plan mode: its "approval" is the user's review of the plan. */
const PLAN_REVIEW = 'ExitPlanMode';

export type FrictionCategory = 'permission_wait' | 'rejection' | 'question' | 'interruption';

export interface FrictionEntry extends Tally {
  category: FrictionCategory;
  subject: string;
  /** waits with a known length, and without one */
  timed: number;
  unmeasured: number;
  /** approvals that were granted (the call then ran) */
  approved: number;
  /** true when the subject is a shell command family (for the allow-list rule) */
  family: boolean;
}

export type FrictionState = Map<string, FrictionEntry>;
export type FrictionResult = FrictionEntry[];

const CATEGORIES = new Set<FrictionCategory>(['permission_wait', 'rejection', 'question', 'interruption']);

/** An allow-list rule in Claude Code's syntax; other agents have an equivalent. */
export function allowRule(e: Pick<FrictionEntry, 'subject' | 'family'>): string {
  return e.family ? `Bash(${e.subject}:*)` : e.subject;
}

export const friction: FleetDetector<FrictionState, FrictionResult> = {
  name: 'friction',
  init: () => new Map(),
  add(state, s: AgentSession, at) {
    const seen = new Set<string>();
    const week = sessionWeek(s);
    const note = (
      category: FrictionCategory,
      subject: string,
      family: boolean,
      line: number,
      where: Ordinal,
      waitUs: number | undefined,
      approved: boolean,
    ): void => {
      const key = `${category}\u0000${subject}`;
      let e = state.get(key);
      if (e === undefined) {
        e = { ...newTally(where), category, subject, timed: 0, unmeasured: 0, approved: 0, family };
        state.set(key, e);
      }
      if (!seen.has(key)) {
        seen.add(key);
        sampleSession(e.sessions, s.sessionId);
      }
      e.occurrences++;
      if (category === 'permission_wait' || category === 'question') {
        if (waitUs === undefined) e.unmeasured++;
        else {
          e.timed++;
          addLoss(e, waitUs, week);
        }
      } else if (waitUs !== undefined) addLoss(e, waitUs, week);
      if (approved) e.approved++;
      pushEvidence(e.evidence, evidenceRef(s, line, where));
    };
    // lines (and rejection times) already counted from the calls, so that the same moment
    // logged again as a session event is not counted twice
    const counted = new Set<string>();
    const rejectedAt: number[] = [];
    s.calls.forEach((c, i) => {
      if (!isUserRejection(c) && c.waitedOn !== 'approval' && c.waitedOn !== 'question' && c.outcome !== 'interrupted') return;
      if (isUserRejection(c)) {
        counted.add(`permission:${resultLine(c)}`);
        const end = c.endUs ?? c.startUs;
        if (end !== undefined) rejectedAt.push(end);
      }
      if (c.waitedOn === 'question') counted.add(`question:${c.line}`);
      if (c.outcome === 'interrupted') counted.add(`interrupt:${resultLine(c)}`);
      const where = ordinalAt(at, i);
      const subject = subjectOf(c);
      const fam = c.family !== undefined;
      const gap = gapUs(c);
      const wait = capped(c.waitMs !== undefined ? msToUs(c.waitMs) : gap !== undefined ? Math.max(0, gap - msToUs(c.measuredMs ?? 0)) : undefined);
      if (isUserRejection(c)) note('rejection', subject, fam, resultLine(c), where, c.waitedOn === 'approval' ? wait : undefined, false);
      else if (c.waitedOn === 'approval') note('permission_wait', subject, fam, c.line, where, wait, c.outcome === 'ok');
      else if (c.waitedOn === 'question') note('question', subject, fam, c.line, where, wait, false);
      if (c.outcome === 'interrupted') note('interruption', subject, fam, resultLine(c), where, undefined, false);
    });
    const n = s.calls.length;
    s.friction.forEach((f, j) => {
      if (counted.has(`${f.kind}:${f.line}`)) return;
      // the "[Request interrupted by user for tool use]" a rejection writes right after itself
      if (f.kind === 'interrupt' && f.atUs !== undefined && rejectedAt.some((r) => f.atUs! >= r && f.atUs! - r <= FOLLOW_UP_US)) return;
      const where = ordinalAt(at, n + j);
      const wait = capped(f.waitMs !== undefined ? msToUs(f.waitMs) : undefined);
      const category: FrictionCategory = f.kind === 'question' ? 'question' : f.kind === 'interrupt' ? 'interruption' : 'permission_wait';
      // events not tied to a call: the subject is what the log names, else "(no tool)"
      note(category, f.kind === 'permission' && f.detail !== undefined ? f.detail : NO_TOOL, false, f.line, where, wait, false);
    });
    return state;
  },
  // `family` is the first occurrence's, as in one pass: a permission event naming "git commit"
  // and a `git commit` call share a key, and only the earlier says whether it is a family
  merge: (a, b) =>
    mergeMaps(
      a,
      b,
      (x, y) => ({
        ...x,
        ...mergeTally(x, y),
        timed: x.timed + y.timed,
        unmeasured: x.unmeasured + y.unmeasured,
        approved: x.approved + y.approved,
        family: compareOrdinal(y.first, x.first) < 0 ? y.family : x.family,
      }),
      (e) => ({ ...e, ...copyTally(e) }),
    ),
  mergeInto: (into, from) =>
    mergeMapsInto(into, from, (x, y) => {
      if (compareOrdinal(y.first, x.first) < 0) x.family = y.family;
      mergeTallyInto(x, y);
      x.timed += y.timed;
      x.unmeasured += y.unmeasured;
      x.approved += y.approved;
      return x;
    }),
  // per key: the tally, then category, subject, timed, unmeasured, approved, family (1 or 0)
  pack: (state, w) =>
    packMap(w, state, (w, e) => {
      packTally(w, e);
      w.str(e.category);
      w.str(e.subject);
      for (const n of [e.timed, e.unmeasured, e.approved, e.family ? 1 : 0]) w.num(n);
    }),
  unpack: (r) =>
    unpackMap(r, (r) => ({
      ...unpackTally(r),
      category: r.str() as FrictionCategory,
      subject: r.str(),
      timed: r.num(),
      unmeasured: r.num(),
      approved: r.num(),
      family: r.num() === 1,
    })),
  finalize: (state) => [...state.values()],
  mapOrdinals: (state, f) => mapValues(state, (e) => ({ ...e, ...mapTally(e, f) })),
  validate(value, path) {
    return map(value, path, (v, p) => {
      const o = obj(v, p);
      const category = o['category'] as FrictionCategory;
      if (!CATEGORIES.has(category)) fail(`${p}.category`, category, 'a friction category');
      str(o['subject'], `${p}.subject`);
      if (typeof o['family'] !== 'boolean') fail(`${p}.family`, o['family'], 'a boolean');
      const n = (k: string): number => count(o[k], `${p}.${k}`);
      return {
        ...tally(v, p),
        category,
        subject: o['subject'] as string,
        family: o['family'] as boolean,
        timed: n('timed'),
        unmeasured: n('unmeasured'),
        approved: n('approved'),
      };
    });
  },
  findings(result, ctx): FleetFinding[] {
    return result.map((e) => {
      const loss = lossFields(e.lostUs, ctx);
      const times = `${e.occurrences} time(s) in ${e.sessions.count} session(s)`;
      let proposal: FleetFinding['proposal'];
      switch (e.category) {
        case 'permission_wait':
          proposal =
            e.subject === PLAN_REVIEW
              ? {
                  // no permission to grant once: the user reads the plan plan mode asked them to read
                  // (8463c716:132, subagent.jsonl:67: "User has approved exiting plan mode")
                  title: 'Plan reviews (ExitPlanMode)',
                  action: `The user read and approved the agent's plan ${times} before it went on: the review plan mode asks for, worth it for large changes; for small tasks let the agent start without a plan.`,
                  priority: priorityOf(loss.hours_per_week),
                }
              : e.approved >= APPROVALS_FOR_RULE
                ? {
                    title: `Allow "${allowRule(e)}" without asking`,
                    action: `Approved ${e.approved} times: add "${allowRule(e)}" to the agent's allow list (Claude Code: permissions.allow in .claude/settings.json).`,
                    priority: priorityOf(loss.hours_per_week),
                  }
                : {
                    title: `Approval waits on "${e.subject}"`,
                    action: `The agent waited for approval ${times}: decide once whether it may run this.`,
                    priority: priorityOf(loss.hours_per_week),
                  };
          break;
        case 'rejection':
          proposal = {
            title: `Users decline "${e.subject}"`,
            action: `Declined ${times}: say in the agent instructions what it should do instead (or add a deny rule), so it stops proposing it.`,
            priority: priorityOf(loss.hours_per_week),
          };
          break;
        case 'question':
          proposal = {
            title: 'Questions to the user',
            action: `The agent asked ${times}: read the questions (evidence), and answer those that come back in the project instructions.`,
            priority: priorityOf(loss.hours_per_week),
          };
          break;
        case 'interruption':
          proposal = {
            title: `Users interrupt "${e.subject}"`,
            action: `Interrupted ${times}: read the evidence for what the agent was doing wrong.`,
            priority: priorityOf(loss.hours_per_week),
          };
          break;
        default:
          e.category satisfies never;
          throw new Error('unreachable');
      }
      return {
        kind: 'friction',
        key: e.subject,
        category: e.category,
        sessions: e.sessions.ids,
        session_count: e.sessions.count,
        occurrences: e.occurrences,
        ...loss,
        proposal,
        evidence: publicEvidence(e.evidence),
        lost_weeks: e.lostWeeks,
        details: { timed_waits: e.timed, unmeasured_waits: e.unmeasured, approved: e.approved },
      };
    });
  },
};
