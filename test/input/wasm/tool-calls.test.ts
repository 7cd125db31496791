/**
 * The WebAssembly tool-call kernel (assembly/tool-calls.ts via src/input/wasm/tool-calls.ts)
 * against the JS reader it shortcuts: a `tool_calls` list read by a MemberReader with the
 * kernel gives the same calls, the same end and the same refusal as one without it, for
 * lists of compact calls and of everything near them (spaces, escapes, long and new names,
 * numbers of every spelling), cut anywhere. test/input/read-members.test.ts runs the whole
 * reader with the kernel against the generic path; read-members-js-scan.test.ts without it.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ColumnSession } from '../../../src/input/_column-session.js';
import { K_TOOL_CALLS, MemberReader, NOT_READ, ReadErrors, type ReadToolCalls } from '../../../src/input/_read-members.js';
import { isKeyless } from '../../../src/input/read-sessions.js';
import { toSession } from '../../../src/input/to-session.js';
import { FastDecoder } from '../../../src/input/fast-decoder.js';
import { stringKernel } from '../../../src/input/wasm/string-scan.js';
import { NOT_RECORD, RECORD, RECORD_UNKNOWN_NAME, type ToolCallKernel, toolCallKernel } from '../../../src/input/wasm/tool-calls.js';
import { nastyStringArb } from '../../arbitraries.js';
import { callsOfColumns } from '../../../src/session.js';
import { scanError } from '../../../src/python/normalize-error.js';

const RUNS = Number(process.env['FC_RUNS_FACTOR'] ?? 1) || 1;

/** A kernel whose `read` calls are counted (so the tests can tell that it ran). */
function counted(k: ToolCallKernel): { kernel: ToolCallKernel; calls: () => number } {
  let calls = 0;
  const kernel = {
    ...k,
    read: (i: number, n: number) => {
      calls++;
      return k.read(i, n);
    },
  };
  return { kernel, calls: () => calls };
}

const nameArb = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('Bash', 'Read', 'Edit', 'WebFetch', 'TodoWrite', 'LS', 'é', '中文', '😀', '') },
  { weight: 2, arbitrary: fc.string({ maxLength: 20, unit: fc.constantFrom('a', 'b', 'Z', '_', '-', 'é') }) },
  { weight: 1, arbitrary: fc.constantFrom('x'.repeat(63), 'y'.repeat(64), 'z'.repeat(65), 'w'.repeat(70), 'v'.repeat(16), 'u'.repeat(17)) },
);
const nameLit = fc.oneof(
  { weight: 8, arbitrary: nameArb.map((n) => JSON.stringify(n)) },
  { weight: 1, arbitrary: fc.constantFrom('"a\\"b"', '"x\\\\y"', '"\\u0042ash"', '"a\tb"', '"a\u0001"', '5', 'null', 'true', '["Bash"]') },
);
/** Integer literals of 1 to 17 digits, index = digits - 1. */
const digitsArbs = Array.from({ length: 17 }, (_, i) => fc.stringMatching(new RegExp(`^[1-9][0-9]{${i}}$`)));
const latencyLit = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 1, max: 120_000 }).map(String) },
  {
    weight: 2,
    arbitrary: fc.constantFrom('0', '7', '-1', '01', '1.5', '1e3', '999999999999999', '1000000000000000', '9007199254740993', 'true', '"1"', 'null'),
  },
  // around the kernel's 8 digits at once (one arbitrary per length, made once: built inside
  // the chain, the regex's arbitrary cost ~3.4 ms per value, 80% of this file's time)
  { weight: 2, arbitrary: fc.integer({ min: 1, max: 17 }).chain((digits) => digitsArbs[digits - 1]!) },
);
const gap = fc.constantFrom('', '', '', '', ' ', '\n', '\t');
const callText = fc.oneof(
  { weight: 8, arbitrary: fc.tuple(nameLit, latencyLit).map(([t, l]) => `{"tool":${t},"latency_ms":${l}}`) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(nameLit, latencyLit, gap, gap, gap, gap)
      .map(([t, l, a, b, c, d]) => `{${a}"tool"${b}:${c}${t},${d}"latency_ms":${a}${l}${b}}`),
  },
  { weight: 1, arbitrary: fc.tuple(nameLit, latencyLit).map(([t, l]) => `{"latency_ms":${l},"tool":${t}}`) },
  {
    weight: 1,
    arbitrary: fc.constantFrom('{}', '{"tool":"Bash"}', '{"tool":"Bash","latency_ms":1,"x":2}', '{"\\u0074ool":"Bash","latency_ms":1}', '5'),
  },
);
const listText = fc
  .tuple(fc.array(fc.tuple(callText, gap, gap), { maxLength: 40 }), gap)
  .map(([calls, end]) => (calls.length === 0 ? `[${end}]` : `[${calls.map(([c, a, b]) => `${a}${c}${b}`).join(',')}]`));

