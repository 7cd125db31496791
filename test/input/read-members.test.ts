/**
 * The seed members read straight from the bytes (src/input/_read-members.ts) against
 * the path they replace: the fast decoder with `seedSessions` must give, record by
 * record, the same `toSession` answer (session or malformed reason), place and
 * keyless note as the plain decoder followed by `parseKeptMember`, and the same error
 * at the same byte, for every chunking; on JSON written in every odd way (number
 * spellings, escapes in names, duplicate keys, `__proto__`, lone surrogates, nested
 * values, whitespace and newlines) and on broken bytes.
 */
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { AnalyzerError } from '../../src/errors.js';
import { Interner, MAX_INTERNED } from '../../src/input/_intern.js';
import { MemberReader, NOT_READ, ReadErrors, ReadToolCalls } from '../../src/input/_read-members.js';
import { FastDecoder, type FastDecoderOptions } from '../../src/input/fast-decoder.js';
import { toSession, type SessionCheck } from '../../src/input/to-session.js';
import { callsOfColumns } from '../../src/session.js';
import { SEED_SESSION_KEYS } from '../../src/input/types.js';
import { archiveFileArb, nastyStringArb, renderArchive } from '../arbitraries.js';

// ---- running both paths ----------------------------------------------------------

type Seen = Array<{ check: unknown; offset: number; line: number | undefined; keyless: boolean } | 'reset'> | { error: string; context: unknown };

function chunked(bytes: Buffer, sizes: readonly number[]): Buffer[] {
  const out: Buffer[] = [];
  for (let at = 0, k = 0; at < bytes.length; k++) {
    const n = sizes.length > 0 ? Math.max(1, sizes[k % sizes.length]!) : bytes.length;
    out.push(bytes.subarray(at, at + n));
    at += n;
  }
  return out;
}

function hasSeedKey(v: unknown): boolean {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).some((k) => SEED_SESSION_KEYS.has(k));
}

/** Sessions seen whose tool calls came as columns (so the tests can tell that path ran). */
let columnSessions = 0;

/** Records read whole by MemberReader.readRecord (so the tests can tell that path ran). */
let wholeRecords = 0;
const readRecord = MemberReader.prototype.readRecord;
vi.spyOn(MemberReader.prototype, 'readRecord').mockImplementation(function (this: MemberReader, ...args) {
  const end = readRecord.apply(this, args);
  if (end !== NOT_READ) wholeRecords++;
  return end;
});

/**
 * A toSession answer as plain data: a session whose calls came as columns is compared
 * by the ToolCalls its columns hold.
 */
function plainCheck(check: SessionCheck): unknown {
  if (!check.ok) return check;
  const s = check.session;
  if (s.calls !== undefined) columnSessions++;
  const calls = s.calls !== undefined ? callsOfColumns(s.calls) : s.tool_calls;
  return { ok: true, session: { session_id: s.session_id, repo: s.repo, errors: s.errors, tool_calls: calls, duration_minutes: s.duration_minutes } };
}

function decode(chunks: readonly Buffer[], opts: FastDecoderOptions): Seen {
  const seen: Seen = [];
  try {
    const d = new FastDecoder((e) => {
      if (e.kind === 'reset') seen.push('reset');
      else
        seen.push({
          check: plainCheck(toSession(e.record.value)),
          offset: e.record.offset,
          line: e.record.line,
          keyless: !hasSeedKey(e.record.value),
        });
    }, opts);
    for (const c of chunks) d.push(c);
    d.end();
  } catch (err) {
    if (!(err instanceof AnalyzerError)) throw err;
    return { error: err.message, context: err.context };
  }
  return seen;
}

function expectSame(bytes: Buffer, sizes: readonly number[], shape: 'auto' | 'jsonl'): Seen {
  const chunks = chunked(bytes, sizes);
  const plain = decode(chunks, { shape });
  expect(decode(chunks, { shape, seedSessions: true })).toStrictEqual(plain);
  return plain;
}

// ---- JSON written every way ------------------------------------------------------

const ws = fc.constantFrom('', '', '', ' ', '  ', '\n', '\t', ' \r\n ');

/** A string literal: JSON.stringify, or with some characters written as \u escapes. */
const stringLit = (s: fc.Arbitrary<string>): fc.Arbitrary<string> =>
  fc
    .tuple(s, fc.boolean())
    .map(([v, escapeAll]) =>
      escapeAll
        ? `"${Array.from({ length: v.length }, (_, i) => `\\u${v.charCodeAt(i).toString(16).padStart(4, '0')}`).join('')}"`
        : JSON.stringify(v),
    );

