import { describe, expect, it } from 'vitest';
import { cost, TOP_SESSIONS } from '../../../src/fleet/detectors/cost.js';
import { cheaperRoutineModel, DEFAULT_PRICES, parsePrices, priceOf } from '../../../src/fleet/pricing.js';
import { session } from '../_build.js';

const ctx = { weeks: 2, prices: DEFAULT_PRICES };
const u = (input: number, output: number, cacheWrite: number, cacheRead: number) => ({ input, output, cacheWrite, cacheRead });

describe(cost.name, () => {
  it('sums tokens per model and repo; sessions without usage are counted apart, never priced', () => {
    const st = cost.init();
    cost.add(st, session('a', 'f', [], { usage: [['claude-sonnet-4-20250514', u(1_000_000, 0, 0, 0)]] }), [0]);
    cost.add(
      st,
      session('b', 'f', [], {
        usage: [
          ['claude-sonnet-4-20250514', u(0, 1_000_000, 0, 0)],
          ['mystery', u(5, 5, 5, 5)],
        ],
      }),
      [1],
    );
    cost.add(st, session('c', 'f', []), [2]);
    const r = cost.finalize(st);
    expect(r.with_usage).toBe(2);
    expect(r.without_usage).toBe(1);
    const [f] = cost.findings(r, ctx);
    expect(f).toMatchObject({ kind: 'cost', key: 'claude-sonnet-4-20250514', cost_usd: 18, session_count: 2, hours: 0 });
    expect(f!.details['usd_per_week']).toBe(9);
    expect(f!.evidence).toEqual([
      { session_id: 'a', file: 'f', line: 1 },
      { session_id: 'b', file: 'f', line: 1 },
    ]);
  });

  it('keeps the costliest sessions only, ties in input order', () => {
    const st = cost.init();
    for (let i = 0; i < TOP_SESSIONS + 5; i++) cost.add(st, session(`s${i}`, 'f', [], { usage: [['claude-haiku-4-5', u(0, i % 3, 0, 0)]] }), [i]);
    expect(st.top.map((t) => t.session_id)).toEqual(['s2', 's5', 's8', 's11', 's14', 's1', 's4', 's7', 's10', 's13']);
  });

  it("on the realdata Claude Code usage, the shipped table gives ccusage's $51.72 (1-hour cache writes priced apart)", () => {
    // token totals per model of ../shared/realdata/claude-code without the entireio file (the
    // files ccusage's $51.72 covers), one record per message and request id, summed by a script
    // on 2026-12-01; totals equal ccusage's: input 6,602, output 214,854, cache write 1,864,346, read 79,186,952
    const usage: Array<[string, ReturnType<typeof u> & { cacheWrite1h: number }]> = [
      ['claude-opus-4-6', { ...u(6065, 165629, 1502383, 63651619), cacheWrite1h: 667298 }],
      ['claude-sonnet-4-20250514', { ...u(293, 19313, 206624, 4302385), cacheWrite1h: 0 }],
      ['claude-haiku-4-5-20251001', { ...u(244, 29912, 155339, 11232948), cacheWrite1h: 13554 }],
    ];
    const st = cost.add(cost.init(), session('all', 'f', [], { usage }), [0]);
    const total = cost.findings(cost.finalize(st), ctx).reduce((n, f) => n + f.cost_usd!, 0);
    expect(Math.abs(total - 51.72) / 51.72).toBeLessThan(0.02);
    expect(total).toBeCloseTo(51.72, 1);
  });

  it('prices match the longest model prefix, after a provider prefix', () => {
    expect(priceOf(DEFAULT_PRICES, 'anthropic/claude-opus-4-6')).toEqual(DEFAULT_PRICES.models['claude-opus-4-6']);
    expect(priceOf(DEFAULT_PRICES, 'gpt-5.1-codex')).toEqual(DEFAULT_PRICES.models['gpt-5.1']);
    expect(priceOf(DEFAULT_PRICES, 'gpt-4o-2024-08-06')).toEqual(DEFAULT_PRICES.models['gpt-4o']);
    expect(priceOf(DEFAULT_PRICES, 'llama')).toBeUndefined();
    expect(priceOf(DEFAULT_PRICES, 'gpt-5.4')).toBeUndefined();
    expect(priceOf(DEFAULT_PRICES, 'gpt-5-2025-08-07')).toEqual(DEFAULT_PRICES.models['gpt-5']);
  });

  it("names the vendor's routine model only where it costs less (never a cheaper model for haiku itself)", () => {
    const routine = (model: string, table = DEFAULT_PRICES) => cheaperRoutineModel(table, model)?.model;
    expect(routine('claude-opus-4-6')).toBe('claude-haiku-4-5');
    expect(routine('anthropic/claude-sonnet-4-20250514')).toBe('claude-haiku-4-5');
    expect(routine('claude-haiku-4-5-20251001')).toBeUndefined();
    expect(routine('claude-3-haiku')).toBeUndefined();
    expect(routine('gpt-5.1-codex')).toBe('gpt-5-mini');
    expect(routine('o3')).toBe('gpt-5-mini');
    expect(routine('gpt-5-nano')).toBeUndefined();
    expect(routine('llama')).toBeUndefined();
    const gemini = parsePrices(
      JSON.stringify({ as_of: '2025-12-01', source: 't', models: { 'gemini-2.5-pro': { input: 1, output: 10 } } }),
      'p.json',
    );
    expect(routine('gemini-2.5-pro', gemini)).toBeUndefined(); // no routine model of its vendor
    const noHaiku = { ...DEFAULT_PRICES, models: { 'claude-opus-4-6': DEFAULT_PRICES.models['claude-opus-4-6']! } };
    expect(routine('claude-opus-4-6', noHaiku)).toBeUndefined();

    const st = cost.init();
    cost.add(st, session('a', 'f', [], { usage: [['claude-opus-4-6', u(10, 10, 10, 1_000)]] }), [0]);
    cost.add(st, session('b', 'f', [], { usage: [['claude-haiku-4-5-20251001', u(10, 10, 10, 1_000)]] }), [1]);
    const actions = Object.fromEntries(cost.findings(cost.finalize(st), ctx).map((f) => [f.key, f.proposal.action]));
    expect(actions['claude-opus-4-6']).toBe(
      '1 session(s); cache reads are 1,000 tokens. Route routine steps (search, summaries, subagents) to claude-haiku-4-5 ' +
        '($5 against $25 a million output tokens, $0.1 against $0.5 for cache reads) and keep long sessions short to cut cache re-reads.',
    );
    expect(actions['claude-haiku-4-5-20251001']).toBe('1 session(s); cache reads are 1,000 tokens. Keep long sessions short to cut cache re-reads.');

    // no cache reads (SWE-agent): no advice about cache re-reads, the input tokens instead
    const plain = cost.init();
    cost.add(plain, session('c', 'f', [], { usage: [['gpt-5.1-codex', u(120_000, 1_000, 0, 0)]] }), [0]);
    cost.add(plain, session('d', 'f', [], { usage: [['claude-haiku-4-5-20251001', u(5_000, 100, 0, 0)]] }), [1]);
    const plainActions = Object.fromEntries(cost.findings(cost.finalize(plain), ctx).map((f) => [f.key, f.proposal.action]));
    expect(plainActions['gpt-5.1-codex']).toBe(
      '1 session(s); input is 120,000 tokens, with no cache reads: each step sends the context again at the full input price. ' +
        'Route routine steps (search, summaries, subagents) to gpt-5-mini ($2 against $10 a million output tokens, $0.025 against $0.125 for cache reads) ' +
        'and turn on prompt caching where the provider offers it.',
    );
    expect(plainActions['claude-haiku-4-5-20251001']).toBe(
      '1 session(s); input is 5,000 tokens, with no cache reads: each step sends the context again at the full input price. ' +
        'Turn on prompt caching where the provider offers it.',
    );
    for (const a of Object.values(plainActions)) expect(a).not.toContain('cache re-reads');
  });

  it('--prices: reads a table, names a bad field', () => {
    const t = parsePrices('{"as_of":"2026-01-01","models":{"m":{"input":1,"output":2}}}', 'p.json');
    expect(t).toEqual({
      as_of: '2026-01-01',
      source: 'p.json',
      models: { m: { input: 1, output: 2, cacheWrite: 0, cacheWrite1h: 0, cacheRead: 0 } },
    });
    expect(() => parsePrices('{"models":{"m":{"input":"1"}}}', 'p.json')).toThrow(
      'Invalid price table: models["m"].input is not a price ≥ 0, in p.json',
    );
  });
});