/** The list read by `reader` from a copy in the string kernel's memory, cut at n. */
function readList(reader: MemberReader, bytes: Buffer, n: number): unknown {
  const view = stringKernel('wasm')!.load(bytes);
  const end = reader.read(K_TOOL_CALLS, view, 0, n, false);
  if (end === NOT_READ) return NOT_READ;
  const v = reader.value as ReadToolCalls;
  return { end, calls: Array.isArray(v.calls) ? v.calls : callsOfColumns(v.calls), columns: !Array.isArray(v.calls) };
}

describe(toolCallKernel.name, () => {
  afterEach(() => {
    delete process.env['FLEET_PROPOSALS_TOOL_CALLS'];
  });

  it('is available where the project was built (npm run build compiles assembly/tool-calls.ts)', () => {
    // Without it every reader test would silently exercise the JS reader only.
    expect(toolCallKernel(stringKernel('wasm'))).toBeDefined();
  });

  it("is off without the string kernel, and for FLEET_PROPOSALS_TOOL_CALLS='js'", () => {
    expect(toolCallKernel(undefined)).toBeUndefined();
    process.env['FLEET_PROPOSALS_TOOL_CALLS'] = 'js';
    expect(toolCallKernel(stringKernel('wasm'))).toBeUndefined();
  });

  it('reads a list longer than it gives at once, and names it meets for the first time (before the next test fills the interner)', () => {
    const k = toolCallKernel(stringKernel('wasm'))!;
    const names = Array.from({ length: 50 }, (_, j) => `new-tool-${j}-${Date.now()}`);
    const text = `[${Array.from({ length: 3 * k.capacity + 7 }, (_, j) => `{"tool":"${names[j % 50]}","latency_ms":${j + 1}}`).join(',')}],`;
    const bytes = Buffer.from(text);
    const got = readList(new MemberReader(k), bytes, bytes.length) as { end: number; calls: unknown[]; columns: boolean };
    expect(got).toStrictEqual(readList(new MemberReader(undefined), bytes, bytes.length));
    expect(got.columns).toBe(true);
    expect(got.calls.length).toBe(3 * k.capacity + 7);
  });

  it("leaves a record with a skipped string of 256 bytes or more (a transcript's message) to the scanner, as the JS reader does", () => {
    const kernel = toolCallKernel(stringKernel('wasm'))!;
    decodeAll(Buffer.from('[]'), [], false); // the decoder's JIT priming reads records too: first
    const statuses = (content: string) => {
      const seen: number[] = [];
      const record = kernel.record;
      const spy = vi.spyOn(kernel, 'record').mockImplementation((i, n, m) => {
        const status = record(i, n, m);
        if (status !== RECORD_UNKNOWN_NAME) seen.push(status); // a tool name met for the first time: asked again
        return status;
      });
      try {
        const one = `{"session_id":"s","messages":[{"role":"user","content":${JSON.stringify(content)}}],"tool_calls":[{"tool":"Bash","latency_ms":5}]}`;
        expect(decodeAll(Buffer.from(`[${one},${one}]`), [], false)).toHaveLength(2);
      } finally {
        spy.mockRestore();
      }
      return seen;
    };
    expect(statuses('x'.repeat(255))).toEqual([RECORD, RECORD]);
    expect(statuses('x'.repeat(256))).toEqual([NOT_RECORD, NOT_RECORD]);
  });

  it('reads whole records as the JS reader does: the same values, ends and errors, in any chunking', () => {
    keysMade = 0;
    const kernel = toolCallKernel(stringKernel('wasm'))!;
    let records = 0;
    const record = kernel.record;
    const spy = vi.spyOn(kernel, 'record').mockImplementation((i, n, m) => {
      const status = record(i, n, m);
      if (status === RECORD) records++;
      return status;
    });
    try {
      fc.assert(
        fc.property(archiveArb, sizesArb, ({ text, jsonl }, sizes) => {
          const bytes = Buffer.from(text);
          const withKernel = decodeAll(bytes, sizes, jsonl);
          process.env['FLEET_PROPOSALS_TOOL_CALLS'] = 'js';
          const jsOnly = decodeAll(bytes, sizes, jsonl);
          delete process.env['FLEET_PROPOSALS_TOOL_CALLS'];
          expect(withKernel).toStrictEqual(jsOnly);
        }),
        { numRuns: 600 * RUNS },
      );
    } finally {
      spy.mockRestore();
    }
    expect(records).toBeGreaterThan(300); // the kernel read records, not only refused them
    expect(keysMade).toBeGreaterThan(50); // and made the keys of their messages (~140 in 600 runs)
  });

  it("refuses what the JS reader refuses when a record's structure is broken (a closer, comma or colon swapped for another)", () => {
    // valid archives never put '}' where ']' belongs: a kernel that took one closer for the
    // other read such records, and the scanner, which steps over a record read whole, never saw them
    const kernel = toolCallKernel(stringKernel('wasm'))!;
    let records = 0;
    let refused = 0;
    const record = kernel.record;
    const spy = vi.spyOn(kernel, 'record').mockImplementation((i, n, m) => {
      const status = record(i, n, m);
      if (status === RECORD) records++;
      return status;
    });
    const structural = [0x2c, 0x5d, 0x7d, 0x3a]; // , ] } :
    try {
      fc.assert(
        fc.property(archiveArb, fc.nat(), fc.nat(), sizesArb, ({ text, jsonl }, at, byte, sizes) => {
          const bytes = Buffer.from(text);
          // a structural byte of the text (outside its first record, which the scanner reads) swapped for another
          const places = [...bytes.keys()].filter((k) => k > bytes.length / 3 && structural.includes(bytes[k]!));
          if (places.length === 0) return;
          const k = places[at % places.length]!;
          bytes[k] = structural.filter((b) => b !== bytes[k])[byte % (structural.length - 1)]!;
          const withKernel = decodeAll(bytes, sizes, jsonl);
          process.env['FLEET_PROPOSALS_TOOL_CALLS'] = 'js';
          const jsOnly = decodeAll(bytes, sizes, jsonl);
          delete process.env['FLEET_PROPOSALS_TOOL_CALLS'];
          expect(withKernel).toStrictEqual(jsOnly);
          if (!Array.isArray(jsOnly)) refused++;
        }),
        { numRuns: 600 * RUNS },
      );
    } finally {
      spy.mockRestore();
    }
    expect(records).toBeGreaterThan(100); // the kernel read records around the broken ones
    expect(refused).toBeGreaterThan(100); // and most swaps break the archive
  });

  it('reads what the JS reader reads, ends where it ends and refuses what it refuses, cut anywhere', () => {
    const { kernel, calls } = counted(toolCallKernel(stringKernel('wasm'))!);
    const withKernel = new MemberReader(kernel);
    const jsOnly = new MemberReader(undefined);
    let columns = 0;
    fc.assert(
      fc.property(listText, fc.nat(), fc.boolean(), (text, cut, whole) => {
        const bytes = Buffer.from(`${text},`);
        const n = whole ? bytes.length : cut % (bytes.length + 1);
        const got = readList(withKernel, bytes, n);
        expect(got).toStrictEqual(readList(jsOnly, bytes, n));
        if (got !== NOT_READ && (got as { columns: boolean }).columns) columns++;
      }),
      { numRuns: 3000 * RUNS },
    );
    expect(calls()).toBeGreaterThan(1000);
    expect(columns).toBeGreaterThan(300);
  });
});

