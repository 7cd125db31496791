import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { analyzeSequential, type AnalysisResult } from '../../src/analyze.js';
import type { AnalyzerError } from '../../src/errors.js';
import { classifyInputs, type InputFile } from '../../src/input/sources.js';
import type { ParserKind, ResolvedOptions } from '../../src/options.js';
import { NO_PROGRESS } from '../../src/progress.js';
import { buildReport, renderReport } from '../../src/report/index.js';
import { analyzeParallel } from '../../src/workers/pool.js';
import { FIXED_NOW } from '../helpers.js';
import { archiveFileArb } from '../arbitraries.js';
import { options, removeTmpDirs, tmpDir, writeArchives, writeFile } from './_archive.js';

/**
 * What a run prints: both reports, the counts, and the malformed summary. Offsets
 * only with a decoder that knows them exactly: stream-json's are "bytes read so far".
 */
function outputs(r: AnalysisResult, o: ResolvedOptions) {
  const report = buildReport(r.state, o);
  const exact = o.parser === 'fast';
  return {
    json: renderReport(report, 'json', FIXED_NOW),
    markdown: renderReport(report, 'markdown', FIXED_NOW),
    sessions: r.state.sessions,
    skipped: r.state.skipped,
    malformed: {
      count: r.malformed.count,
      first: r.malformed.first.map((m) => ({
        reason: m.reason,
        file: m.context.file,
        line: m.context.line,
        offset: exact ? m.context.offset : undefined,
      })),
    },
  };
}

type Settled = { ok: ReturnType<typeof outputs> } | { error: { name: string; code: string; message: string; context: unknown } };

async function settle(run: () => Promise<AnalysisResult>, o: ResolvedOptions): Promise<Settled> {
  try {
    return { ok: outputs(await run(), o) };
  } catch (err) {
    const e = err as AnalyzerError;
    return { error: { name: e.name, code: e.code, message: e.message, context: e.context } };
  }
}

function sequential(files: InputFile[], o: ResolvedOptions): Promise<Settled> {
  return settle(async () => analyzeSequential(await classifyInputs(files), { parser: o.parser, strict: o.strict, profile: o.profile }), o);
}

function parallel(files: InputFile[], o: ResolvedOptions, shardBytes: number, fallbacks: string[] = [], inThread = true): Promise<Settled> {
  return settle(
    async () => analyzeParallel(await classifyInputs(files), o, NO_PROGRESS, { shardBytes, onFallback: (_f, why) => fallbacks.push(why), inThread }),
    o,
  );
}

const sessions = Array.from({ length: 40 }, (_, i) => ({
  session_id: `s-${i}`,
  repo: ['alpha', 'beta'][i % 2],
  messages: [{ role: 'user', content: `msg ${i} "quoted" \\ [brackets] {braces}` }],
  errors: i % 3 ? [{ message: 'ImportError: no module named foo' }] : [],
  tool_calls: Array.from({ length: 2 + (i % 13) }, (_, k) => ({ tool: ['Bash', 'Read'][(k >> 2) % 2], latency_ms: 700 * ((i + k) % 11) })),
  duration_minutes: i * 2.5,
}));
const arrayText = JSON.stringify(sessions, null, 1);
const LONG = process.env['FLEET_PROPOSALS_LONG_TESTS'] === '1';

afterAll(removeTmpDirs);

