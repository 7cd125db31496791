/**
 * The token price table shipped with the package, offline (no network at run
 * time), and the `--prices FILE` override's reader.
 *
 * Source: the vendors' published API price lists (Anthropic "Pricing", OpenAI
 * "API pricing"; the same values LiteLLM's model_prices_and_context_window.json
 * carries, which ccusage reads), transcribed by hand as of PRICES_AS_OF and not
 * re-checked online when written (the build machine has no web access). Prices are
 * USD per million tokens; `cacheWrite` is Anthropic's 5-minute cache write and
 * `cacheWrite1h` its 1-hour cache write (2× input), OpenAI has none (0) and bills
 * cached input as `cacheRead`. Checked against ccusage on ../shared/realdata/claude-code
 * (without the entireio file): with 1-hour writes priced apart the total is its $51.72
 * to the cent; pricing every write at the 5-minute rate gives $49.21 (−4.9%).
 *
 * A model matches the longest entry that is a prefix of its name after any
 * "provider/" part and ends where a name part ends (`claude-sonnet-4-20250514` ->
 * `claude-sonnet-4`; `gpt-5.4` is not `gpt-5`: an unknown model is listed as
 * unpriced rather than priced as another).
 */
import { AnalyzerError } from '../errors.js';

export interface ModelPrice {
  input: number;
  output: number;
  /** 5-minute cache write (Anthropic: 1.25× input) */
  cacheWrite: number;
  /** 1-hour cache write (Anthropic: 2× input; Claude Code writes most of its cache this way) */
  cacheWrite1h: number;
  cacheRead: number;
}

export interface PriceTable {
  as_of: string;
  source: string;
  models: Record<string, ModelPrice>;
}

export const PRICES_AS_OF = '2025-12-01';

/** cacheWrite1h is 2× input for Anthropic models (their published multiplier), 0 for OpenAI (no cache writes) */
const p = (input: number, output: number, cacheWrite: number, cacheRead: number): ModelPrice => ({
  input,
  output,
  cacheWrite,
  cacheWrite1h: cacheWrite === 0 ? 0 : 2 * input,
  cacheRead,
});

export const DEFAULT_PRICES: PriceTable = {
  as_of: PRICES_AS_OF,
  source: 'Anthropic and OpenAI published API prices (USD per million tokens), transcribed by hand; see src/fleet/pricing.ts',
  models: {
    'claude-opus-4-6': p(5, 25, 6.25, 0.5),
    'claude-opus-4-5': p(5, 25, 6.25, 0.5),
    'claude-opus-4-1': p(15, 75, 18.75, 1.5),
    'claude-opus-4': p(15, 75, 18.75, 1.5),
    'claude-sonnet-4-5': p(3, 15, 3.75, 0.3),
    'claude-sonnet-4': p(3, 15, 3.75, 0.3),
    'claude-haiku-4-5': p(1, 5, 1.25, 0.1),
    'claude-3-7-sonnet': p(3, 15, 3.75, 0.3),
    'claude-3-5-sonnet': p(3, 15, 3.75, 0.3),
    'claude-3-5-haiku': p(0.8, 4, 1, 0.08),
    'claude-3-opus': p(15, 75, 18.75, 1.5),
    'claude-3-haiku': p(0.25, 1.25, 0.3, 0.03),
    'gpt-5.2': p(1.75, 14, 0, 0.175),
    'gpt-5.1': p(1.25, 10, 0, 0.125),
    'gpt-5-mini': p(0.25, 2, 0, 0.025),
    'gpt-5-nano': p(0.05, 0.4, 0, 0.005),
    'gpt-5': p(1.25, 10, 0, 0.125),
    'gpt-4.1-mini': p(0.4, 1.6, 0, 0.1),
    'gpt-4.1': p(2, 8, 0, 0.5),
    'gpt-4o-mini': p(0.15, 0.6, 0, 0.075),
    'gpt-4o': p(2.5, 10, 0, 1.25),
    'gpt-4-turbo': p(10, 30, 0, 0),
    'gpt-4': p(30, 60, 0, 0),
    'o4-mini': p(1.1, 4.4, 0, 0.275),
    o3: p(2, 8, 0, 0.5),
  },
};

export function priceOf(table: PriceTable, model: string): ModelPrice | undefined {
  const name = model.slice(model.lastIndexOf('/') + 1);
  let best: string | undefined;
  for (const key of Object.keys(table.models)) {
    // the key must end at a boundary: "gpt-5" prices "gpt-5-2025-08-07", never "gpt-5.4"
    const next = name.charAt(key.length);
    if (name.startsWith(key) && (next === '' || next === '-' || next === '@' || next === ':') && (best === undefined || key.length > best.length))
      best = key;
  }
  return best === undefined ? undefined : table.models[best];
}

