/**
 * Toil: the same sequence of shell command families (an n-gram, N = 3) run in
 * many sessions: a candidate for a script, a make target or a skill. Replaces
 * the seed's "manual processes" (which flagged every Codex session, as Codex runs
 * everything through `shell`).
 *
 * Per session, the families of its shell calls in order, with reads and
 * housekeeping dropped (`ls`, `cat`, `grep`, `cd`... are looking, not toil) and
 * immediate repeats collapsed (`git status`, `git status` is one step); a call
 * that does work (an Edit, a Write, a subagent: any non-shell tool that is not
 * read-only) ends a run, as the work between two commands is the task, not a routine. Each
 * n-gram counts once per session (sessions) and at every position (occurrences).
 * Reported when seen in at least MIN_SESSIONS sessions. Time lost: what a script
 * saves, the agent's turns between the steps: per step after the first, from the
 * result of the call just before it to its start, each at most the idle gap (5 min),
 * 0 without timestamps. Not the steps' own run time, which a script spends too, nor
 * the waits between them: counted from the first step's start to the last one's end,
 * "mix test → mix credo → bd close" at 258c7280:445-556 was 5 min of toil, mostly a
 * wait on the background test run and a user's rejection (reported as friction).
 *
 * Memory grows with distinct n-grams; a session adds at most its length of them.
 */
import { IDLE_GAP_US, type AgentSession, type AgentToolCall } from '../../agent-session.js';
import type { FleetDetector } from '../detector.js';
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
import { packMap, packTally, unpackMap, unpackTally } from '../_packed.js';
import { map, tally } from '../_validate.js';
import { ordinalAt } from '../../ordinal.js';
import { lossFields, priorityOf, type FleetFinding } from '../finding.js';

export const N = 3;
export const MIN_SESSIONS = 3;

/** Programs that look, not act. */
const LOOKING = new Set([
  'ls',
  'cat',
  'head',
  'tail',
  'less',
  'more',
  'grep',
  'rg',
  'ag',
  'find',
  'fd',
  'tree',
  'pwd',
  'wc',
  'file',
  'stat',
  'which',
  'type',
  'echo',
  'printf',
  'cd',
  'sed',
  'awk',
  'jq',
  'sort',
  'uniq',
  'diff',
  'true',
  'sleep',
  'nl',
  'date',
  'whoami',
  'env',
  'printenv',
  // SWE-agent's file viewer (its actions are shell-like commands with a family)
  'open',
  'goto',
  'scroll_up',
  'scroll_down',
  'find_file',
  'search_file',
  'search_dir',
]);

/** Agents' own edit commands run as shell-like actions (SWE-agent `edit 12:14` ...
 * `end_of_edit`, `insert`, `create`; Codex `apply_patch`): work, like an Edit call, so
 * they end a run (else "find_file → open → edit" in every SWE-agent session was toil). */
const EDIT_COMMANDS = new Set(['edit', 'insert', 'create', 'str_replace_editor', 'apply_patch', 'submit']);

/** Tools that only read: they do not break a routine. */
const READ_ONLY_TOOLS = new Set([
  'Read',
  'Grep',
  'Glob',
  'LS',
  'TodoWrite',
  'TodoRead',
  'WebSearch',
  'WebFetch',
  'BashOutput',
  'TaskOutput',
  'update_plan',
  'view',
  'find_file',
  'search_file',
  'search_dir',
]);

export type ToilState = Map<string, Tally>;
export type ToilResult = Array<{ key: string; tally: Tally }>;

const SEP = ' → ';

export const toil: FleetDetector<ToilState, ToilResult> = {
  name: 'toil',
  init: () => new Map(),
  add(state, s: AgentSession, at) {
    // runs of shell steps with no work between them: an edit, a write or a
    // subagent between two commands is the task itself, not a routine
    const runs: Array<Array<{ family: string; i: number; call: AgentToolCall }>> = [[]];
    s.calls.forEach((c, i) => {
      const steps = runs[runs.length - 1]!;
      const edits = c.family !== undefined && EDIT_COMMANDS.has(c.family);
      if (c.family === undefined || edits) {
        if ((edits || !READ_ONLY_TOOLS.has(c.tool)) && steps.length > 0) runs.push([]);
        return;
      }
      if (LOOKING.has(c.family.split(' ')[0]!)) return;
      if (steps.length > 0 && steps[steps.length - 1]!.family === c.family) return;
      steps.push({ family: c.family, i, call: c });
    });
    const seen = new Set<string>();
    const week = sessionWeek(s);
    for (const steps of runs)
      for (let k = 0; k + N <= steps.length; k++) {
        const gram = steps.slice(k, k + N);
        const key = gram.map((g) => g.family).join(SEP);
        const where = ordinalAt(at, gram[0]!.i);
        let t = state.get(key);
        if (t === undefined) state.set(key, (t = newTally(where)));
        if (!seen.has(key)) {
          seen.add(key);
          sampleSession(t.sessions, s.sessionId);
        }
        t.occurrences++;
        let turnsUs = 0;
        for (const step of gram.slice(1)) {
          const before = s.calls[step.i - 1]!;
          const ready = before.endUs ?? before.startUs;
          if (step.call.startUs === undefined || ready === undefined) continue;
          turnsUs += Math.min(Math.max(0, step.call.startUs - ready), IDLE_GAP_US);
        }
        if (turnsUs > 0) addLoss(t, turnsUs, week);
        pushEvidence(t.evidence, evidenceRef(s, gram[0]!.call.line, where));
      }
    return state;
  },
  merge: (a, b) => mergeMaps(a, b, mergeTally, copyTally),
  mergeInto: (into, from) => mergeMapsInto(into, from, mergeTallyInto),
  pack: (state, w) => packMap(w, state, packTally),
  unpack: (r) => unpackMap(r, unpackTally),
  finalize: (state) => [...state.entries()].map(([key, tally]) => ({ key, tally })),
  mapOrdinals: (state, f) => mapValues(state, (t) => mapTally(t, f)),
  validate: (value, path) => map(value, path, tally),
  findings(result, ctx): FleetFinding[] {
    return result
      .filter(({ tally: t }) => t.sessions.count >= MIN_SESSIONS)
      .map(({ key, tally: t }) => {
        const loss = lossFields(t.lostUs, ctx);
        return {
          kind: 'toil',
          key,
          sessions: t.sessions.ids,
          session_count: t.sessions.count,
          occurrences: t.occurrences,
          ...loss,
          proposal: {
            title: `Script "${key}"`,
            action: `This sequence ran ${t.occurrences} times in ${t.sessions.count} sessions: make it one script, make target or agent skill, and tell the agent to use it (time counted: the agent's turns between the steps, which a script removes; the commands still run).`,
            priority: priorityOf(loss.hours_per_week),
          },
          evidence: publicEvidence(t.evidence),
          lost_weeks: t.lostWeeks,
          details: { steps: key.split(SEP) },
        };
      });
  },
};