// ---- records ---------------------------------------------------------------------

/** Error keys the kernel made, checked by decodeAll. */
let keysMade = 0;

/**
 * What a decoder gives, as the analysis reads it: each record's toSession answer (its calls as
 * ToolCalls) and whether it is keyless; the keys the kernel made of its error messages checked
 * against the string scan. (The kernel's reader makes a session of a record with tool calls
 * itself, `ColumnSession`, where the JS reader gives a record object.)
 */
function decodeAll(bytes: Buffer, sizes: number[], jsonl: boolean): unknown {
  const seen: unknown[] = [];
  const checkKeys = (messages: readonly string[], keys: readonly (string | undefined)[] | undefined): void => {
    // the keys the kernel made from the bytes (assembly/error-key.ts): the string scan's
    keys?.forEach((key, i) => {
      if (key === undefined) return;
      expect(key).toBe(scanError(messages[i]!));
      keysMade++;
    });
  };
  const plain = (v: unknown): unknown => {
    if (v instanceof ColumnSession) checkKeys(v.errors, v.errorKeys);
    else {
      const errors = (v as Record<string, unknown>)['errors'];
      if (errors instanceof ReadErrors) checkKeys(errors.messages, errors.keys);
    }
    const c = toSession(v);
    if (!c.ok) return c;
    const { session_id, repo, errors, duration_minutes } = c.session;
    const calls = c.session.calls !== undefined ? callsOfColumns(c.session.calls) : c.session.tool_calls;
    return { session: { session_id, repo, errors, calls, duration_minutes }, keyless: isKeyless(v) };
  };
  try {
    const d = new FastDecoder(
      (e) => {
        if (e.kind !== 'record') return seen.push(e.kind);
        seen.push({ out: plain(e.record.value), offset: e.record.offset, line: e.record.line });
      },
      { seedSessions: true, shape: jsonl ? 'jsonl' : 'auto' },
    );
    for (let at = 0, k = 0; at < bytes.length; k++) {
      const size = sizes.length === 0 ? bytes.length : sizes[k % sizes.length]!;
      d.push(bytes.subarray(at, at + size));
      at += size;
    }
    d.end();
  } catch (err) {
    return { error: (err as Error).message, seen };
  }
  return seen;
}

