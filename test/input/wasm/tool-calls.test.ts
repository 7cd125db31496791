/**
 * The WebAssembly tool-call kernel (assembly/tool-calls.ts via src/input/wasm/tool-calls.ts)
 * against the JS reader it shortcuts: a `tool_calls` list read by a MemberReader with the
 * kernel gives the same calls, the same end and the same refusal as one without it, for
 * lists of compact calls and of everything near them (spaces, escapes, long and new names,
 * numbers of every spelling), cut anywhere. test/input/read-members.test.ts runs the whole
 * reader with the kernel against the generic path; read-members-js-scan.test.ts without it.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { K_TOOL_CALLS, MemberReader, NOT_READ, type ReadToolCalls } from '../../../src/input/_read-members.js';
import { stringKernel } from '../../../src/input/wasm/string-scan.js';
import { type ToolCallKernel, toolCallKernel } from '../../../src/input/wasm/tool-calls.js';
import { callsOfColumns } from '../../../src/session.js';

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
const latencyLit = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 1, max: 120_000 }).map(String) },
  {
    weight: 2,
    arbitrary: fc.constantFrom('0', '7', '-1', '01', '1.5', '1e3', '999999999999999', '1000000000000000', '9007199254740993', 'true', '"1"', 'null'),
  },
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
