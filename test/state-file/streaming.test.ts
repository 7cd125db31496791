/**
 * State files are written and read in chunks, never as one string: a state can
 * outgrow V8's longest string (~512 MB, `RangeError: Invalid string length`).
 *
 * The >512 MB case itself is opt-in (it writes ~600 MB to the temp folder and
 * needs ~3 GB of memory): `FLEET_PROPOSALS_LONG_TESTS=1 npx vitest run test/state-file/streaming.test.ts`.
 */
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addSession, finalizeState, initState, type AnalyzerState } from '../../src/accumulators/index.js';
import { AnalyzerError } from '../../src/errors.js';
import { parseState, readState, serializeState, serializeStateChunks, type StateDocument } from '../../src/state-file.js';
import { readJsonChunks, reviveTagged, stringifyChunks } from '../../src/state-file-json.js';
import { richDocument } from './_states.js';

const LONG = process.env['FLEET_PROPOSALS_LONG_TESTS'] === '1';
if (!LONG) console.warn('SKIPPED: the 512 MB state-file test (set FLEET_PROPOSALS_LONG_TESTS=1 to run it; needs ~3 GB of memory)');

/** The replacer state files used before they were streamed (JSON.stringify in one piece). */
function oneStringReplacer(_key: string, value: unknown): unknown {
  const byValue = <T>(a: T, b: T) => (a < b ? -1 : a > b ? 1 : 0);
  if (value instanceof Map) return { $map: [...value.entries()].sort((a, b) => byValue(a[0], b[0])) };
  if (value instanceof Set) return { $set: [...value.values()].sort(byValue) };
  if (typeof value === 'number' && (!Number.isFinite(value) || Object.is(value, -0))) return { $num: Object.is(value, -0) ? '-0' : String(value) };
  return value;
}

const key = fc.string({ maxLength: 6 }).filter((k) => !k.startsWith('$') && k !== '__proto__');
const num = fc.oneof(fc.integer(), fc.double(), fc.constantFrom(-0, Infinity, -Infinity, NaN, 1e300));
const { value: stateLike } = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.string({ maxLength: 8, unit: 'grapheme' }),
    num,
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(key, tie('value'), { maxKeys: 4 }),
    fc.uniqueArray(fc.tuple(key, tie('value')), { maxLength: 4, selector: (e) => e[0] }).map((e) => new Map(e)),
    fc.uniqueArray(fc.string({ maxLength: 5 }), { maxLength: 4 }).map((e) => new Set(e)),
  ),
}));

async function* split(text: string, cuts: number[]): AsyncGenerator<Buffer> {
  const bytes = Buffer.from(text);
  let at = 0;
  for (const c of [...cuts.map((x) => x % (bytes.length + 1))].sort((a, b) => a - b)) {
    yield bytes.subarray(at, Math.max(at, c));
    at = Math.max(at, c);
  }
  yield bytes.subarray(at);
}

