/**
 * Smoke tests of the bench tooling (no timing): the generator is deterministic and writes
 * well-formed archives of every shape; the runner's pure helpers parse what they must.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { normalizeError } from '../../src/python/index.js';
import type { ArchiveShape } from '../../bench/generate/archive-kinds.js';
import { createRng } from '../../bench/generate/rng.js';
import { SessionFactory } from '../../bench/generate/session-factory.js';
import { parseSize } from '../../bench/generate/sizes.js';
import { type GenerateOptions, generateArchive } from '../../bench/generate/write-archive.js';
import { compareProposals, parsePythonJson } from '../../bench/run/compare.js';
import { parseRunArgs } from '../../bench/run/options.js';
import { type ScenarioResult, formatJsonLine, parseJsonLine } from '../../bench/run/results.js';
import { formatTable, median } from '../../bench/run/table.js';
import { parseTimeV } from '../../bench/run/time-v.js';

const ROOT = resolve(import.meta.dirname, '../..');
const tmp = mkdtempSync(join(os.tmpdir(), 'fp-bench-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let counter = 0;
async function generate(opts: Omit<GenerateOptions, 'out'>): Promise<{ out: string; files: string[]; sessions: number }> {
  const out = join(tmp, `a${counter++}`);
  const r = await generateArchive({ ...opts, out });
  return { out, files: r.files, sessions: r.sessions };
}

/** Every file's bytes, in order. */
const bytesOf = (files: string[]): Buffer[] => files.map((f) => readFileSync(f));

/** Sessions of one file; its format comes from its name (folder parts) or from `as`. */
function parseFile(file: string, as?: { jsonl: boolean; gzip: boolean }): unknown[] {
  const gzip = as?.gzip ?? file.endsWith('.gz');
  const jsonl = as?.jsonl ?? /\.jsonl(\.gz)?$/.test(file);
  let buf = readFileSync(file);
  if (gzip) {
    expect(buf.subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
    buf = gunzipSync(buf);
  }
  const text = buf.toString('utf8');
  if (jsonl) {
    expect(text.endsWith('\n')).toBe(true);
    return text
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as unknown);
  }
  const doc = JSON.parse(text) as unknown;
  if (Array.isArray(doc)) return doc;
  expect(doc).toMatchObject({ meta: expect.any(Object), exported_at: expect.any(String) });
  expect(Object.keys(doc as object)).toEqual(['meta', 'sessions', 'exported_at']);
  return (doc as { sessions: unknown[] }).sessions;
}

