/**
 * The cost detector's counts for one key (a model, a repo's model, a week's model, a session's
 * model) and their price: the tokens, and the part of them whose dollars the agent logged itself
 * (SWE-agent's and mini-swe-agent's `instance_cost`, agent-session.ts `loggedUsd`).
 *
 * A session whose log states its cost is counted at that cost: it is what the run was billed,
 * as the agent computed it at run time. Its tokens stay in the token counts but the table never
 * prices them, so no dollar is counted twice; what the table would have said of them is shown
 * beside it (`logged_at_table_usd`). Logged dollars are kept as integer micro-dollars, so their
 * sums are exact whatever order the shards are merged in (as token counts are).
 */
import type { TokenUsage } from '../../agent-session.js';
import type { PackReader, PackWriter } from '../../profiles/packed.js';
import { count, obj } from '../_validate.js';
import { dollars, type PriceTable, type Tokens } from '../pricing.js';

/** Every count of a Usage, in its packed and serialized order. */
const FIELDS = [
  'input',
  'output',
  'cacheWrite',
  'cacheWrite1h',
  'cacheRead',
  /** the logged dollars, in millionths */
  'loggedMicros',
  /** sessions whose log states their cost */
  'loggedSessions',
  /** the tokens of those sessions (part of the five counts above) */
  'loggedInput',
  'loggedOutput',
  'loggedCacheWrite',
  'loggedCacheWrite1h',
  'loggedCacheRead',
] as const;

/** Token counts (`cacheWrite1h`: the 1-hour part of the cache writes, 0 when the log does not say),
 * with the logged part of them and its dollars. */
export type Usage = Record<(typeof FIELDS)[number], number>;

export function zero(): Usage {
  const u = {} as Usage;
  for (const f of FIELDS) u[f] = 0;
  return u;
}

/** One session's usage of one model. */
export function usageOf(t: TokenUsage): Usage {
  const w = (t as TokenUsage & { cacheWrite1h?: unknown }).cacheWrite1h;
  const u = zero();
  u.input = t.input;
  u.output = t.output;
  u.cacheWrite = t.cacheWrite;
  u.cacheWrite1h = typeof w === 'number' ? w : 0;
  u.cacheRead = t.cacheRead;
  if (t.loggedUsd !== undefined && Number.isFinite(t.loggedUsd) && t.loggedUsd > 0) {
    u.loggedMicros = Math.round(t.loggedUsd * 1e6);
    u.loggedSessions = 1;
    u.loggedInput = u.input;
    u.loggedOutput = u.output;
    u.loggedCacheWrite = u.cacheWrite;
    u.loggedCacheWrite1h = u.cacheWrite1h;
    u.loggedCacheRead = u.cacheRead;
  }
  return u;
}

/** Worth counting: tokens, or a logged cost. */
export function hasUsage(u: Usage): boolean {
  return u.input + u.output + u.cacheWrite + u.cacheRead > 0 || u.loggedSessions > 0;
}

/** `b` added into `a` (mutates and returns `a`). */
export function addUsage(a: Usage, b: Usage): Usage {
  for (const f of FIELDS) a[f] += b[f];
  return a;
}

export const sumUsage = (a: Usage, b: Usage): Usage => addUsage({ ...a }, b);

export function packUsage(w: PackWriter, u: Usage): void {
  for (const f of FIELDS) w.num(u[f]);
}

export function unpackUsage(r: PackReader): Usage {
  const u = {} as Usage;
  for (const f of FIELDS) u[f] = r.num();
  return u;
}

export function validateUsage(v: unknown, p: string): Usage {
  const o = obj(v, p);
  const u = {} as Usage;
  for (const f of FIELDS) u[f] = count(o[f], `${p}.${f}`);
  return u;
}

/** The tokens of the sessions that logged no cost: the ones the table prices. */
function tableTokens(u: Usage): Tokens {
  return {
    input: u.input - u.loggedInput,
    output: u.output - u.loggedOutput,
    cacheWrite: u.cacheWrite - u.loggedCacheWrite,
    cacheWrite1h: u.cacheWrite1h - u.loggedCacheWrite1h,
    cacheRead: u.cacheRead - u.loggedCacheRead,
  };
}

function loggedTokens(u: Usage): Tokens {
  return {
    input: u.loggedInput,
    output: u.loggedOutput,
    cacheWrite: u.loggedCacheWrite,
    cacheWrite1h: u.loggedCacheWrite1h,
    cacheRead: u.loggedCacheRead,
  };
}

/** Dollars under `table` for ranking (unrounded): logged dollars, plus the table's price of the rest (0 unpriced). */
export function rankDollars(table: PriceTable, model: string, u: Usage): number {
  return u.loggedMicros / 1e6 + (dollars(table, model, tableTokens(u)) ?? 0);
}

export interface PricedUsage extends Usage {
  /** logged + table dollars; null when nothing is known: no logged cost and no price */
  usd: number | null;
  logged_usd: number;
  /** the table's price of the tokens without a logged cost; null when the model has none and there are such tokens */
  table_usd: number | null;
  /** what the table would charge for the logged sessions' tokens (not counted); null without a price */
  logged_at_table_usd: number | null;
}

/** `u` priced, each part rounded to cents and the total their sum (so parts add up to it). */
export function price(table: PriceTable, model: string, u: Usage): PricedUsage {
  const rest = tableTokens(u);
  const d = dollars(table, model, rest);
  const tableCents = d !== undefined ? Math.round(d * 100) : rest.input + rest.output + rest.cacheWrite + rest.cacheRead > 0 ? null : 0;
  const loggedCents = Math.round(u.loggedMicros / 1e4);
  const usd = tableCents !== null ? (loggedCents + tableCents) / 100 : u.loggedSessions > 0 ? loggedCents / 100 : null;
  const atTable = dollars(table, model, loggedTokens(u));
  return {
    ...u,
    usd,
    logged_usd: loggedCents / 100,
    table_usd: tableCents === null ? null : tableCents / 100,
    logged_at_table_usd: atTable === undefined ? null : Math.round(atTable * 100) / 100,
  };
}
