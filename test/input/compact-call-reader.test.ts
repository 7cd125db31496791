/**
 * Compact tool calls with other members after the latency (`{"tool":"Bash","latency_ms":5194,
 * "status":"ok"}`, as the long-message archive writes every call) and latencies with a fraction
 * read into columns (src/input/_compact-call-reader.ts `otherMembers`): the seed sessions read
 * from the bytes must give, record by record, the same `toSession` answer as the plain decoder
 * and `parseKeptMember`, and the same error at the same byte, for every chunking; a repeated
 * "tool" or "latency_ms" (the last one wins) included.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AnalyzerError } from '../../src/errors.js';
import { FastDecoder, type FastDecoderOptions } from '../../src/input/fast-decoder.js';
import { toSession, type SessionCheck } from '../../src/input/to-session.js';
import { callsOfColumns } from '../../src/session.js';

let columnSessions = 0;

function plainCheck(check: SessionCheck): unknown {
  if (!check.ok) return check;
  const s = check.session;
  if (s.calls !== undefined) columnSessions++;
  const calls = s.calls !== undefined ? callsOfColumns(s.calls) : s.tool_calls;
  return { ok: true, session: { session_id: s.session_id, repo: s.repo, errors: s.errors, tool_calls: calls, duration_minutes: s.duration_minutes } };
}

function decode(chunks: readonly Buffer[], opts: FastDecoderOptions): unknown {
  const seen: unknown[] = [];
  try {
    const d = new FastDecoder(
      (e) => seen.push(e.kind === 'reset' ? 'reset' : { check: plainCheck(toSession(e.record.value)), offset: e.record.offset, line: e.record.line }),
      opts,
    );
    for (const c of chunks) d.push(c);
    d.end();
  } catch (err) {
    if (!(err instanceof AnalyzerError)) throw err;
    return { error: err.message, context: err.context, seen };
  }
  return seen;
}

function expectSame(bytes: Buffer, chunk: number, shape: 'auto' | 'jsonl'): void {
  const chunks: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += chunk) chunks.push(bytes.subarray(at, at + chunk));
  for (const stringScan of ['wasm', 'js'] as const) {
    expect(decode(chunks, { shape, seedSessions: true, stringScan })).toStrictEqual(decode(chunks, { shape, stringScan: 'js' }));
  }
}

const ws = fc.constantFrom('', '', ' ', '\n', '\t');
const other = fc.oneof(
  fc.constantFrom(
    '"status":"ok"',
    '"status": "error"',
    '"message":"x"',
    '"n":1',
    '"o":{"tool":"Edit"}',
    '"l":[1,2.5,null]',
    '"e":"\\"\\u00e9"',
    '"":true',
  ),
  fc.constantFrom('"tool":"Read"', '"latency_ms":7', '"latency_ms":"7"', '"tool":5', '"\\u0074ool":"X"', '"s":tru', '"s":01', '"s":"a'),
);
const latency = fc.oneof(
  fc.integer({ min: 1, max: 99_999 }).map(String),
  fc.constantFrom('16.151', '165.508', '1e3', '2E-2', '7.0', '1.5e400', '12345678901234567', '0', '-3', '1.', '1.e2', '01'),
);
const callText = fc
  .tuple(fc.constantFrom('Bash', 'Read', 'é', 'WebSearch'), latency, fc.array(fc.tuple(ws, other, ws), { maxLength: 3 }), fc.constantFrom('', ' '))
  .map(([tool, lat, rest, sp]) => `{"tool":${sp}"${tool}",${sp}"latency_ms":${sp}${lat}${rest.map(([a, o, b]) => `,${a}${o}${b}`).join('')}}`);
const recordText = fc
  .tuple(fc.array(callText, { maxLength: 6 }), fc.nat(99))
  .map(
    ([calls, k]) => `{"session_id":"s${k}","messages":[{"role":"user","content":"hi"}],"tool_calls":[${calls.join(',')}],"duration_minutes":${k}}`,
  );

describe('compact tool calls with other members', () => {
  it('agree with the generic path, in JSON Lines and arrays, for any chunking', () => {
    const before = columnSessions;
    fc.assert(
      fc.property(fc.array(recordText, { minLength: 1, maxLength: 4 }), fc.boolean(), fc.integer({ min: 1, max: 400 }), (records, jsonl, chunk) => {
        const text = jsonl ? `${records.join('\n')}\n` : `[${records.join(',\n')}]`;
        expectSame(Buffer.from(text), chunk, jsonl ? 'jsonl' : 'auto');
      }),
      { numRuns: 400 },
    );
    expect(columnSessions).toBeGreaterThan(before + 100); // the columns were read, not only fallen back from
  });

  it("reads the long-message archive's calls into columns, the last of a repeated latency winning elsewhere", () => {
    const record =
      '{"session_id":"s","tool_calls":[{"tool":"Bash","latency_ms":5194,"status":"ok"},{"tool":"Glob","latency_ms":165.508,"status":"ok"}]}';
    const values: unknown[] = [];
    const d = new FastDecoder((e) => e.kind === 'record' && values.push(e.record.value), { shape: 'jsonl', seedSessions: true });
    d.push(Buffer.from(`${record}\n${record}\n`));
    d.end();
    const check = toSession(values[1]);
    expect(check.ok && check.session.calls !== undefined).toBe(true);
    expect(check.ok && callsOfColumns(check.session.calls!)).toEqual([
      { tool: 'Bash', latency_ms: 5194 },
      { tool: 'Glob', latency_ms: 165.508 },
    ]);
    expectSame(Buffer.from('{"tool_calls":[{"tool":"Bash","latency_ms":5,"status":"ok","latency_ms":9}]}\n'), 1000, 'jsonl');
  });
});
