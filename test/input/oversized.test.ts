/**
 * Kept values too big for one string (issue #9): src/input/_oversized.ts and
 * _oversized-message.ts. The size limit is lowered (the same code path as 600 MB,
 * with values of a few hundred kB), and every result is compared with the usual
 * path (the whole value parsed as one string), which is exact by construction.
 */
import { readFileSync } from 'node:fs';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AnalyzerError } from '../../src/errors.js';
import { categorize } from '../../src/fleet/error-taxonomy.js';
import { FastDecoder } from '../../src/input/fast-decoder.js';
import { decodeWithStreamJson } from '../../src/input/stream-json-decoder.js';
import { oversized } from '../../src/input/_oversized.js';
import { RUN_KEEP, readMessage as readWith, reduceMessage as reduceWith } from '../../src/input/_oversized-message.js';
import { toSession } from '../../src/input/to-session.js';
import { PROFILES } from '../../src/profiles/all.js';
import { runCli } from '../helpers.js';

// The readers of every profile (each gives its own to the decoder): a stand-in here is
// proven for the seed's key and the fleet's key, category, rejection test and example at once.
const READERS = PROFILES.flatMap((p) => (p.messageReaders === undefined ? [] : [p.messageReaders]));
const reduceMessage = (pieces: Iterable<string>, cap: number) => reduceWith(pieces, cap, READERS);
const readMessage = (text: string) => readWith(text, READERS);

// ---- the message stand-in (pure) ---------------------------------------------

/** Pieces that meet every reader's corner: whitespace kinds, paths, hex, dates, case, lines, taxonomy words. */
const TOKENS = [
  ' ',
  '  ',
  '\n',
  '\t',
  '\u00a0',
  '\u2028',
  '/',
  '/usr/lib',
  'a',
  'e',
  'x',
  'Q',
  '7',
  '2024-01-02T03:04',
  '1999-12-31t23:59',
  'deadbeef01',
  'ABCDEF0123',
  'Σ',
  "Σ'",
  'İ',
  '😀',
  '\\n',
  'String: ',
  'hook',
  'user rejected',
  'permission denied by the user',
  'FAILED',
  '3 tests, 1 failure',
  'timed out',
  'not found',
  '<returncode>1</returncode>',
  '"quoted"',
  'branch feat/x-1',
  'Error: ',
];

const runArb = fc
  .tuple(fc.constantFrom('e', 'x', ' ', '/', '7', 'Σ', '\n', 'a', '-'), fc.integer({ min: RUN_KEEP - 2, max: RUN_KEEP * 2 }))
  .map(([c, n]) => c.repeat(n));
const textArb = fc
  .array(fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...TOKENS) }, { weight: 1, arbitrary: runArb }), { maxLength: 300, size: 'max' })
  .map((t) => t.join(''));

/** `text` cut into pieces at the given (sorted, deduplicated) unit offsets. */
function cutAt(text: string, cuts: number[]): string[] {
  const at = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
  const pieces: string[] = [];
  let from = 0;
  for (const c of at) {
    pieces.push(text.slice(from, c));
    from = c;
  }
  pieces.push(text.slice(from));
  return pieces;
}