function expectSession(s: unknown): void {
  const session = s as Record<string, unknown>;
  expect(session.session_id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  expect(typeof session.repo).toBe('string');
  expect(session.started_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  expect(typeof session.duration_minutes).toBe('number');
  const messages = session.messages as Array<Record<string, unknown>>;
  expect(messages.length).toBeGreaterThanOrEqual(5);
  expect(messages.length).toBeLessThanOrEqual(60);
  for (const m of messages) {
    expect(['system', 'user', 'assistant', 'tool']).toContain(m.role);
    expect(typeof m.content).toBe('string');
    // 200..4000 UTF-16 units, one less when an astral character would have been cut
    expect((m.content as string).length).toBeGreaterThanOrEqual(199);
    expect((m.content as string).length).toBeLessThanOrEqual(4000);
    // no lone surrogate: astral characters are never cut in half
    expect(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(m.content as string)).toBe(false);
  }
  const errors = session.errors as Array<Record<string, unknown>>;
  expect(errors.length).toBeLessThanOrEqual(8);
  for (const e of errors) expect(typeof e.message).toBe('string');
  const calls = session.tool_calls as Array<Record<string, unknown>>;
  expect(calls.length).toBeLessThanOrEqual(80);
  for (const c of calls) {
    expect(typeof c.tool).toBe('string');
    if ('latency_ms' in c) expect(c.latency_ms).toBeGreaterThanOrEqual(0);
  }
}

describe('generate', () => {
  const cases: Array<{ shape: ArchiveShape; gzip: boolean }> = [
    { shape: 'array', gzip: false },
    { shape: 'wrapper', gzip: false },
    { shape: 'jsonl', gzip: false },
    { shape: 'folder', gzip: false },
    { shape: 'array', gzip: true },
    { shape: 'wrapper', gzip: true },
    { shape: 'jsonl', gzip: true },
    { shape: 'folder', gzip: true },
  ];
  for (const { shape, gzip } of cases) {
    it(`${shape}${gzip ? ' gzip' : ''}: same seed → same bytes, other seed → other bytes, parses`, async () => {
      const base = { shape, gzip, size: parseSize('200KB'), files: 3 };
      const a = await generate({ ...base, seed: 1 });
      const b = await generate({ ...base, seed: 1 });
      const c = await generate({ ...base, seed: 2 });
      const [bytesA, bytesB] = [bytesOf(a.files), bytesOf(b.files)];
      expect(bytesB.length).toBe(bytesA.length);
      bytesA.forEach((buf, i) => expect(buf.equals(bytesB[i] as Buffer), `file ${i} differs`).toBe(true));
      expect(Buffer.concat(bytesOf(c.files)).equals(Buffer.concat(bytesOf(a.files)))).toBe(false);
      if (shape === 'folder') {
        expect(readdirSync(a.out).sort()).toEqual(
          gzip ? ['part-0000.jsonl.gz', 'part-0001.json.gz', 'part-0002.jsonl.gz'] : ['part-0000.jsonl', 'part-0001.json', 'part-0002.jsonl'],
        );
      }
      const sessions = a.files.flatMap((f) => parseFile(f, shape === 'folder' ? undefined : { jsonl: shape === 'jsonl', gzip }));
      expect(sessions.length).toBe(a.sessions);
      expect(sessions.length).toBeGreaterThan(0);
      sessions.forEach(expectSession);
    });
  }

  it('--sessions N writes exactly N sessions; --pretty stays parseable and equal', async () => {
    const compact = await generate({ shape: 'wrapper', sessions: 7, seed: 3 });
    const pretty = await generate({ shape: 'wrapper', sessions: 7, seed: 3, pretty: true });
    expect(compact.sessions).toBe(7);
    const s1 = parseFile(compact.files[0] as string);
    expect(s1).toHaveLength(7);
    expect(parseFile(pretty.files[0] as string)).toEqual(s1);
    // one-decimal floats keep their ".0" in the text
    expect(readFileSync(compact.files[0] as string, 'utf8')).toMatch(/"duration_minutes":\d+\.\d[,}]/);
  });

  it('--profile dense: seeded, 5-60 calls over 10 tools, 0-3 errors folding into few keys, two short messages', async () => {
    const a = await generate({ shape: 'jsonl', profile: 'dense', sessions: 300, seed: 4 });
    const b = await generate({ shape: 'jsonl', profile: 'dense', sessions: 300, seed: 4 });
    expect(readFileSync(a.files[0] as string).equals(readFileSync(b.files[0] as string))).toBe(true);
    const sessions = parseFile(a.files[0] as string, { jsonl: true, gzip: false }) as Array<Record<string, unknown>>;
    expect(sessions).toHaveLength(300);
    const tools = new Set<string>();
    const keys = new Set<string>();
    for (const s of sessions) {
      expect(s.session_id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4/);
      expect(typeof s.repo).toBe('string');
      expect(typeof s.duration_minutes).toBe('number');
      const messages = s.messages as Array<{ content: string }>;
      expect(messages).toHaveLength(2);
      for (const m of messages) expect(m.content.length).toBeLessThan(40);
      const calls = s.tool_calls as Array<{ tool: string; latency_ms: number }>;
      expect(calls.length).toBeGreaterThanOrEqual(5);
      expect(calls.length).toBeLessThanOrEqual(60);
      for (const c of calls) {
        tools.add(c.tool);
        expect(c.latency_ms).toBeGreaterThanOrEqual(10);
        expect(c.latency_ms).toBeLessThanOrEqual(12_000);
      }
      const errors = s.errors as Array<{ message: string }>;
      expect(errors.length).toBeLessThanOrEqual(3);
      for (const e of errors) keys.add(normalizeError(e.message));
    }
    expect(tools.size).toBe(10);
    expect(keys.size).toBe(4);
    // ~1.5 KB a session: 200,000 sessions make the ~310 MB dense archive of issue 13
    const perSession = readFileSync(a.files[0] as string).length / 300;
    expect(perSession).toBeGreaterThan(1200);
    expect(perSession).toBeLessThan(1900);
  });

  it('--profile error-keys: every error is a key of its own', async () => {
    const a = await generate({ shape: 'array', profile: 'error-keys', sessions: 50, seed: 4 });
    const sessions = parseFile(a.files[0] as string, { jsonl: false, gzip: false }) as Array<{ errors: Array<{ message: string }> }>;
    const keys = sessions.flatMap((s) => s.errors.map((e) => normalizeError(e.message)));
    expect(keys).toHaveLength(150);
    expect(new Set(keys).size).toBe(150);
  });

  it('the size target is met within one session', async () => {
    const r = await generate({ shape: 'array', size: parseSize('1MB'), seed: 5 });
    const size = readFileSync(r.files[0] as string).length;
    expect(size).toBeGreaterThanOrEqual(1e6);
    expect(size).toBeLessThan(1e6 + 300_000);
  });

  it('sessions carry the patterns the detectors look for', () => {
    const f = new SessionFactory(1);
    const sessions = Array.from({ length: 300 }, () => JSON.parse(f.nextJson(false)) as Record<string, unknown>);
    const normalize = (m: string): string =>
      m
        .toLowerCase()
        .trim()
        .replace(/\/\S+/g, '/PATH')
        .replace(/\b[0-9a-f]{8,}\b/g, 'HASH')
        .replace(/\d{4}-\d{2}-\d{2}[tT]\d{2}:\d{2}/g, 'TIME');
    const keys = new Map<string, number>();
    const latencies = new Map<string, number[]>();
    let manual = 0;
    let streaks = 0;
    for (const s of sessions) {
      for (const e of s.errors as Array<{ message: string }>) keys.set(normalize(e.message), (keys.get(normalize(e.message)) ?? 0) + 1);
      const calls = s.tool_calls as Array<{ tool: string; latency_ms?: number }>;
      if (calls.length > 10 && new Set(calls.map((c) => c.tool)).size <= 3) manual++;
      let run = 0;
      calls.forEach((c, i) => {
        run = i > 0 && calls[i - 1]?.tool === c.tool ? run + 1 : 1;
        if (run === 3) streaks++;
        if ((c.latency_ms ?? 0) > 0) latencies.set(c.tool, [...(latencies.get(c.tool) ?? []), c.latency_ms ?? 0]);
      });
    }
    expect(manual).toBeGreaterThan(0);
    expect(streaks).toBeGreaterThan(10);
    expect(Math.max(...keys.values())).toBeGreaterThanOrEqual(10); // shared error keys
    expect(keys.has('fatal: the current branch feat-HASH has no upstream branch')).toBe(true);
    const slow = [...latencies].filter(([, l]) => l.length >= 5 && l.reduce((a, b) => a + b, 0) / l.length > 5000).map(([t]) => t);
    expect(slow).toEqual(expect.arrayContaining(['Task']));
    expect(latencies.get('Read')?.reduce((a, b) => a + b, 0)).toBeLessThan(5000 * (latencies.get('Read')?.length ?? 0));
  });

  it('the PRNG is seeded and in range', () => {
    const a = createRng(42);
    const b = createRng(42);
    const xs = Array.from({ length: 1000 }, () => a.float());
    expect(Array.from({ length: 1000 }, () => b.float())).toEqual(xs);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(createRng(43).float()).not.toBe(xs[0]);
  });

  it('parseSize', () => {
    expect(parseSize('10MB')).toBe(10_000_000);
    expect(parseSize('1GB')).toBe(1e9);
    expect(parseSize('1.5gb')).toBe(1.5e9);
    expect(parseSize('200KB')).toBe(200_000);
    expect(parseSize('512MiB')).toBe(512 * 1024 * 1024);
    expect(parseSize('1234')).toBe(1234);
    expect(() => parseSize('ten')).toThrow(/invalid size/);
  });

  it('the CLI writes a file and a summary line', () => {
    const out = join(tmp, 'cli.jsonl');
    const r = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'bench/generate.ts', '--sessions', '3', '--shape', 'jsonl', '--seed', '9', '--out', out],
      {
        cwd: ROOT,
        encoding: 'utf8',
      },
    );
    const summary = /generated jsonl .*: \d+ bytes .*3 sessions, (\d+) tool calls, [\d.]+ s/.exec(r.stderr);
    expect(summary).not.toBeNull();
    expect(r.status).toBe(0);
    const records = parseFile(out, { jsonl: true, gzip: false }) as Array<{ tool_calls: unknown[] }>;
    expect(records).toHaveLength(3);
    expect(Number(summary![1])).toBe(records.reduce((n, rec) => n + rec.tool_calls.length, 0));
  });

  it('--help prints the flags', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'bench/generate.ts', '--help'], { cwd: ROOT, encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^bench\/generate\.ts — /);
    expect(r.stdout).toContain('--profile P');
  });
});