const numberLit: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('0', '-0', '1', '7', '100', '100.0', '1e2', '1E+2', '-1.5e-3', '0.5', '-0.0', '1e400', '5000', '12000', '3.0', '12000.75'),
  fc.constantFrom('12345678901234567890', '123456789012345678901234.0', '9007199254740993', '999999999999999', '1000000000000000'),
  fc.integer().map(String),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => JSON.stringify(d)),
);

const literal = fc.constantFrom('true', 'false', 'null');

const keyLit: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('"tool"', '"latency_ms"', '"message"') },
  { weight: 1, arbitrary: fc.constantFrom('"\\u0074ool"', '"latency\\u005fms"', '"__proto__"', '"type"', '"tool "', '"Tool"', '"messages"', '""') },
  { weight: 1, arbitrary: stringLit(nastyStringArb) },
);

function objectText(entries: fc.Arbitrary<[string, string]>, maxKeys: number): fc.Arbitrary<string> {
  return fc
    .tuple(fc.array(fc.tuple(entries, ws, ws, ws, ws), { maxLength: maxKeys }), ws)
    .map(([es, end]) => (es.length === 0 ? `{${end}}` : `{${es.map(([[k, v], a, b, c, d]) => `${a}${k}${b}:${c}${v}${d}`).join(',')}}`));
}

function arrayText(items: fc.Arbitrary<string>, maxLength: number): fc.Arbitrary<string> {
  return fc
    .tuple(fc.array(fc.tuple(items, ws, ws), { maxLength }), ws)
    .map(([xs, end]) => (xs.length === 0 ? `[${end}]` : `[${xs.map(([x, a, b]) => `${a}${x}${b}`).join(',')}]`));
}

/** Any JSON value as text, at most 3 levels deep. */
const anyText: fc.Arbitrary<string> = fc.letrec<{ value: string }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', maxDepth: 3 },
    stringLit(nastyStringArb),
    numberLit,
    literal,
    arrayText(tie('value'), 3),
    objectText(fc.tuple(keyLit, tie('value')), 3),
  ),
})).value;

const toolValue = fc.oneof(
  { weight: 6, arbitrary: stringLit(fc.constantFrom('Bash', 'Read', 'Edit', 'é', '中文', '😀', '', 'a"b', 'x\\y', '\ud800', 'Bash ')) },
  { weight: 2, arbitrary: numberLit },
  { weight: 1, arbitrary: literal },
  { weight: 1, arbitrary: anyText },
);
const latencyValue = fc.oneof({ weight: 6, arbitrary: numberLit }, { weight: 1, arbitrary: literal }, { weight: 1, arbitrary: anyText });
const messageValue = fc.oneof(
  { weight: 6, arbitrary: stringLit(fc.oneof(nastyStringArb, fc.constantFrom('Timeout after 30000ms at 2025-01-01T08:55', ''))) },
  { weight: 1, arbitrary: literal },
  { weight: 1, arbitrary: numberLit },
  { weight: 1, arbitrary: anyText },
);

const toolCallText = objectText(
  fc.oneof(
    { weight: 4, arbitrary: fc.tuple(fc.constant('"tool"'), toolValue) },
    { weight: 4, arbitrary: fc.tuple(fc.constant('"latency_ms"'), latencyValue) },
    { weight: 1, arbitrary: fc.tuple(keyLit, anyText) },
  ),
  4,
);
/** A tool call as dense archives write it (`{"tool":"X","latency_ms":N}`, read into columns), or nearly so. */
const compactCallText = fc
  .tuple(
    toolValue,
    fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 1, max: 120_000 }).map(String) }, { weight: 1, arbitrary: numberLit }),
    fc.constantFrom('', ' '),
    fc.constantFrom('', ' '),
  )
  .map(([tool, latency, a, b]) => `{"tool":${a}${tool},${b}"latency_ms":${a}${latency}}`);

const errorText = objectText(
  fc.oneof({ weight: 4, arbitrary: fc.tuple(fc.constant('"message"'), messageValue) }, { weight: 1, arbitrary: fc.tuple(keyLit, anyText) }),
  3,
);
const listOf = (item: fc.Arbitrary<string>) =>
  fc.oneof(
    { weight: 8, arbitrary: arrayText(fc.oneof({ weight: 8, arbitrary: item }, { weight: 1, arbitrary: anyText }), 14) },
    { weight: 1, arbitrary: anyText },
  );

