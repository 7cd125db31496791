/**
 * Cost: tokens per model and per repo (and the sessions that cost most), turned
 * into dollars at report time with the price table in FleetContext (the shipped
 * one, or --prices), except for the sessions whose log states their cost, which
 * count at that cost (_usage.ts). Token counts and logged micro-dollars are
 * integers, so sums are exact in any order.
 *
 * Per-session cost is bounded: the TOP_SESSIONS sessions ranked by dollars under
 * the shipped table (logged dollars as they are; ties by input order) keep their
 * usage; with --prices the listed sessions are re-priced but were ranked by the
 * shipped table. Sessions without usage nor a logged cost (session format without
 * `usage`, logs that carry none) are counted apart and cost nothing: no usage is
 * ever guessed.
 */
import type { AgentSession } from '../../agent-session.js';
import type { FleetDetector, Ordinal } from '../detector.js';
import { compareOrdinal, minOrdinal } from '../../ordinal.js';
import {
  emptySample,
  evidenceRef,
  mapEvidence,
  mergeEvidence,
  mergeMaps,
  mergeMapsInto,
  mergeSample,
  mergeSampleInto,
  copySample,
  publicEvidence,
  pushEvidence,
  sampleSession,
  type EvidenceRef,
  type SessionSample,
} from '../_evidence.js';
import { count, evidence, int, list, map, obj, ordinal, sample, str } from '../_validate.js';
import { cheaperRoutineModel, DEFAULT_PRICES, type PriceTable } from '../pricing.js';
import {
  addUsage,
  hasUsage,
  packUsage,
  price,
  rankDollars,
  sumUsage,
  unpackUsage,
  usageOf,
  validateUsage,
  zero,
  type PricedUsage,
  type Usage,
} from './_usage.js';
import { lossFields, type FleetFinding } from '../finding.js';
import { sessionWeek } from '../_weeks.js';
import { packEvidence, packMap, packSample, unpackEvidence, unpackMap, unpackSample } from '../_packed.js';

export const TOP_SESSIONS = 10;

/** Where the dollars come from, when the logs stated some of them ('' when none did). */
function sourceText(sessions: number, p: PricedUsage): string {
  if (p.loggedSessions === 0) return '';
  const logged = `$${p.logged_usd.toFixed(2)} their logs state`;
  if (p.loggedSessions === sessions) return `, counted at the ${logged}`;
  const rest =
    p.table_usd === null ? "the others' tokens have no price (not counted)" : `the others priced with the table at $${p.table_usd.toFixed(2)}`;
  return `, ${p.loggedSessions} of them counted at the ${logged}, ${rest}`;
}

/**
 * What to do about one model's spend: route routine steps to a named cheaper model when there is
 * one, and keep long sessions short, as each step reads the whole context again: from the cache
 * when the log shows cache reads, else (SWE-agent's runs on realdata: 122,612 input tokens, no
 * cache) at the full input price, where a prompt cache is the saving to name.
 */
function costAction(prices: PriceTable, model: string, sessions: number, p: PricedUsage): string {
  const n = (x: number) => x.toLocaleString('en-US');
  const cached = p.cacheRead > 0;
  const tokens = cached
    ? `cache reads are ${n(p.cacheRead)} tokens.`
    : p.input > 0
      ? `input is ${n(p.input)} tokens, with no cache reads: each step sends the context again at the full input price.`
      : 'the log gives no token counts.';
  const head = `${sessions} session(s)${sourceText(sessions, p)}; ${tokens}`;
  const shorter = cached
    ? 'keep long sessions short to cut cache re-reads'
    : p.input > 0
      ? 'turn on prompt caching where the provider offers it'
      : '';
  const routine = cheaperRoutineModel(prices, model);
  if (routine === undefined) return shorter === '' ? head : `${head} ${shorter[0]!.toUpperCase()}${shorter.slice(1)}.`;
  const { price: to, from } = routine;
  const route = `Route routine steps (search, summaries, subagents) to ${routine.model} ($${to.output} against $${from.output} a million output tokens, $${to.cacheRead} against $${from.cacheRead} for cache reads)`;
  return shorter === '' ? `${head} ${route}.` : `${head} ${route} and ${shorter}.`;
}

export interface ModelEntry extends Usage {
  first: Ordinal;
  sessions: SessionSample;
  /** where the first sessions that used the model start */
  evidence: EvidenceRef[];
}

export interface TopSession {
  at: Ordinal;
  session_id: string;
  repo: string;
  file: string;
  line: number;
  /** dollars under the shipped table, the ranking key */
  rank: number;
  usage: Array<[string, Usage]>;
}