describe(reduceMessage.name, () => {
  it('a stand-in, when there is one, is read like the whole text by every reader (seed key, fleet key, category, rejection, example)', () => {
    let prefixes = 0;
    let refused = 0;
    fc.assert(
      fc.property(textArb, fc.array(fc.nat(), { maxLength: 6 }), fc.integer({ min: 200, max: 2000 }), (text, cuts, cap) => {
        const standIn = reduceMessage(cutAt(text, cuts), cap);
        if (standIn === undefined) {
          refused++;
          return;
        }
        if (standIn.length >= cap) prefixes++;
        expect(readMessage(standIn)).toEqual(readMessage(text));
      }),
      { numRuns: 150 },
    );
    // not vacuous: both the prefix stand-in and the refusal happen
    expect(prefixes).toBeGreaterThan(10);
    expect(refused).toBeGreaterThan(0);
  });

  it('runs longer than RUN_KEEP are cut without any reader noticing, across piece boundaries', () => {
    fc.assert(
      fc.property(textArb, fc.array(fc.nat(), { maxLength: 6 }), (text, cuts) => {
        const standIn = reduceMessage(cutAt(text, cuts), Number.MAX_SAFE_INTEGER);
        expect(standIn).toBeDefined();
        expect(standIn!.length).toBeLessThanOrEqual(text.length);
        expect(readMessage(standIn!)).toEqual(readMessage(text));
      }),
      { numRuns: 100 },
    );
    expect(reduceMessage(['e'.repeat(5000), 'e'.repeat(5000)], 1000)).toBe('e'.repeat(RUN_KEEP));
  });

  it('a message whose key depends on what lies past the prefix is refused', () => {
    // one path of 100k characters: '/PATH' and then whatever follows the path
    expect(reduceMessage([`error: ${'ab/'.repeat(40000)}`], 1000)).toBeUndefined();
    // only whitespace within the prefix
    expect(reduceMessage([' '.repeat(2000), 'x y z'.repeat(1000)], 1000)).toBeUndefined();
    // a run of digits long enough to hide a taxonomy match longer than the windows' overlap
    const digits = (n: number, at: number) => [`${'word\n'.repeat(300)}${'1'.repeat(at)}`, `${'1'.repeat(n - at)} tests, 1 failure`];
    expect(reduceMessage(digits(30_000, 7), 1000)).toBeDefined();
    for (const at of [0, 1, 9999, 16351]) expect(reduceMessage(digits(40_000, at), 1000)).toBeUndefined();
  });

  it("a cancelled parallel call's message is refused when only its prefix could be kept", () => {
    // the fleet reads it as no error of its own only when the WHOLE text ends in "errored"
    const body = Array.from({ length: 2000 }, (_, i) => `step ${i} ok`).join('\n');
    expect(reduceMessage([`Cancelled: parallel tool call Bash(${body}`, ') errored'], 1000)).toBeUndefined();
    expect(reduceMessage([`Cancelled: parallel tool call Bash(${body}`, ') failed'], 1000)).toBeUndefined();
    // the same text, short enough to be kept whole, is read as itself
    expect(reduceMessage(['Cancelled: parallel tool call Bash(go test ./...) errored'], 1000)).toBe(
      'Cancelled: parallel tool call Bash(go test ./...) errored',
    );
  });

  it('the taxonomy repeats nothing without bound but digits, and the sentinels start and end no match', () => {
    // The category search in windows (_oversized-message.ts) relies on both. If this fails,
    // the taxonomy changed: review OVERLAP / DIGIT_RUN and the sentinels there.
    const source = readFileSync(new URL('../../src/fleet/error-taxonomy.ts', import.meta.url), 'utf8');
    const taxonomy = source.slice(source.indexOf('const TAXONOMY'), source.indexOf('export function categorize'));
    const patterns = [...taxonomy.matchAll(/\/((?:[^/\\\n]|\\.)+)\/[a-z]*,?\s*\]/g)].map((m) => m[1]!);
    expect(patterns.length).toBeGreaterThanOrEqual(10);
    for (const p of patterns) {
      for (const m of p.matchAll(/(\\.|\]|\))?([*+]|\{\d+,\})/g)) expect([p, m[1]]).toEqual([p, '\\d']);
    }
    for (const s of ['q', ' ', '\n']) expect(categorize(`${s}`)).toBe('other');
  });
});

// ---- the decoder --------------------------------------------------------------

const saved = { ...oversized };
beforeEach(() => {
  oversized.bytes = 50_000;
  oversized.messageUnits = 20_000;
  oversized.pieceBytes = 7_001;
});
afterEach(() => Object.assign(oversized, saved));

function decode(text: string, chunk = 65536): unknown[] {
  const out: unknown[] = [];
  const d = new FastDecoder((e) => e.kind === 'record' && out.push(e.record.value), { file: 'x.json', messageReaders: READERS });
  const bytes = Buffer.from(text);
  for (let i = 0; i < bytes.length; i += chunk) d.push(bytes.subarray(i, i + chunk));
  d.end();
  return out;
}

function decodeAsUsual(text: string): unknown[] {
  oversized.bytes = Number.MAX_SAFE_INTEGER;
  try {
    return decode(text);
  } finally {
    oversized.bytes = 50_000;
  }
}

function thrown(f: () => unknown): AnalyzerError {
  try {
    f();
  } catch (e) {
    if (e instanceof AnalyzerError) return e;
    throw e;
  }
  throw new Error('expected an AnalyzerError');
}

const tiny = (n: number) =>
  `[${Array.from({ length: n }, (_, i) => (i % 1000 < 998 ? '{"message":"e"}' : `{"message": "E${i}", "x": [1]}`)).join(', ')}]`;