const nameValue = fc.oneof(stringLit(fc.oneof(nastyStringArb, fc.constantFrom('acme/web', 'global'))), numberLit, literal, anyText);

const memberText: fc.Arbitrary<[string, string]> = fc.oneof(
  fc.tuple(fc.constant('"session_id"'), nameValue),
  fc.tuple(fc.constant('"repo"'), nameValue),
  fc.tuple(fc.constant('"errors"'), listOf(errorText)),
  fc.tuple(fc.constant('"tool_calls"'), listOf(toolCallText)),
  fc.tuple(fc.constant('"tool_calls"'), listOf(fc.oneof({ weight: 4, arbitrary: compactCallText }, { weight: 1, arbitrary: toolCallText }))),
  fc.tuple(fc.constant('"duration_minutes"'), fc.oneof(numberLit, literal, anyText)),
  fc.tuple(fc.constantFrom('"messages"', '"model"', '"\\u0072epo"', '"sessions"'), anyText),
);

const recordText = fc.oneof({ weight: 8, arbitrary: objectText(memberText, 7) }, { weight: 1, arbitrary: anyText });

/** An archive's text: an array, JSON Lines (newlines inside records make it invalid), or a wrapper. */
const archiveText = fc
  .tuple(fc.array(recordText, { minLength: 1, maxLength: 5 }), fc.constantFrom('array', 'jsonl', 'wrapper'), ws)
  .map(([recs, shape, end]): { text: string; shape: 'auto' | 'jsonl' } => {
    if (shape === 'jsonl') return { text: `${recs.join('\n')}\n`, shape: 'jsonl' };
    if (shape === 'wrapper') return { text: `{"meta": 1, "sessions": [${recs.join(',')}]${end}}`, shape: 'auto' };
    return { text: `[${recs.join(`,${end}`)}]`, shape: 'auto' };
  });

const sizes = fc.oneof(fc.constant([] as number[]), fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 4 }));

// ---- tests -----------------------------------------------------------------------