const ws = fc.constantFrom('', '', '', '', '', ' ', '\t', '\n', '\r\n');
const stringLit = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('"s1"', '"acme/web"', '"acme/api"', '"Timeout after 30000ms at 2025-01-01T08:55"', '""') },
  { weight: 2, arbitrary: nastyStringArb.map((x) => JSON.stringify(x)) },
  { weight: 1, arbitrary: fc.constantFrom('"a\\u00e9\\n"', '"\\ud800"', '"é中😀"', '"x\\"y"', '"bad\\x"', '"ctl\u0001"', `"${'r'.repeat(70)}"`) },
);
const numberLit = fc.oneof(
  fc.constantFrom('0', '-0', '101.1', '1e2', '-1.5e-3', '0.5', '-0.0', '1e400', '12000.75', '3.0', '1E+2', '5e-324'),
  fc.constantFrom('12345678901234567890', '9007199254740993', '999999999999999', '0.1000000000000000055511151231257827', '1.7976931348623157e308'),
  fc.constantFrom('01', '1.', '.5', '1e', '-', '+1', '1.e3'),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => JSON.stringify(d)),
  fc.integer().map(String),
);
const literal = fc.constantFrom('true', 'false', 'null', 'tru', 'nul');
const anyLit: fc.Arbitrary<string> = fc.letrec<{ v: string }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', maxDepth: 3 },
    stringLit,
    numberLit,
    literal,
    fc.array(fc.tuple(tie('v'), ws), { maxLength: 3 }).map((xs) => `[${xs.map(([x, w]) => `${w}${x}`).join(',')}]`),
    fc
      .array(fc.tuple(fc.oneof(stringLit, fc.constantFrom('"message"', '"\\u0074ool"')), tie('v'), ws), { maxLength: 3 })
      .map((es) => `{${es.map(([k, x, w]) => `${k}${w}:${x}`).join(',')}}`),
  ),
})).v;
const errorLit = fc
  .array(
    fc.oneof(
      { weight: 4, arbitrary: fc.tuple(fc.constant('"message"'), fc.oneof(stringLit, fc.constantFrom('null', 'false', 'true', '1', '[]'))) },
      { weight: 2, arbitrary: fc.tuple(fc.constantFrom('"type"', '"timestamp"', '"\\u006dessage"'), anyLit) },
    ),
    { maxLength: 3 },
  )
  .map((es) => `{${es.map(([k, v]) => `${k}:${v}`).join(',')}}`);
const memberLit: fc.Arbitrary<string> = fc
  .oneof(
    fc.tuple(fc.constantFrom('"session_id"', '"repo"'), fc.oneof({ weight: 6, arbitrary: stringLit }, { weight: 1, arbitrary: anyLit })),
    fc.tuple(
      fc.constant('"errors"'),
      fc.oneof({ weight: 8, arbitrary: fc.array(errorLit, { maxLength: 3 }).map((es) => `[${es.join(',')}]`) }, { weight: 1, arbitrary: anyLit }),
    ),
    fc.tuple(fc.constant('"tool_calls"'), fc.oneof({ weight: 8, arbitrary: listText }, { weight: 1, arbitrary: anyLit })),
    fc.tuple(fc.constant('"duration_minutes"'), fc.oneof(numberLit, literal, anyLit)),
    fc.tuple(fc.constantFrom('"started_at"', '"messages"', '"sessions"', '"\\u0072epo"', '"repo "'), anyLit),
  )
  .map(([k, v]) => `${k}:${v}`);