describe(analyzeParallel.name, () => {
  const dir = tmpDir();

  it('random archives, shard sizes, worker counts and parsers, with or without this thread taking tasks: the same report as the single-thread path', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(archiveFileArb, { minLength: 1, maxLength: 3 }),
        fc.integer({ min: 30, max: 1500 }),
        fc.integer({ min: 1, max: 4 }),
        fc.constantFrom<ParserKind>('fast', 'stream-json'),
        fc.boolean(),
        fc.boolean(),
        async (archives, shardBytes, workers, parser, strict, inThread) => {
          const files = writeArchives(tmpDir(), archives);
          const o = options({ workers, parser, strict });
          const expected = await sequential(files, o);
          expect(await parallel(files, o, shardBytes, [], inThread)).toEqual(expected);
        },
      ),
      // each run starts up to three worker threads (~0.3 s of start-up each, most of this test's time):
      // npm test runs 20, FLEET_PROPOSALS_LONG_TESTS=1 (README, "Tests") the long count, 40
      { numRuns: LONG ? 40 : 20 },
    );
  }, 240_000);

  it('splits a big array into many shards and reports progress for every byte and session', async () => {
    const f = writeFile(dir, 'big.json', arrayText);
    let bytes = 0;
    let count = 0;
    const progress = { bytes: (n: number) => void (bytes += n), sessions: (n: number) => void (count += n), stop() {} };
    const o = options({ workers: 3 });
    const r = await analyzeParallel(await classifyInputs([f]), o, progress, { shardBytes: 500 });
    expect(outputs(r, o)).toEqual(((await sequential([f], o)) as { ok: unknown }).ok);
    expect(bytes).toBe(f.size);
    expect(count).toBe(sessions.length);
  });

  it('merges many small files in input order (more files than the look-ahead window)', async () => {
    const d = tmpDir();
    const files = Array.from({ length: 40 }, (_, i) =>
      writeFile(d, `${String(i).padStart(2, '0')}.json`, JSON.stringify(sessions.slice(i % 7, (i % 7) + 5))),
    );
    const o = options({ workers: 2 });
    expect(await parallel(files, o, 1_000_000)).toEqual(await sequential(files, o));
  });

  it('reads a folder of tiny files in batches (more than one batch), with a bad file and keyless files in the middle, as one thread does', async () => {
    const d = tmpDir();
    const name = (i: number) => `${String(i).padStart(3, '0')}.json`;
    const files = Array.from({ length: 150 }, (_, i) =>
      i % 37 === 5
        ? writeFile(d, name(i), '[{"what": 1}]')
        : writeFile(d, name(i), i % 11 === 3 ? '[1, {"session_id": "x", "tool_calls": 7}]' : JSON.stringify(sessions.slice(i % 5, (i % 5) + 2))),
    );
    const o = options({ workers: 2 });
    expect(await parallel(files, o, 1_000_000)).toEqual(await sequential(files, o));
    const broken = [...files.slice(0, 100), writeFile(d, 'broken.json', '[{"session_id": '), ...files.slice(100)];
    const failed = await parallel(broken, o, 1_000_000);
    expect(failed).toEqual(await sequential(broken, o));
    expect('error' in failed && failed.error.message).toContain('broken.json');
  });

  it.each(['fast', 'stream-json'] as const)(
    'odd wrappers (a later non-array "sessions", empty arrays) match the single-thread path (--parser %s)',
    async (parser) => {
      const d = tmpDir();
      const files = [
        writeFile(d, 'scalar-after.json', `{"sessions": ${arrayText}, "sessions": 5}`),
        writeFile(d, 'object-after.json', `{"sessions": ${arrayText}, "sessions": {"a": [1]}}`),
        writeFile(d, 'empty-last.json', `{"sessions": ${arrayText}, "sessions": []}`),
        writeFile(d, 'empty-first.json', `{"sessions": [], "meta": ${JSON.stringify(sessions)}, "sessions": ${arrayText}}`),
        writeFile(d, 'no-records.json', `{"meta": ${arrayText}, "sessions": []}`),
      ];
      for (const f of files) {
        const o = options({ workers: 2, parser });
        expect(await parallel([f, f], o, 400), f.path).toEqual(await sequential([f, f], o));
      }
    },
  );

  it('a separator guessed inside a record (a nested list of objects keyed like sessions) still gives the single-thread result', async () => {
    const d = tmpDir();
    const nested = sessions.map((x, i) => (i % 5 === 2 ? { ...x, children: [{ session_id: 'a' }, { session_id: 'b' }, { session_id: 'c' }] } : x));
    const f = writeFile(d, 'nested.json', JSON.stringify(nested));
    for (const parser of ['fast', 'stream-json'] as const) {
      const o = options({ workers: 2, parser });
      expect(await parallel([f], o, 300)).toEqual(await sequential([f], o));
    }
  });

  it.each(['fast', 'stream-json'] as const)(
    'a lone gzip file is inflated here and decoded in a worker, with the single-thread result and errors (--parser %s)',
    async (parser) => {
      const { gzipSync } = await import('node:zlib');
      const d = tmpDir();
      const text = JSON.stringify(sessions);
      const good = gzipSync(text);
      const cases = [
        writeFile(d, 'good.json.gz', good),
        writeFile(d, 'lines.jsonl.gz', gzipSync(sessions.map((x) => JSON.stringify(x)).join('\n'))),
        writeFile(d, 'truncated-gzip.json.gz', good.subarray(0, good.length - 20)),
        writeFile(d, 'bad-json.json.gz', gzipSync(text.replace('"s-7"', '"s-7'))),
        writeFile(d, 'big.json.gz', gzipSync(JSON.stringify(Array.from({ length: 60 }, () => sessions).flat()))),
      ];
      for (const f of cases) {
        const o = options({ workers: 2, parser });
        expect(await parallel([f], o, 400), f.path).toEqual(await sequential([f], o));
      }
    },
  );

  describe('invalid input: the single-thread path error (FP_INPUT, a byte offset), workers=2, no hang', () => {
    const corrupt = (s: string, at: number, by: string) => s.slice(0, at) + by + s.slice(at + by.length);
    const middle = arrayText.indexOf('"s-20"');
    // [what, file name, content, how the split run finds out]
    const cases: [string, string, string, RegExp][] = [
      ['a truncated array', 'truncated.json', arrayText.slice(0, -40), /^the plan gave up: end of input/],
      ['a broken byte inside one shard', 'inside.json', corrupt(arrayText, middle + 8, ';'), /^shard \d+: Invalid JSON/],
      [
        'a raw control character inside a string',
        'control.json',
        corrupt(arrayText, arrayText.indexOf('msg 30') + 3, '\u0001'),
        /^shard \d+: Invalid JSON/,
      ],
      [
        'a broken value before "sessions" (outside every shard)',
        'before.json',
        `{"meta": [1 2], "sessions": ${arrayText}}`,
        /^skeleton: Invalid JSON/,
      ],
      ['a trailing comma in the wrapper (outside every shard)', 'after.json', `{"sessions": ${arrayText}, }`, /^skeleton: Invalid JSON/],
      // cut by the separator guess (no pass over the file): the range or skeleton check finds out
      ['a trailing comma in the array', 'trailing.json', arrayText.replace(/\]\s*$/, ',]'), /^(shard \d+|skeleton): Invalid JSON/],
      ['extra data after an array', 'extra2.json', `${arrayText} []`, /^(shard \d+|skeleton): Invalid JSON/],
      ['extra data after the wrapper', 'extra.json', `{"sessions": ${arrayText}} x`, /^the plan gave up: extra data/],
      [
        'a missing comma between two elements',
        'comma.json',
        corrupt(arrayText, arrayText.lastIndexOf('},', arrayText.indexOf('"s-25"')) + 1, ' '),
        /^shard \d+: Invalid JSON/,
      ],
      [
        'invalid JSON Lines',
        'broken.jsonl',
        sessions.map((s, i) => (i === 27 ? JSON.stringify(s).slice(0, -2) : JSON.stringify(s))).join('\n'),
        /^shard \d+: Invalid JSON/,
      ],
    ];
    it.each(cases)('%s', async (_what, name, content, how) => {
      const f = writeFile(dir, name, content);
      const o = options({ workers: 2, parser: 'stream-json' });
      const expected = await sequential([f], o);
      expect('error' in expected && expected.error.code).toBe('FP_INPUT');
      const fallbacks: string[] = [];
      const got = await parallel([f], o, 400, fallbacks);
      expect(fallbacks).toHaveLength(1);
      expect(fallbacks[0]).toMatch(how);
      expect(got).toEqual(expected);
      if ('error' in got) {
        expect(got.error.name).toBe('AnalyzerError');
        expect((got.error.context as { offset?: number }).offset).toBeTypeOf('number');
      }
    });

    it('reports the first failing file in input order, even when a later one fails first', async () => {
      const d = tmpDir();
      const files = [
        writeFile(d, '0.json', arrayText),
        // a big file failing late, then a small one failing at once
        writeFile(d, '1.json', arrayText.slice(0, -5)),
        writeFile(d, '2.json', '[{"session_id": x}]'),
        writeFile(d, '3.json', arrayText),
      ];
      const o = options({ workers: 3 });
      const expected = await sequential(files, o);
      expect('error' in expected && expected.error.context).toMatchObject({ file: files[1]!.path });
      expect(await parallel(files, o, 300)).toEqual(expected);
    });

    it('--strict: a malformed record in a middle shard, or in an earlier "sessions" array, is fatal (FP_MALFORMED)', async () => {
      const withBad = JSON.stringify([...sessions.slice(0, 20), { errors: 5 }, ...sessions.slice(20)]);
      for (const [name, content] of [
        ['strict-middle.json', withBad],
        ['strict-dead.json', `{"sessions": [1], "sessions": ${arrayText}}`],
      ] as const) {
        const f = writeFile(dir, name, content);
        const o = options({ workers: 2, strict: true });
        const expected = await sequential([f], o);
        expect('error' in expected && expected.error.code).toBe('FP_MALFORMED');
        expect(await parallel([f], o, 300)).toEqual(expected);
        // without --strict: skipped and counted, as in the single-thread path
        const lenient = options({ workers: 2 });
        expect(await parallel([f], lenient, 300)).toEqual(await sequential([f], lenient));
      }
    });

    it('a missing file is the single-thread path error', async () => {
      const files = [{ path: `${dir}/does-not-exist.json`, size: 10_000 }];
      const o = options({ workers: 2 });
      const expected = await sequential(files, o);
      expect('error' in expected && expected.error.code).toBe('FP_INPUT');
      expect(await parallel(files, o, 100)).toEqual(expected);
    });
  });
});