describe('FastDecoder with values over the limit', () => {
  it.each([1, 7, 4096, 65536])('parses a huge errors / tool_calls list element by element, as the usual path does (chunks of %i bytes)', (chunk) => {
    const calls = `[${Array.from({ length: 4000 }, (_, i) => `{"tool": ${i % 3 === 0 ? '1e2' : '"bash"'}, "latency_ms": ${i % 7}}`).join(',')}]`;
    const text = `[{"session_id": "a", "errors": ${tiny(5000)}, "tool_calls": ${calls}, "messages": [1]},\n {"errors": "${'s'.repeat(60_000)}"}, {"errors": {"${'k'.repeat(60_000)}": 1}}]`;
    const got = decode(text, chunk);
    const usual = decodeAsUsual(text);
    expect(got[0]).toEqual(usual[0]);
    // a huge list that is not a list: a small stand-in of the same type, read (and refused) the same way
    expect(got.map((v) => toSession(v))).toEqual(usual.map((v) => toSession(v)));
    expect(toSession(got[2])).toEqual({ ok: false, reason: '"errors" is an object, expected a list' });
  });

  it('reads a huge tool call by its members, the last of each name, as JSON.parse does', () => {
    const input = `"input": {"text": "${'i'.repeat(1000)}"}`;
    const call = `{"tool": 1e2, ${Array.from({ length: 60 }, () => input).join(', ')}, "latency_ms": 7, "tool": 2.0, "x": [1]}`;
    const text = `[{"tool_calls": [{"tool": "a"}, ${call}]}]`;
    const [got] = decode(text, 4096);
    expect(got).toEqual(decodeAsUsual(text)[0]);
    expect(toSession(got)).toEqual(toSession(decodeAsUsual(text)[0]));
    // a tool call whose distinct members add up to the limit is refused
    const wide = `[{"tool_calls": [{${Array.from({ length: 60 }, (_, i) => `"k${i}": "${'w'.repeat(1000)}"`).join(', ')}}]}]`;
    expect(thrown(() => decode(wide)).message).toMatch(/^Value too large: a tool call of \d+ bytes at byte 17 in x.json$/);
  });

  it('keeps a huge message as a stand-in that reads like the whole message', () => {
    const message = `Error: build failed at /src/a.ts\\n${'step 1: compiling module ... ok\\n'.repeat(3000)}`;
    const text = `{"errors": [{"message": "${message}", "other": "${'z'.repeat(60_000)}"}, {"message": "e"}]}\n{"repo": "r"}`;
    const [got] = decode(text, 4096) as [{ errors: Array<{ message: string }> }];
    const [usual] = decodeAsUsual(text) as [{ errors: Array<{ message: string }> }];
    expect(got.errors[0]!.message.length).toBeLessThan(usual.errors[0]!.message.length);
    expect(readMessage(got.errors[0]!.message)).toEqual(readMessage(usual.errors[0]!.message));
    expect(got.errors[1]).toEqual(usual.errors[1]);
  });

  it.each([
    ['an error message', (v: string) => `{"errors": [{"message": "${v}"}]}`, 'ab/'.repeat(20_000)],
    ['a session_id', (v: string) => `{"session_id": "${v}"}`, 'x'.repeat(60_000)],
    ['a repo name', (v: string) => `{"repo": "${v}"}`, 'x'.repeat(60_000)],
    ['a tool name', (v: string) => `{"tool_calls": [{"tool": "${v}", "latency_ms": 1}]}`, 'x'.repeat(60_000)],
  ])('refuses %s it cannot keep exactly: exit 3, located at the value, for every chunking and shape', (what, record, value) => {
    const shapes = [`[${record(value)}]`, `{"sessions": [{}, ${record(value)}]}`, `{}\n${record(value)}\n`];
    for (const text of shapes) {
      const at = Buffer.byteLength(text.slice(0, text.indexOf(`"${value}`)));
      for (const chunk of [3, 4096, 1 << 20]) {
        const err = thrown(() => decode(text, chunk));
        expect(err.code).toBe('FP_INPUT');
        expect(err.message).toBe(`Value too large: ${what} of ${value.length + 2} bytes at byte ${at} in x.json`);
      }
    }
  });
});

// ---- end to end: workers and shapes -------------------------------------------

