/**
 * The test-data generators every property test draws from (fast-check):
 * - strings that stress byte scanners (quotes, backslashes before quotes, brackets,
 *   watched words, control characters, surrogates, invalid UTF-16);
 * - JSON values and records keyed like sessions, for the decoders;
 * - valid session records drawn from small pools, so that patterns form (repeated
 *   errors, slow tools, retry streaks, manual processes), and records that are not
 *   sessions, for the analysis, the merge laws and the worker pool;
 * - archives of records in every shape the readers accept, rendered to bytes.
 */
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { SESSION_KEYS } from '../src/input/types.js';

// ---- strings -----------------------------------------------------------------------

/** Strings that a JSON scanner must not misread: escapes, brackets, commas, "sessions" inside strings. */
export const NASTY_STRINGS = [
  'plain',
  'he said "hi"',
  'ends with a backslash \\',
  'backslash then quote \\"',
  'two backslashes \\\\',
  '] }, { [ , "sessions": [',
  '{"sessions": [1, 2]}',
  'é ü 中文 😀',
  'line\nbreak\ttab',
  '\\\\\\"]',
  'messages',
  'sessions',
  '\u2028\u2029',
  '\ud800',
] as const;

/** Single characters and words worth combining: JSON's structure, escapes, UTF-8 lengths, watched keys. */
const SCANNER_UNITS = [
  '"',
  '\\',
  '/',
  '\n',
  '\r',
  '\t',
  '\b',
  '\f',
  '\u0000',
  '\u001f',
  '\u007f',
  'é',
  '中',
  '😀',
  '\u2028',
  '\ufeff',
  'a',
  ' ',
  '{',
  ']',
  ',',
  ':',
  'messages',
  'sessions',
  '\\"',
  '\\\\',
  ...SESSION_KEYS,
];

export const nastyStringArb: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...NASTY_STRINGS),
  fc.string({ unit: fc.constantFrom(...SCANNER_UNITS), maxLength: 8 }),
  fc.string({ maxLength: 8 }),
  fc.string({ unit: 'binary', maxLength: 6 }),
  fc.string({ unit: 'grapheme', maxLength: 12 }),
);

// ---- JSON values -------------------------------------------------------------------

/** Object keys: the session keys and their near misses, or anything nasty. */
export const keyArb: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...SESSION_KEYS, 'messages', 'sessions', 'message', 'repos', ''),
  nastyStringArb,
);

/** Numbers with more than one spelling or a Python repr of note. */
export const numberArb: fc.Arbitrary<number> = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(0, -1, 1e21, 1.5e-7, 123456789012345680000),
);

const leafArb = fc.oneof(nastyStringArb, numberArb, fc.boolean(), fc.constant(null));

/** Any JSON value (no NaN or Infinity), at most 4 levels deep. */
export const jsonValueArb: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', maxDepth: 4 },
    leafArb,
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(keyArb, tie('value'), { maxKeys: 4 }),
  ),
})).value;

/** An object with the session keys (any of them missing), nasty values and a `messages` list to skip. */
const sessionShapedArb = fc.record(
  {
    session_id: fc.oneof(nastyStringArb, fc.constant(null), fc.integer()),
    repo: nastyStringArb,
    messages: fc.array(fc.record({ role: nastyStringArb, content: nastyStringArb, messages: jsonValueArb }), { maxLength: 4 }),
    errors: fc.array(fc.record({ message: nastyStringArb }), { maxLength: 3 }),
    tool_calls: fc.array(fc.record({ tool: nastyStringArb, latency_ms: fc.integer({ min: 0, max: 99999 }) }), { maxLength: 4 }),
    duration_minutes: fc.double({ noNaN: true, noDefaultInfinity: true }),
    extra: jsonValueArb,
  },
  { requiredKeys: [] },
);

/** What a decoder may meet where a record stands: objects keyed like sessions, or any value. */
export const anyRecordArb: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: fc.dictionary(keyArb, jsonValueArb, { maxKeys: 7 }) },
  { weight: 3, arbitrary: sessionShapedArb },
  { weight: 1, arbitrary: jsonValueArb },
);

// ---- session records ---------------------------------------------------------------

const TOOLS = ['Bash', 'Read', 'Edit', 'Grep', 'WebFetch'] as const;
/** tool values the reference keys on as they are (None, True, 1) */
const ODD_TOOLS = [null, true, 1, 'unknown'] as const;
const ERROR_MESSAGES = [
  'ImportError: no module named foo',
  'ModuleNotFoundError in /src/a.py',
  'ModuleNotFoundError in /src/b.py',
  'ModuleNotFoundError: "bar" \\ [x]',
  'Timeout after 30s at /srv/app/main.py',
  'Timeout at 2025-01-02T03:04:05Z',
  'Timeout at 2024-12-31T23:59:59Z',
  'fatal: branch feat-deadbeef01 has no upstream',
  'Permission denied: /etc/shadow',
  'String to replace not found',
  '  ΑΣ Ünïcode error 😀 ',
  '',
  null,
] as const;

const toolCallArb = fc.record(
  {
    tool: fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...TOOLS) }, { weight: 1, arbitrary: fc.constantFrom(...ODD_TOOLS) }),
    latency_ms: fc.oneof(fc.constantFrom(0, 120, 800, 5200, 12000, 5000.5, 0.25, 12000.75), fc.integer({ min: 1, max: 30_000 })),
  },
  { requiredKeys: ['latency_ms'] },
);