/** A record as a dense archive writes it, with a value of another kind here and there. */
const denseRecordLit = fc
  .tuple(
    fc.oneof({ weight: 4, arbitrary: fc.constantFrom('"s1"', '"c1017b27-e3af"', '"é"') }, { weight: 1, arbitrary: stringLit }),
    fc.oneof({ weight: 4, arbitrary: fc.constantFrom('"acme/web"', '"acme/api"', '"中文/x"') }, { weight: 1, arbitrary: stringLit }),
    fc.array(
      fc.tuple(
        fc.oneof(
          { weight: 6, arbitrary: fc.constantFrom('"Timeout after 30000ms"', '"Permission denied: /etc"', '""', 'null', 'false', '"a\\"b\\u00e9"') },
          { weight: 1, arbitrary: fc.constantFrom('true', '1', '[]', '{}', '"\\x"') }, // refused by both readers
        ),
        fc.constantFrom('"runtime"', '1', '{"a":[true]}'),
      ),
      { maxLength: 3 },
    ),
    fc.oneof(
      {
        weight: 6,
        arbitrary: fc
          .array(fc.tuple(fc.constantFrom('Bash', 'Read', 'WebFetch', 'é', 'TodoWrite', 'LS'), fc.integer({ min: 1, max: 120_000 })), {
            maxLength: 40,
          })
          .map((cs) => `[${cs.map(([t, l]) => `{"tool":${JSON.stringify(t)},"latency_ms":${l}}`).join(',')}]`),
      },
      // a manual process (11+ calls of at most 3 tools), whose duration must be a number
      {
        weight: 2,
        arbitrary: fc
          .array(fc.tuple(fc.constantFrom('Bash', 'Read'), fc.integer({ min: 1, max: 9000 })), { minLength: 11, maxLength: 16 })
          .map((cs) => `[${cs.map(([t, l]) => `{"tool":"${t}","latency_ms":${l}}`).join(',')}]`),
      },
      { weight: 2, arbitrary: listText },
      { weight: 1, arbitrary: fc.constant('[]') },
    ),
    fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom('101.1', '12', '0.5', '-0', '1e3') },
      { weight: 2, arbitrary: fc.constantFrom('true', 'false', 'null') },
      { weight: 2, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => JSON.stringify(d)) },
      // 16-17 digits: too many for one exact integer (Number() rounds once, an f64 of the digits twice)
      {
        weight: 2,
        arbitrary: fc
          .tuple(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 0, max: 999_999 }), fc.integer({ min: 0, max: 9_999_999 }))
          .map(([a, b, c]) => `${a}.${String(b).padStart(6, '0')}${String(c).padStart(7, '0')}`),
      },
      { weight: 1, arbitrary: numberLit },
    ),
  )
  .map(
    ([sid, repo, errors, calls, duration]) =>
      `{"session_id":${sid},"repo":${repo},"started_at":"2025-01-01T08:00:50.444Z","messages":[{"role":"user","content":"Done."}],` +
      `"errors":[${errors.map(([m, t]) => `{"message":${m},"type":${t}}`).join(',')}],"tool_calls":${calls},"duration_minutes":${duration}}`,
  );
const recordLit = fc.oneof(
  denseRecordLit,
  fc
    .tuple(fc.array(fc.tuple(memberLit, ws, ws), { maxLength: 7 }), ws)
    .map(([ms, end]) => `{${ms.map(([m, a, b]) => `${a}${m}${b}`).join(',')}${end}}`),
);
const archiveArb = fc
  .tuple(fc.array(recordLit, { minLength: 1, maxLength: 6 }), fc.boolean())
  .map(([recs, jsonl]) => ({ text: jsonl ? `${recs.join('\n')}\n` : `[${recs.join(',\n')}]`, jsonl }));
const sizesArb = fc.oneof(
  { weight: 3, arbitrary: fc.constant([] as number[]) },
  { weight: 1, arbitrary: fc.array(fc.integer({ min: 1, max: 400 }), { minLength: 1, maxLength: 3 }) },
);