describe('seed members read from the bytes', () => {
  it('reads the dense shape in one pass: lists as ReadErrors / ReadToolCalls', () => {
    const text =
      '{"session_id":"s1","repo":"acme/web","messages":[{"role":"user","content":"hi"}],' +
      '"errors":[{"message":"Timeout after 30000ms","type":"runtime"},{"message":""},{"message":null}],' +
      '"tool_calls":[{"tool":"Write","latency_ms":109},{"tool":"LS","latency_ms":9259.5},{"latency_ms":true},{"tool":null}],"duration_minutes":101.1}\n';
    const values: unknown[] = [];
    const d = new FastDecoder((e) => e.kind === 'record' && values.push(e.record.value), { shape: 'jsonl', seedSessions: true });
    d.push(Buffer.from(text));
    d.end();
    const v = values[0] as Record<string, unknown>;
    expect(Object.keys(v)).toEqual(['session_id', 'repo', 'errors', 'tool_calls', 'duration_minutes']);
    expect(v['errors']).toStrictEqual(new ReadErrors(['Timeout after 30000ms']));
    expect(v['tool_calls']).toStrictEqual(
      new ReadToolCalls([
        { tool: 'Write', latency_ms: 109 },
        { tool: 'LS', latency_ms: 9259.5 },
        { tool: undefined, latency_ms: 1 },
        { tool: null, latency_ms: 0 },
      ]),
    );
    expect(v['duration_minutes']).toBe(101.1);
  });

  it.each([
    ['an escape in a property name', '{"tool_calls":[{"\\u0074ool":"Bash","latency_ms":1}]}'],
    ['a list as a tool', '{"tool_calls":[{"tool":["Bash"],"latency_ms":1}]}'],
    ['a string latency (malformed)', '{"tool_calls":[{"tool":"Bash","latency_ms":"1"}]}'],
    ['a call that is not an object', '{"tool_calls":[5]}'],
    ['an empty object as the list', '{"tool_calls":{}}'],
    ['a truthy message that is not a string', '{"errors":[{"message":1}]}'],
  ])('leaves %s to the generic path, with the same answer', (_what, record) => {
    const values: unknown[] = [];
    const d = new FastDecoder((e) => e.kind === 'record' && values.push(e.record.value), { shape: 'jsonl', seedSessions: true });
    d.push(Buffer.from(`${record}\n`));
    d.end();
    const v = values[0] as Record<string, unknown>;
    const list = v['tool_calls'] ?? v['errors'];
    expect(list instanceof ReadToolCalls || list instanceof ReadErrors).toBe(false);
    expectSame(Buffer.from(`${record}\n`), [], 'jsonl');
  });

  it('leaves a member cut by the chunk end to the generic path', () => {
    const bytes = Buffer.from('[{"tool_calls":[{"tool":"Bash","latency_ms":12}],"duration_minutes":12}]');
    for (let k = 1; k < bytes.length; k++) expectSame(bytes, [k], 'auto');
  });

  it('agrees with the generic path on JSON written every way, in any chunking', () => {
    const before = columnSessions;
    fc.assert(
      fc.property(archiveText, sizes, ({ text, shape }, sz) => {
        expectSame(Buffer.from(text), sz, shape);
      }),
      { numRuns: 400 },
    );
    expect(columnSessions).toBeGreaterThan(before); // the columns were read, not only fallen back from
  });

  it('reads tool calls into columns across blocks, and a session larger than a block', () => {
    const call = (k: number) => `{"tool":"${['Bash', 'Read', 'é', 'Edit'][k % 4]}","latency_ms":${(k % 997) + 1}}`;
    const session = (n: number, k: number) =>
      `{"session_id":"s${k}","tool_calls":[${Array.from({ length: n }, (_, j) => call(j + k)).join(',')}],"duration_minutes":1}`;
    // 2,200 sessions of 31 calls: 68,200 calls fill a block of 65,536 midway through a session
    const many = Array.from({ length: 2200 }, (_, k) => session(31, k)).join('\n');
    const huge = session(70_000, 7);
    const before = columnSessions;
    expectSame(Buffer.from(`${many}\n${huge}\n`), [1 << 16, 3000], 'jsonl');
    expect(columnSessions - before).toBeGreaterThan(2000); // those cut by a chunk end take the generic path
  });

  it('agrees with the generic path on archives of session records in every shape', () => {
    const before = wholeRecords;
    fc.assert(
      fc.property(
        archiveFileArb.filter((f) => f.shape !== 'gzip'),
        sizes,
        (f, sz) => {
          const { name, bytes } = renderArchive(f);
          expectSame(bytes, sz, name.endsWith('.jsonl') ? 'jsonl' : 'auto');
        },
      ),
      { numRuns: 150 },
    );
    expect(wholeRecords).toBeGreaterThan(before); // records were read whole, not only walked by the scanner
  });

  it('reads the records of a known shape whole, the first object of an unknown one member by member', () => {
    const record = (k: number) =>
      `{"session_id":"s${k}","repo":"acme/web","messages":[{"role":"user","content":"hi"}],"errors":[{"message":"Timeout","type":"runtime"}],` +
      `"tool_calls":[{"tool":"Write","latency_ms":${k + 1}},{"tool":"LS","latency_ms":9}],"duration_minutes":${k}.5}`;
    const three = [0, 1, 2].map(record);
    for (const [text, shape, whole] of [
      [`[${three.join(',\n')}]`, 'auto', 3],
      [`{"sessions":[${three.join(',')}]}`, 'auto', 3],
      [three.join('\n'), 'auto', 2], // the first object may be a wrapper until a second value follows
      [three.join('\n'), 'jsonl', 3],
      [`[${record(0)}, {"\\u0073ession_id":"x"}, {"repo":"${'r'.repeat(40)}"}]`, 'auto', 2], // a name with escapes: walked
    ] as const) {
      const before = wholeRecords;
      const seen = expectSame(Buffer.from(text), [], shape);
      expect(wholeRecords - before, text).toBe(whole);
      expect(Array.isArray(seen) && seen.length).toBe(3);
    }
  });

  it('fails at the same byte with the same message on broken bytes', () => {
    fc.assert(
      fc.property(archiveText, fc.nat(), fc.integer({ min: 0, max: 255 }), fc.boolean(), sizes, ({ text, shape }, at, byte, cut, sz) => {
        const bytes = Buffer.from(text);
        const k = at % bytes.length;
        const broken = cut ? bytes.subarray(0, k) : Buffer.concat([bytes.subarray(0, k), Buffer.from([byte]), bytes.subarray(k + 1)]);
        expectSame(broken, sz, shape);
      }),
      { numRuns: 400 },
    );
  });

  it('fails alike on numbers spelt wrong and bad strings, in members read or skipped', () => {
    const bad = fc.constantFrom(
      '01',
      '-01',
      '00',
      '-',
      '1.',
      '.5',
      '1e',
      '1e+',
      '+1',
      '1.e3',
      '0x1',
      '1_0',
      'tru',
      'nul',
      'True',
      '"a',
      '[1,]',
      '{"a":1,}',
      // raw control characters and bad escapes inside strings
      '"a\u0001b"',
      '"\u001f"',
      '"a\tb"',
      '"a\nb"',
      '"\\x"',
      '"\\u12"',
      '"\\u12g4"',
      '["ok", "\u0000"]',
      '{"k": "\u0007"}',
    );
    const at = fc.constantFrom(
      (x: string) => `{"duration_minutes":${x}}`,
      (x: string) => `{"repo": ${x} }`,
      (x: string) => `{"session_id":${x},"repo":"r"}`,
      (x: string) => `{"tool_calls":[{"tool":${x},"latency_ms":1}]}`,
      (x: string) => `{"tool_calls":[{"tool":"Bash","latency_ms":${x}}]}`,
      (x: string) => `{"errors":[{"message":${x}}]}`,
      (x: string) => `{"errors":[{"x":${x},"message":"m"}]}`,
      (x: string) => `{"messages":[{"role":"user","content":${x}}],"repo":"r"}`,
      (x: string) => `{"started_at":${x},"tool_calls":[]}`,
    );
    fc.assert(
      fc.property(bad, at, fc.boolean(), sizes, (x, record, jsonl, sz) => {
        const seen = expectSame(Buffer.from(jsonl ? `${record(x)}\n` : `[${record(x)}]`), sz, jsonl ? 'jsonl' : 'auto');
        expect(seen).toHaveProperty('error');
      }),
      { numRuns: 300 },
    );
  });
});