/** A valid session record (every field optional but `tool_calls`), from pools small enough that patterns form. */
export const sessionArb: fc.Arbitrary<Record<string, unknown>> = fc.record(
  {
    session_id: fc.oneof(
      fc.constantFrom('s-1', 's-2', 'sess "q"', 'x\\y', null),
      fc.integer({ min: 0, max: 50 }).map((n) => `id-${n}`),
      fc.stringMatching(/^s[0-9a-f]{1,14}$/),
    ),
    repo: fc.constantFrom('alpha', 'beta', 'gamma', 'global', null),
    messages: fc.array(fc.record({ role: fc.constantFrom('user', 'assistant'), content: fc.constantFrom(...NASTY_STRINGS) }), { maxLength: 3 }),
    errors: fc.array(fc.record({ message: fc.constantFrom(...ERROR_MESSAGES) }), { maxLength: 4 }),
    tool_calls: fc.oneof(
      fc.array(toolCallArb, { maxLength: 14 }),
      // manual processes and retry streaks: long runs of few tools
      fc
        .tuple(fc.constantFrom(...TOOLS), fc.constantFrom(...TOOLS), fc.integer({ min: 8, max: 24 }))
        .map(([a, b, n]) => Array.from({ length: n }, (_, i) => ({ tool: i % 5 === 4 ? b : a, latency_ms: 300 + (i % 3) * 1000 }))),
      fc.array(fc.record({ tool: fc.constantFrom('Bash', 'Read'), latency_ms: fc.integer({ min: 0, max: 9000 }) }), { minLength: 11, maxLength: 16 }),
    ),
    duration_minutes: fc.oneof(fc.constantFrom(1, 2.5, 30, 90.5, 240, 15, 21, 3, 45.5, 0.5), fc.integer({ min: -30, max: 600 })),
  },
  { requiredKeys: ['tool_calls'] },
);

/** A record that is not a session (skipped and counted; fatal under --strict). */
export const malformedArb: fc.Arbitrary<unknown> = fc.constantFrom<unknown>(
  5,
  'text',
  { errors: 5 },
  { tool_calls: [{ tool: 'Bash', latency_ms: 'slow' }] },
);

/** Mostly sessions, now and then a malformed record. */
export const recordArb: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 12, arbitrary: sessionArb as fc.Arbitrary<unknown> },
  { weight: 1, arbitrary: malformedArb },
);

// ---- archives ----------------------------------------------------------------------

export type ArchiveShape = 'array' | 'array-pretty' | 'wrapper' | 'wrapper-twice' | 'jsonl' | 'jsonl-content' | 'gzip';
export const ARCHIVE_SHAPES: readonly ArchiveShape[] = ['array', 'array-pretty', 'wrapper', 'wrapper-twice', 'jsonl', 'jsonl-content', 'gzip'];

export interface ArchiveFile {
  shape: ArchiveShape;
  records: unknown[];
}

/** An archive of 1..40 records (mostly sessions) in any shape. */
export const archiveFileArb: fc.Arbitrary<ArchiveFile> = fc.record({
  shape: fc.constantFrom(...ARCHIVE_SHAPES),
  records: fc.array(recordArb, { minLength: 1, maxLength: 40 }),
});

/**
 * The file name and bytes of one archive; `dead` records sit in an earlier "sessions"
 * array (`wrapper-twice`). JSON Lines by content needs a first record that is an
 * object without a "sessions" array: `jsonl-content` puts a plain session first.
 */
export function renderArchive(
  f: ArchiveFile,
  dead: unknown[] = [{ session_id: 'dead', errors: [{ message: 'ImportError: no module named foo' }] }],
): { name: string; bytes: Buffer } {
  const line = (r: unknown) => JSON.stringify(r);
  switch (f.shape) {
    case 'array':
      return { name: 'a.json', bytes: Buffer.from(JSON.stringify(f.records)) };
    case 'array-pretty':
      return { name: 'p.json', bytes: Buffer.from('\ufeff' + JSON.stringify(f.records, null, 2) + '\n') };
    case 'wrapper':
      return {
        name: 'w.json',
        bytes: Buffer.from(
          `{"meta": {"sessions": 3, "note": ${line(NASTY_STRINGS.join(''))}}, "sessions": ${JSON.stringify(f.records, null, 1)}, "exported_at": "x"}`,
        ),
      };
    case 'wrapper-twice':
      return {
        name: 'w2.json',
        bytes: Buffer.from(
          `{"sessions": ${JSON.stringify(dead)}, "x": [1, {"sessions": []}], "\\u0073essions": ${JSON.stringify(f.records)}, "tail": "]}"}\n`,
        ),
      };
    case 'jsonl':
      return { name: 'l.jsonl', bytes: Buffer.from(f.records.map(line).join('\n') + '\n') };
    case 'jsonl-content': {
      const recs = [{ session_id: 'first', tool_calls: [] }, ...f.records];
      return { name: 'c.json', bytes: Buffer.from(recs.map(line).join('\r\n')) };
    }
    case 'gzip':
      return { name: 'g.json.gz', bytes: gzipSync(JSON.stringify(f.records)) };
  }
}