describe('run helpers', () => {
  const TIME_V = `\tCommand being timed: "node dist/cli.js --input /tmp/x.json --format json"
\tUser time (seconds): 12.34
\tSystem time (seconds): 1.50
\tPercent of CPU this job got: 180%
\tElapsed (wall clock) time (h:mm:ss or m:ss): 1:02.50
\tAverage shared text size (kbytes): 0
\tMaximum resident set size (kbytes): 7109508
\tAverage resident set size (kbytes): 0
\tExit status: 0
`;

  it('parseTimeV reads RSS, times and exit status', () => {
    expect(parseTimeV(TIME_V)).toEqual({ userSeconds: 12.34, systemSeconds: 1.5, wallSeconds: 62.5, maxRssKb: 7109508, exitStatus: 0 });
    expect(parseTimeV('Command exited with non-zero status 3\n\tElapsed (wall clock) time (h:mm:ss or m:ss): 1:00:01\n\tExit status: 3\n')).toEqual({
      wallSeconds: 3601,
      exitStatus: 3,
    });
    const killed = parseTimeV(`Command terminated by signal 9\n${TIME_V}`);
    expect(killed.signal).toBe(9);
    expect(killed.maxRssKb).toBe(7109508);
    expect(parseTimeV('')).toEqual({});
  });

  const result: ScenarioResult = {
    impl: 'fleet-proposals',
    archive: { path: '/tmp/a.json', label: '1GB', shape: 'array', gzip: false, files: 8, seed: 1, bytes: 1e9, decodedBytes: 1e9, sessions: 20488 },
    workers: 2,
    parser: 'fast',
    runs: 3,
    wallSeconds: [5.1, 5, 5.3],
    medianSeconds: 5.1,
    mbPerSec: 196.1,
    sessionsPerSec: 4017,
    callsPerSec: 3_140_000,
    peakRssKb: 300_000,
    rssMethod: 'time',
    ok: true,
    failure: null,
    outputSha256: 'ab'.repeat(32),
    reference: {
      ok: true,
      failure: null,
      medianSeconds: 27.3,
      peakRssKb: 7109508,
      speedup: 5.35,
      rssRatio: 0.042,
      outputsEqual: true,
      proposals: { ours: 63, reference: 63 },
      mismatches: [],
    },
    machine: { cpu: 'AMD EPYC', cpus: 2, memGb: 25.3, platform: 'linux', node: 'v20.20.2', python: 'Python 3.11.7' },
    date: '2026-11-26T13:00:00.000Z',
  };

  it('formatJsonLine / parseJsonLine round-trip', () => {
    const line = formatJsonLine(result);
    expect(line).not.toContain('\n');
    expect(JSON.parse(line)).toMatchObject({ type: 'fleet-proposals-bench', version: 1, impl: 'fleet-proposals' });
    expect(parseJsonLine(line)).toEqual(result);
    const sample =
      '{"type":"fleet-proposals-bench","version":1,"impl":"reference","archive":{"path":"/x","label":"10MB","shape":"array","gzip":false,"files":8,"seed":1,"bytes":10,"decodedBytes":10,"sessions":1},' +
      '"workers":null,"parser":null,"runs":0,"wallSeconds":[],"medianSeconds":null,"mbPerSec":null,"sessionsPerSec":null,"peakRssKb":null,"rssMethod":"time","ok":false,"failure":"killed by SIGKILL","outputSha256":null,"machine":{"cpu":"x","cpus":1,"memGb":1,"platform":"linux","node":"v20"},"date":"2026-01-01T00:00:00Z"}';
    expect(parseJsonLine(sample)).toMatchObject({ impl: 'reference', ok: false, failure: 'killed by SIGKILL' });
    expect(() => parseJsonLine('{"type":"other"}')).toThrow(/not a bench result/);
    expect(() => parseJsonLine('[1]')).toThrow();
    expect(() => parseJsonLine('{"type":"fleet-proposals-bench","version":1}')).toThrow(/without/);
  });

  it('formatTable shows the numbers and the comparison', () => {
    const table = formatTable([
      result,
      { ...result, impl: 'reference', workers: null, parser: null, ok: false, failure: 'exit 137', wallSeconds: [], reference: undefined },
    ]);
    const lines = table.split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[2]).toContain('5.10');
    expect(lines[2]).toContain('3,140,000');
    expect(lines[2]).toContain('outputs equal (63 proposals)');
    expect(lines[3]).toContain('reference failed (exit 137)');
  });

  it('parsePythonJson reads bare Infinity/NaN as null, not inside strings', () => {
    expect(parsePythonJson('[{"a": Infinity, "b": -Infinity, "c": NaN, "d": "Infinity \\" NaN", "e": 1.5}]')).toEqual([
      { a: null, b: null, c: null, d: 'Infinity " NaN', e: 1.5 },
    ]);
  });

  it('compareProposals: equal modulo Infinity/null, or lists the differences', () => {
    const ref = '[\n  {"title": "Fix", "roi_weeks": Infinity, "supporting_evidence": ["x"]},\n  {"title": "Opt", "roi_weeks": 0.5}\n]\n';
    expect(compareProposals('[{"title":"Fix","roi_weeks":null,"supporting_evidence":["x"]},{"title":"Opt","roi_weeks":0.5}]', ref)).toEqual({
      equal: true,
      ours: 2,
      reference: 2,
      mismatches: [],
    });
    const diff = compareProposals('[{"title":"Fix","roi_weeks":null,"supporting_evidence":["y"]}]', ref);
    expect(diff.equal).toBe(false);
    expect(diff.mismatches[0]).toMatch(/1 proposals vs reference 2/);
    expect(diff.mismatches.join('\n')).toMatch(/proposal #1\.supporting_evidence\[0\]: ours "y", reference "x"/);
    expect(diff.mismatches.join('\n')).toMatch(/proposal #2: ours missing/);
  });

  it('median and argument parsing', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    expect(median([])).toBeNull();
    const o = parseRunArgs([
      '--size',
      '10MB,1GB',
      '--workers',
      '1,2',
      '--decoder',
      'fast',
      '--parser',
      'stream-json',
      '--runs',
      '5',
      '--vs-reference',
    ]);
    expect(o.sizes).toEqual([1e7, 1e9]);
    expect(o.workers).toEqual([1, 2]);
    expect(o.decoders).toEqual(['fast', 'stream-json']);
    expect(o.runs).toBe(5);
    expect(o.vsReference).toBe(true);
    expect(o.reference).toBe(resolve(ROOT, '../shared/reference/improvement_proposals.py'));
    expect(o.archiveProfiles).toEqual(['transcript']);
    expect(o.profiles).toEqual([]);
    const dense = parseRunArgs(['--archive-profile', 'transcript,dense', '--shape', 'array,jsonl', '--profile', 'seed', '--profile', 'fleet']);
    expect(dense.archiveProfiles).toEqual(['transcript', 'dense']);
    expect(dense.shapes).toEqual(['array', 'jsonl']);
    expect(dense.profiles).toEqual(['seed', 'fleet']);
    expect(() => parseRunArgs(['--archive-profile', 'sparse'])).toThrow(/--archive-profile/);
    expect(() => parseRunArgs(['--shape', 'xml'])).toThrow(/--shape/);
    expect(() => parseRunArgs(['--bogus'])).toThrow();
  });
});