describe(Interner.name, () => {
  const intern = (t: Interner, s: string) => {
    const b = Buffer.from(`.${s}.`);
    return t.get(
      b,
      1,
      b.length - 1,
      [...s].some((ch) => ch.charCodeAt(0) > 0x7f),
    );
  };

  // names of one length and first byte (tool-0, tool-1...) share the unhashed first look
  it('gives the string of the bytes, also once full and for names too long to keep', () => {
    const t = new Interner(16);
    const names = ['', 'Bash', 'é', '中文😀', 'x'.repeat(MAX_INTERNED + 1), ...Array.from({ length: 40 }, (_, i) => `tool-${i}`)];
    for (let round = 0; round < 3; round++) for (const n of names) expect(intern(t, n)).toBe(n);
  });

  // names as the tool-call reader meets them: no '"', '\\' or control character
  const plainName = fc
    .oneof(fc.string({ maxLength: 12 }), fc.constantFrom('Write', 'WebFetch', 'Wr', 'W', 'é', 'éa', '中文', '😀', 'Task', 'TodoWrite'))
    .filter((n) => ![...n].some((ch) => ch === '"' || ch === '\\' || ch.charCodeAt(0) < 0x20));

  it('guesses only a kept name that the bytes spell up to their closing quote', () => {
    fc.assert(
      fc.property(
        fc.array(plainName, { maxLength: 12 }),
        fc.array(fc.tuple(plainName, fc.string({ maxLength: 4 })), { maxLength: 12 }),
        (kept, probes) => {
          const t = new Interner(16);
          for (const k of kept) intern(t, k);
          for (const [name, tail] of probes) {
            const b = Buffer.from(`${name}${tail}`);
            const id = t.guess(b, 0, b.length);
            if (id < 0) continue;
            const end = t.lengthOf(id);
            expect(b[end]).toBe(0x22);
            expect(Buffer.from(t.texts[id]!).equals(b.subarray(0, end))).toBe(true);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('guesses the name met last among those of the same first two bytes', () => {
    fc.assert(
      fc.property(
        fc.array(
          plainName.filter((n) => n.length > 0),
          { minLength: 1, maxLength: 12 },
        ),
        (kept) => {
          const t = new Interner(64);
          for (const k of kept) {
            intern(t, k);
            const b = Buffer.from(`${k}","latency_ms":1}`);
            const id = t.guess(b, 0, b.length);
            expect(id).toBeGreaterThanOrEqual(0);
            expect(t.texts[id]).toBe(Buffer.from(k).toString()); // a lone surrogate is kept as U+FFFD
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