/**
 * The model a team would route routine steps (search, summaries, subagents) to, per vendor: the
 * cost proposal names it, with its prices, instead of "a cheaper model", and says nothing of
 * routing for a model that costs no more than it (the audit found "route to a cheaper model"
 * proposed for claude-haiku-4-5 itself).
 */
const ROUTINE_MODELS = ['claude-haiku-4-5', 'gpt-5-mini'] as const;

export interface RoutineModel {
  model: string;
  price: ModelPrice;
  /** the price of the model it would take steps from */
  from: ModelPrice;
}

/** The routine model of `model`'s vendor when the table prices both and it costs less, else undefined. */
export function cheaperRoutineModel(table: PriceTable, model: string): RoutineModel | undefined {
  const from = priceOf(table, model);
  if (from === undefined) return undefined;
  const name = model.slice(model.lastIndexOf('/') + 1);
  // a vendor's models only: another vendor's is another agent, not a routing rule
  const vendor = name.startsWith('claude-') ? 'claude-' : /^(gpt-|o\d)/.test(name) ? 'gpt-' : undefined;
  const routine = ROUTINE_MODELS.find((r) => vendor !== undefined && r.startsWith(vendor));
  const price = routine === undefined ? undefined : table.models[routine];
  if (routine === undefined || price === undefined) return undefined;
  // cheaper for what an agent's tokens mostly are: output and cache reads, both lower
  return price.output < from.output && price.cacheRead < from.cacheRead ? { model: routine, price, from } : undefined;
}

export interface Tokens {
  input: number;
  output: number;
  /** all cache writes, 1-hour ones included */
  cacheWrite: number;
  /** the part of `cacheWrite` written for 1 hour, when the log says (else 0) */
  cacheWrite1h?: number;
  cacheRead: number;
}

/** Dollars for some tokens of one model; undefined when the model has no price. */
export function dollars(table: PriceTable, model: string, t: Tokens): number | undefined {
  const price = priceOf(table, model);
  if (price === undefined) return undefined;
  const w1h = Math.min(t.cacheWrite1h ?? 0, t.cacheWrite);
  return (
    (t.input * price.input +
      t.output * price.output +
      (t.cacheWrite - w1h) * price.cacheWrite +
      w1h * price.cacheWrite1h +
      t.cacheRead * price.cacheRead) /
    1e6
  );
}

/**
 * Read a `--prices FILE` document: {"as_of": "YYYY-MM-DD", "source": "...",
 * "models": {"name": {"input": N, "output": N, "cache_write": N, "cache_write_1h": N, "cache_read": N}}}
 * (USD per million tokens; a missing cache price is 0, a missing cache_write_1h is
 * cache_write). Throws a usage error naming the field.
 */
export function parsePrices(text: string, file: string): PriceTable {
  const fail = (what: string): never => {
    throw new AnalyzerError('FP_USAGE', `Invalid price table: ${what}, in ${file}`, { file });
  };
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    return fail((err as Error).message);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return fail('not a JSON object');
  const d = doc as Record<string, unknown>;
  const models = d['models'];
  if (typeof models !== 'object' || models === null || Array.isArray(models)) return fail('"models" is not an object');
  const out: Record<string, ModelPrice> = {};
  for (const name of Object.keys(models)) {
    const m = (models as Record<string, unknown>)[name];
    if (typeof m !== 'object' || m === null || Array.isArray(m)) return fail(`models["${name}"] is not an object`);
    const num = (k: string, optional: boolean): number => {
      const v = Object.hasOwn(m, k) ? (m as Record<string, unknown>)[k] : undefined;
      if (v === undefined && optional) return 0;
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) return fail(`models["${name}"].${k} is not a price ≥ 0`);
      return v;
    };
    const cacheWrite = num('cache_write', true);
    const has1h = Object.hasOwn(m, 'cache_write_1h');
    out[name] = {
      input: num('input', false),
      output: num('output', false),
      cacheWrite,
      cacheWrite1h: has1h ? num('cache_write_1h', false) : cacheWrite,
      cacheRead: num('cache_read', true),
    };
  }
  const str = (k: string): string => (typeof d[k] === 'string' ? (d[k] as string) : 'unknown');
  return { as_of: str('as_of'), source: str('source') === 'unknown' ? file : str('source'), models: out };
}