export interface CostState {
  with_usage: number;
  without_usage: number;
  models: Map<string, ModelEntry>;
  /** key: repo NUL model */
  repos: Map<string, Usage>;
  /** key: week NUL model (_weeks.ts: the week the session started), for the weekly series */
  weeks: Map<string, Usage>;
  top: TopSession[];
}

export type CostResult = CostState;

function byRank(a: TopSession, b: TopSession): number {
  return b.rank - a.rank || compareOrdinal(a.at, b.at);
}

export { price, type PricedUsage, type Usage } from './_usage.js';

export const cost: FleetDetector<CostState, CostResult> = {
  name: 'cost',
  init: () => ({ with_usage: 0, without_usage: 0, models: new Map(), repos: new Map(), weeks: new Map(), top: [] }),
  add(state, s: AgentSession, at) {
    const usage = s.usage.map(([m, u]): [string, Usage] => [m, usageOf(u)]).filter(([, u]) => hasUsage(u));
    if (usage.length === 0) {
      state.without_usage++;
      return state;
    }
    state.with_usage++;
    let rank = 0;
    const week = sessionWeek(s);
    const logged = new Map<string, number>();
    for (const [model, u] of s.usage) if (u.loggedLine !== undefined) logged.set(model, u.loggedLine);
    for (const [model, u] of usage) {
      if (week !== undefined) {
        const wk = `${week}\u0000${model}`;
        let w = state.weeks.get(wk);
        if (w === undefined) state.weeks.set(wk, (w = zero()));
        addUsage(w, u);
      }
      let m = state.models.get(model);
      if (m === undefined) state.models.set(model, (m = { ...zero(), first: at, sessions: emptySample(), evidence: [] }));
      addUsage(m, u);
      sampleSession(m.sessions, s.sessionId);
      // a logged cost's evidence is the line that states it, where a reader checks the dollars
      pushEvidence(m.evidence, evidenceRef(s, logged.get(model) ?? s.line, at));
      const rk = `${s.repo}\u0000${model}`;
      let r = state.repos.get(rk);
      if (r === undefined) state.repos.set(rk, (r = zero()));
      addUsage(r, u);
      rank += rankDollars(DEFAULT_PRICES, model, u);
    }
    const entry: TopSession = {
      at,
      session_id: s.sessionId,
      repo: s.repo,
      file: s.file,
      line: s.line,
      rank,
      usage: usage.map(([m, u]) => [m, { ...u }]),
    };
    state.top.push(entry);
    state.top.sort(byRank);
    if (state.top.length > TOP_SESSIONS) state.top.length = TOP_SESSIONS;
    return state;
  },
  merge: (a, b) => ({
    with_usage: a.with_usage + b.with_usage,
    without_usage: a.without_usage + b.without_usage,
    models: mergeMaps(
      a.models,
      b.models,
      (x, y) => ({
        ...sumUsage(x, y),
        first: minOrdinal(x.first, y.first),
        sessions: mergeSample(x.sessions, y.sessions),
        evidence: mergeEvidence(x.evidence, y.evidence),
      }),
      (x) => ({ ...x, sessions: copySample(x.sessions), evidence: x.evidence.slice() }),
    ),
    repos: mergeMaps(a.repos, b.repos, sumUsage, (x) => ({ ...x })),
    weeks: mergeMaps(a.weeks, b.weeks, sumUsage, (x) => ({ ...x })),
    top: a.top.concat(b.top).sort(byRank).slice(0, TOP_SESSIONS),
  }),
  mergeInto(into, from) {
    into.with_usage += from.with_usage;
    into.without_usage += from.without_usage;
    into.models = mergeMapsInto(into.models, from.models, (x, y) => {
      addUsage(x, y);
      x.first = minOrdinal(x.first, y.first);
      mergeSampleInto(x.sessions, y.sessions);
      if (y.evidence.length > 0) x.evidence = mergeEvidence(x.evidence, y.evidence);
      return x;
    });
    into.repos = mergeMapsInto(into.repos, from.repos, addUsage);
    into.weeks = mergeMapsInto(into.weeks, from.weeks, addUsage);
    if (from.top.length > 0) into.top = into.top.concat(from.top).sort(byRank).slice(0, TOP_SESSIONS);
    return into;
  },
  // counts; models (usage, first, sessions, evidence); repos and weeks (usage); top (n, then
  // each: at, session_id, repo, file, line, rank, and its usage: n, then model and usage)
  pack(state, w) {
    w.num(state.with_usage);
    w.num(state.without_usage);
    packMap(w, state.models, (w, m) => {
      packUsage(w, m);
      w.ordinal(m.first);
      packSample(w, m.sessions);
      packEvidence(w, m.evidence);
    });
    packMap(w, state.repos, packUsage);
    packMap(w, state.weeks, packUsage);
    w.num(state.top.length);
    for (const t of state.top) {
      w.ordinal(t.at);
      w.str(t.session_id);
      w.str(t.repo);
      w.str(t.file);
      w.num(t.line);
      w.num(t.rank);
      w.num(t.usage.length);
      for (const [model, u] of t.usage) {
        w.str(model);
        packUsage(w, u);
      }
    }
  },
  unpack(r) {
    const with_usage = r.num();
    const without_usage = r.num();
    const models = unpackMap(
      r,
      (r): ModelEntry => ({ ...unpackUsage(r), first: r.ordinal(), sessions: unpackSample(r), evidence: unpackEvidence(r) }),
    );
    const repos = unpackMap(r, unpackUsage);
    const weeks = unpackMap(r, unpackUsage);
    const top = new Array<TopSession>(r.num());
    for (let i = 0; i < top.length; i++) {
      top[i] = {
        at: r.ordinal(),
        session_id: r.str(),
        repo: r.str(),
        file: r.str(),
        line: r.num(),
        rank: r.num(),
        usage: [],
      };
      for (let n = r.num(); n > 0; n--) top[i]!.usage.push([r.str(), unpackUsage(r)]);
    }
    return { with_usage, without_usage, models, repos, weeks, top };
  },
  finalize: (state) => state,
  mapOrdinals(state, f) {
    const models = new Map<string, ModelEntry>();
    for (const [k, m] of state.models)
      models.set(k, { ...m, first: f(m.first), sessions: copySample(m.sessions), evidence: mapEvidence(m.evidence, f) });
    return { ...state, models, repos: new Map(state.repos), weeks: new Map(state.weeks), top: state.top.map((t) => ({ ...t, at: f(t.at) })) };
  },
  validate(value, path) {
    const o = obj(value, path);
    return {
      with_usage: count(o['with_usage'], `${path}.with_usage`),
      without_usage: count(o['without_usage'], `${path}.without_usage`),
      models: map(o['models'], `${path}.models`, (v, p) => ({
        ...validateUsage(v, p),
        first: ordinal(obj(v, p)['first'], `${p}.first`),
        sessions: sample(obj(v, p)['sessions'], `${p}.sessions`),
        evidence: evidence(obj(v, p)['evidence'], `${p}.evidence`),
      })),
      repos: map(o['repos'], `${path}.repos`, validateUsage),
      weeks: map(o['weeks'], `${path}.weeks`, validateUsage),
      top: list(
        o['top'],
        `${path}.top`,
        (v, p) => {
          const t = obj(v, p);
          const rank = t['rank'];
          if (typeof rank !== 'number' || !(rank >= 0)) int(rank, `${p}.rank`);
          return {
            at: ordinal(t['at'], `${p}.at`),
            session_id: str(t['session_id'], `${p}.session_id`),
            repo: str(t['repo'], `${p}.repo`),
            file: str(t['file'], `${p}.file`),
            line: count(t['line'], `${p}.line`),
            rank: rank as number,
            usage: list(t['usage'], `${p}.usage`, (u, q) => {
              const pair = list(u, q, (x) => x, 2);
              return [str(pair[0], `${q}[0]`), validateUsage(pair[1], `${q}[1]`)] as [string, Usage];
            }),
          };
        },
        TOP_SESSIONS,
      ),
    };
  },
  findings(result, ctx): FleetFinding[] {
    const out: FleetFinding[] = [];
    for (const [model, m] of result.models) {
      const priced = price(ctx.prices, model, m);
      if (priced.usd === null) continue;
      const perWeek = priced.usd / ctx.weeks;
      out.push({
        kind: 'cost',
        key: model,
        sessions: m.sessions.ids,
        session_count: m.sessions.count,
        occurrences: m.sessions.count,
        ...lossFields(0, ctx),
        cost_usd: priced.usd,
        proposal: {
          title: `Spend on ${model}: $${priced.usd.toFixed(2)} ($${perWeek.toFixed(2)}/week)`,
          action: costAction(ctx.prices, model, m.sessions.count, priced),
          priority: perWeek >= 100 ? 'high' : perWeek >= 20 ? 'medium' : 'low',
        },
        evidence: publicEvidence(m.evidence),
        details: {
          tokens: { input: m.input, output: m.output, cache_write: m.cacheWrite, cache_write_1h: m.cacheWrite1h, cache_read: m.cacheRead },
          usd_per_week: Math.round(perWeek * 100) / 100,
          logged_usd: priced.logged_usd,
          table_usd: priced.table_usd,
          logged_sessions: m.loggedSessions,
        },
      });
    }
    return out;
  },
};