describe('the CLI with values over the limit', () => {
  const dir = mkdtempSync(join(tmpdir(), 'oversized-'));
  // kept as a prefix stand-in (longer than messageUnits, no long run)
  const LONG = `Error: build failed at /src/a.ts\\n${'step 1: compiling module ... ok\\n'.repeat(3000)}`;
  const sessions = (extra: string) => [
    `{"session_id": "a", "repo": "r", "errors": [{"message": "Error: timed out"}, {"message": "${LONG}"}]}`,
    `{"session_id": "b", "repo": "r", "errors": ${tiny(4000)}}`,
    `{"session_id": "c", "repo": "s", "errors": [{"message": "Error: timed out"}, {"message": "e"}], "tool_calls": [{"tool": "t", "latency_ms": 9000}]}`,
    `{"session_id": "d", "repo": "s", "errors": [{"message": "${extra}"}, {"message": "e"}, {"message": "${LONG}"}]}`,
  ];
  const files = (extra: string, name: string) => {
    const s = sessions(extra);
    const made = {
      array: join(dir, `${name}-array.json`),
      wrapper: join(dir, `${name}-wrapper.json`),
      jsonl: join(dir, `${name}.jsonl`),
    };
    writeFileSync(made.array, `[${s.join(',\n')}]`);
    writeFileSync(made.wrapper, `{"sessions": [${s.join(',\n')}]}`);
    writeFileSync(made.jsonl, `${s.join('\n')}\n`);
    return made;
  };
  const env = (bytes: string | undefined, shard: string | undefined) => {
    const old = [process.env['FLEET_PROPOSALS_OVERSIZED_BYTES'], process.env['FLEET_PROPOSALS_SHARD_BYTES']];
    const set = (k: string, v: string | undefined) => (v === undefined ? delete process.env[k] : (process.env[k] = v));
    set('FLEET_PROPOSALS_OVERSIZED_BYTES', bytes);
    set('FLEET_PROPOSALS_SHARD_BYTES', shard);
    return () => {
      set('FLEET_PROPOSALS_OVERSIZED_BYTES', old[0]);
      set('FLEET_PROPOSALS_SHARD_BYTES', old[1]);
    };
  };

  it('gives the usual output for 1, 2 and 3 workers and every shape, and the same located error', async () => {
    // its key is the short messages' key: the run of spaces is stripped
    const ok = files(`Error: timed out${' '.repeat(80_000)}`, 'ok');
    const bad = files(`Error: ${'ab/'.repeat(30_000)}`, 'bad');
    const usual: Record<string, string> = {};
    for (const [shape, file] of Object.entries(ok)) usual[shape] = (await runCli(['--input', file, '--format', 'json', '--threshold', '0'])).stdout;
    const fleetArgs = ['--input', ok.jsonl, '--profile', 'fleet', '--format', 'json'];
    const usualFleet = (await runCli(fleetArgs)).stdout;
    const restore = env('50000', '20000');
    oversized.bytes = 50_000;
    try {
      for (const [shape, file] of Object.entries(ok)) {
        for (const workers of ['1', '2', '3']) {
          const run = await runCli(['--input', file, '--format', 'json', '--threshold', '0', '--workers', workers]);
          expect([shape, workers, run.code, run.stdout]).toEqual([shape, workers, 0, usual[shape]]);
        }
      }
      expect(usual['jsonl']).toContain('Fix repeated error: Error: error: timed out');
      // --emit-state of such input, then merge: the same report
      const state = join(dir, 'ok.state');
      expect((await runCli(['--input', ok.jsonl, '--emit-state', state, '--workers', '2', '--quiet'])).code).toBe(0);
      expect((await runCli(['merge', state, '--format', 'json', '--threshold', '0'])).stdout).toBe(usual['jsonl']);
      // the fleet profile reads the stand-ins as the whole messages too
      expect((await runCli(fleetArgs)).stdout).toBe(usualFleet);
      expect(usualFleet).toContain('step <n>: compiling module ... ok');
      for (const [shape, file] of Object.entries(bad)) {
        const offset = readFileSync(file, 'latin1').indexOf('"Error: ab/');
        const size = Buffer.byteLength(`"Error: ${'ab/'.repeat(30_000)}"`);
        for (const workers of ['1', '2', '3']) {
          const run = await runCli(['--input', file, '--format', 'json', '--workers', workers]);
          expect([shape, workers, run.code, run.stdout]).toEqual([shape, workers, 3, '']);
          expect(run.stderr).toBe(`fleet-proposals: Value too large: an error message of ${size} bytes at byte ${offset} in ${file}\n`);
        }
      }
    } finally {
      restore();
    }
  }, 300_000);
});

describe('--parser stream-json with a string over the limit', () => {
  it('is exit 3 naming the limit and the way out, not a RangeError (exit 70)', async () => {
    // stream-json's parser concatenates each string; past V8's limit the concatenation throws this
    async function* source(): AsyncGenerator<Buffer> {
      yield Buffer.from('[{"errors": [{"message": "abc');
      throw new RangeError('Invalid string length');
    }
    const read = async () => {
      for await (const _ of decodeWithStreamJson(source(), { file: 'x.json', shape: 'auto' }));
    };
    const err = await read().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AnalyzerError);
    expect((err as AnalyzerError).code).toBe('FP_INPUT');
    expect((err as AnalyzerError).message).toBe(
      "Value too large: a string over V8's limit of 512 MB, which --parser stream-json keeps whole (the default parser does not), at byte 29 in x.json",
    );
  });
});