describe('state JSON in chunks', () => {
  it('the chunks are the bytes JSON.stringify wrote in one piece', () => {
    fc.assert(
      fc.property(stateLike, (v) => {
        expect([...stringifyChunks(v)].join('')).toBe(JSON.stringify(v, oneStringReplacer));
      }),
      { numRuns: 300 },
    );
  });

  it('read back from bytes cut anywhere (inside UTF-8 sequences too), tags revived', async () => {
    await fc.assert(
      fc.asyncProperty(stateLike, fc.array(fc.nat(), { maxLength: 5 }), async (v, cuts) => {
        const text = [...stringifyChunks(v)].join('');
        expect(reviveTagged(await readJsonChunks(split(text, cuts)))).toEqual(v);
      }),
      { numRuns: 150 },
    );
  });

  it('a state file read streaming is the state file parsed in one piece', async () => {
    const doc = await richDocument();
    const text = serializeState(doc);
    const streamed = await readState(split(text, [7, 100, 1000]), 'x.state');
    expect(serializeState(streamed)).toBe(text);
    expect(streamed).toEqual(parseState(text, 'x.state'));
  });

  it('invalid or truncated JSON is exit 3 naming the file', async () => {
    const text = serializeState(await richDocument());
    for (const bad of [text.slice(0, -3), text + 'x', '', '{"format": ']) {
      const err = await readState(split(bad, []), 'cut.state').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AnalyzerError);
      expect((err as AnalyzerError).exitCode).toBe(3);
      expect((err as AnalyzerError).message).toMatch(/^Invalid state file: .+, in cut\.state$/);
    }
  });

  it('a version 1 state file (before profiles) is read as a seed state', async () => {
    const doc = await richDocument();
    const v2 = JSON.parse(serializeState(doc));
    // version 1 as it was written: the detector states beside copies of the counts
    const v1 = {
      format: v2.format,
      version: 1,
      sessions: v2.sessions,
      skipped: v2.skipped,
      state: { sessions: v2.sessions, skipped: v2.skipped, ...v2.detectors },
      malformed: v2.malformed,
    };
    const read = parseState(JSON.stringify(v1), 'old.state');
    expect(read.state.profile).toBe('seed');
    expect(serializeState(read)).toBe(serializeState(doc));
    v1.state.sessions = 3;
    expect(() => parseState(JSON.stringify(v1), 'old.state')).toThrow('Invalid state file: state.sessions: differs from sessions, in old.state');
  });

  it("a version 2 to 4 seed state is read as it is; a fleet state of version 2 (before the weekly series), 3 (before the loops' categories) or 4 (before logged costs) is refused", async () => {
    const doc = await richDocument();
    const v5 = JSON.parse(serializeState(doc));
    expect(v5.version).toBe(5);
    for (const version of [2, 3, 4]) {
      const old = { ...v5, version };
      expect(serializeState(parseState(JSON.stringify(old), 'seed.state'))).toBe(serializeState(doc));
    }
    expect(() => parseState(JSON.stringify({ ...v5, version: 2, profile: 'fleet' }), 'fleet2.state')).toThrow(
      'Invalid state file: a fleet state of version 2, written before the weekly series; this build reads its version 5: emit it again, in fleet2.state',
    );
    expect(() => parseState(JSON.stringify({ ...v5, version: 3, profile: 'fleet' }), 'fleet3.state')).toThrow(
      "Invalid state file: a fleet state of version 3, written before the failure loops' error categories; this build reads its version 5: emit it again, in fleet3.state",
    );
    expect(() => parseState(JSON.stringify({ ...v5, version: 4, profile: 'fleet' }), 'fleet4.state')).toThrow(
      'Invalid state file: a fleet state of version 4, written before the costs the agents logged; this build reads its version 5: emit it again, in fleet4.state',
    );
    expect(() => parseState(JSON.stringify({ ...v5, version: 6 }), 'new.state')).toThrow(
      'Invalid state file: version 6, this build reads versions 1 to 5, in new.state',
    );
  });
});

async function writeChunks(file: string, chunks: Iterable<string>): Promise<void> {
  const out = createWriteStream(file);
  for (const c of chunks) if (!out.write(c)) await once(out, 'drain');
  out.end();
  await once(out, 'finish');
}

/** `n` sessions, each with `errorsEach` distinct errors: n * errorsEach distinct keys. */
function manyKeys(n: number, errorsEach: number, repo: (i: number) => string = (i) => `r${i % 7}`): AnalyzerState {
  const s = initState();
  for (let i = 0; i < n; i++) {
    const errors = Array.from({ length: errorsEach }, (_, k) => `failure number ${i * errorsEach + k} of a long run`);
    addSession(s, { session_id: `s${i}`, repo: repo(i), errors, tool_calls: [], duration_minutes: 0 }, [0, 0, i]);
  }
  return s;
}

describe('state files in chunks', () => {
  it('a state of many distinct keys is written in ~1 MB chunks and read back from the file', async () => {
    const state = manyKeys(3000, 10);
    const doc: StateDocument = { state, malformed: { count: 0, first: [] } };
    const chunks = [...serializeStateChunks(doc)];
    expect(chunks.length).toBeGreaterThan(3);
    expect(Math.max(...chunks.map((c) => c.length))).toBeLessThan((1 << 20) + 1000);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'fp-big-state-'));
    try {
      const file = path.join(dir, 'big.state');
      await writeChunks(file, chunks);
      const read = await readState(createReadStream(file), file);
      expect((read.state.detectors['repeated_errors'] as Map<string, unknown>).size).toBe(30_000);
      expect(finalizeState(read.state)).toEqual(finalizeState(parseState(chunks.join(''), file).state));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it.skipIf(!LONG)(
    'a state over 512 MB (600 sessions with 1 MB repo names) is written and read back',
    async () => {
      const mb = 'x'.repeat(1 << 20);
      const state = manyKeys(600, 1, (i) => `${i}-${mb}`);
      const doc: StateDocument = { state, malformed: { count: 0, first: [] } };
      const dir = mkdtempSync(path.join(os.tmpdir(), 'fp-huge-state-'));
      try {
        const file = path.join(dir, 'huge.state');
        await writeChunks(file, serializeStateChunks(doc));
        expect(statSync(file).size).toBeGreaterThan(600 * 2 ** 20);
        const read = await readState(createReadStream(file), file);
        expect(read.state.sessions).toBe(600);
        expect(finalizeState(read.state).results).toEqual(finalizeState(state).results);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    600_000,
  );
});
