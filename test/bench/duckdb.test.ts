/**
 * bench --vs-duckdb: the flag, the loud skip message when @duckdb/node-api is missing (an optional
 * bench dependency, not in package.json), the query text, and — when the package is installed
 * (npm i --no-save @duckdb/node-api@1.5.6-r.1) — DuckDB's per-tool calls and mean latency on tiny
 * archives of every shape it reads, checked against a plain JSON.parse count.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import {
  DUCKDB_INSTALL,
  DUCKDB_SKIPPED,
  checkDuckdbOutput,
  duckdbQuery,
  loadDuckdb,
  runDuckdbQuery,
  type DuckdbShape,
  type ToolRow,
} from '../../bench/duckdb.js';
import { generateArchive } from '../../bench/generate/write-archive.js';
import { parseRunArgs } from '../../bench/run/options.js';
import type { ScenarioResult } from '../../bench/run/results.js';
import { formatTable } from '../../bench/run/table.js';

const tmp = mkdtempSync(join(os.tmpdir(), 'fp-bench-duckdb-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('bench --vs-duckdb without DuckDB', () => {
  it('parses the flag (off by default)', () => {
    expect(parseRunArgs([]).vsDuckdb).toBe(false);
    expect(parseRunArgs(['--vs-duckdb', '--vs-reference']).vsDuckdb).toBe(true);
  });

  it('says what is missing and how to install it, without saving it to package.json', async () => {
    expect(DUCKDB_INSTALL).toBe('npm i --no-save @duckdb/node-api@1.5.6-r.1');
    expect(DUCKDB_SKIPPED).toBe('DuckDB skipped: @duckdb/node-api is not installed; npm i --no-save @duckdb/node-api@1.5.6-r.1');
    expect(await loadDuckdb('@duckdb/no-such-package-here')).toBeNull();
    const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '../../package.json'), 'utf8')) as Record<string, Record<string, string>>;
    for (const deps of ['dependencies', 'devDependencies', 'optionalDependencies']) expect(pkg[deps]?.['@duckdb/node-api']).toBeUndefined();
  });

  it('builds one query per shape, quoting the path', () => {
    expect(duckdbQuery("/tmp/it's.json", 'array')).toContain("read_json('/tmp/it''s.json', format = 'array'");
    expect(duckdbQuery('/a.jsonl', 'jsonl')).toContain("format = 'newline_delimited'");
    const wrapper = duckdbQuery('/w.json', 'wrapper', 100_000_000);
    expect(wrapper).toContain('unnest(sessions)');
    expect(wrapper).toContain('maximum_object_size = 100000001');
  });

  it('shows a DuckDB row in the table', () => {
    const archive = { path: '/x', label: '1MB', shape: 'array', gzip: false, files: 1, seed: 1, bytes: 1e6, decodedBytes: 1e6, sessions: 10 };
    const row = {
      impl: 'duckdb',
      archive,
      workers: null,
      parser: null,
      runs: 1,
      wallSeconds: [1],
      medianSeconds: 1,
      mbPerSec: 1,
      sessionsPerSec: 10,
      peakRssKb: null,
      ok: true,
      failure: null,
    };
    expect(formatTable([row as unknown as ScenarioResult])).toContain('duckdb (read_json, 2 threads)');
  });
});

const api = await loadDuckdb();
if (!api) console.warn(`\n*** test/bench/duckdb.test.ts: ${DUCKDB_SKIPPED} — the query tests are SKIPPED ***\n`);

/** Per tool, calls and mean latency of the calls with a numeric latency_ms, from JSON.parse. */
function expected(sessions: Array<{ tool_calls: Array<{ tool: string; latency_ms?: number }> }>): ToolRow[] {
  const by = new Map<string, { calls: number; sum: number; n: number }>();
  for (const s of sessions)
    for (const c of s.tool_calls) {
      const t = by.get(c.tool) ?? { calls: 0, sum: 0, n: 0 };
      t.calls++;
      if (typeof c.latency_ms === 'number') {
        t.sum += c.latency_ms;
        t.n++;
      }
      by.set(c.tool, t);
    }
  return [...by.keys()].sort().map((tool) => {
    const t = by.get(tool) as { calls: number; sum: number; n: number };
    return { tool, calls: t.calls, mean_latency_ms: t.n ? t.sum / t.n : null };
  });
}

describe.skipIf(!api)('bench/duckdb.ts query (needs @duckdb/node-api)', () => {
  const cases: Array<{ shape: DuckdbShape; gzip: boolean; profile: 'transcript' | 'dense' }> = [
    { shape: 'array', gzip: false, profile: 'transcript' },
    { shape: 'wrapper', gzip: false, profile: 'transcript' },
    { shape: 'jsonl', gzip: false, profile: 'dense' },
    { shape: 'array', gzip: true, profile: 'dense' },
  ];
  for (const c of cases) {
    it(`per-tool calls and mean latency: ${c.profile} ${c.shape}${c.gzip ? '+gz' : ''}`, async () => {
      const out = join(tmp, `${c.profile}-${c.shape}.${c.shape === 'jsonl' ? 'jsonl' : 'json'}${c.gzip ? '.gz' : ''}`);
      await generateArchive({ out, sessions: 60, shape: c.shape, gzip: c.gzip, seed: 3, files: 1, profile: c.profile });
      let text = readFileSync(out);
      if (c.gzip) text = gunzipSync(text);
      const doc =
        c.shape === 'jsonl'
          ? text
              .toString()
              .trim()
              .split('\n')
              .map((l) => JSON.parse(l))
          : JSON.parse(text.toString());
      const sessions = Array.isArray(doc) ? doc : doc.sessions;
      const rows = await runDuckdbQuery(api as NonNullable<typeof api>, out, c.shape, 2);
      const want = expected(sessions);
      expect(rows.map((r) => [r.tool, r.calls])).toEqual(want.map((r) => [r.tool, r.calls]));
      rows.forEach((r, i) => expect(r.mean_latency_ms).toBeCloseTo(want[i]?.mean_latency_ms as number, 6));
    });
  }
});

describe('checkDuckdbOutput', () => {
  const rows = JSON.stringify([
    { tool: 'Bash', calls: 3, mean_latency_ms: 10 },
    { tool: 'Read', calls: 2, mean_latency_ms: null },
  ]);
  it('sums the per-tool calls and compares them with the archive', () => {
    expect(checkDuckdbOutput(rows, 5)).toEqual({ ok: true, text: "2 tools, 5 calls (= the archive's)" });
    expect(checkDuckdbOutput(rows, 6)).toEqual({ ok: false, text: 'CALLS DIFFER: 2 tools, 5 calls, the archive has 6' });
    expect(checkDuckdbOutput(rows, undefined).ok).toBe(true);
    expect(checkDuckdbOutput('not json', 5).ok).toBe(false);
  });
});
