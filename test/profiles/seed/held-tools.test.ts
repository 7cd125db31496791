/**
 * Slow tools hold the count and sum of the rows that calls as columns add to in typed arrays
 * (`HeldTools`, profiles/seed/_tool-keys.ts) and write them back before anything reads the
 * table's columns. Whatever is done to a state between its column sessions (sessions of
 * ToolCalls, a second id table, `document`, `finalize`, `merge`, `mergeInto` either way, `pack`
 * and `mergePacked`), it must be the state that the same sessions as ToolCalls make, sums bit
 * for bit and their form (a number while exact, else partials) included.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PackReader, PackWriter } from '../../../src/profiles/packed.js';
import { slowTools, type SlowToolsState } from '../../../src/profiles/seed/slow-tools.js';
import type { Session, ToolColumns } from '../../../src/session.js';

const TOOLS = ['Bash', 'Read', 'Edit', 'Grep'];
/** two id tables of the same tools in other orders: the held rows of one are written back when the other comes */
const TABLES = [TOOLS, ['Edit', 'Grep', 'Bash', 'Read']].map((texts) => ({ texts, keys: texts.map((t) => `s${t}`) }));

type Call = readonly [number, number];

const latencyArb = fc.oneof(
  { weight: 10, arbitrary: fc.integer({ min: 1, max: 12_000 }) },
  { weight: 1, arbitrary: fc.constantFrom(0, -3, 0.5, 0.1, 2 ** 40 + 1, 1e300, 1e308, 2 ** 53 - 3000, Infinity) },
);
const callsArb = fc.array(fc.tuple(fc.nat({ max: TOOLS.length - 1 }), latencyArb), { maxLength: 25 });

/** What is done to both states next. */
type Op =
  | { kind: 'columns'; table: number; calls: Call[] }
  | { kind: 'toolCalls'; calls: Call[] }
  | { kind: 'document' | 'finalize' }
  | { kind: 'merge' | 'mergeInto' | 'mergeIntoOther' | 'mergePacked'; calls: Call[][] };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ kind: fc.constant('columns' as const), table: fc.nat({ max: 1 }), calls: callsArb }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('toolCalls' as const), calls: callsArb }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constantFrom('document' as const, 'finalize' as const) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constantFrom('merge' as const, 'mergeInto' as const, 'mergeIntoOther' as const, 'mergePacked' as const),
      calls: fc.array(callsArb, { maxLength: 3 }),
    }),
  },
);

/** A session of `calls` (index into TOOLS, latency), with its calls as columns of id table `table` or as ToolCalls only. */
function session(calls: readonly Call[], table: number | undefined): Session {
  const tool_calls = calls.map(([t, l]) => ({ tool: TOOLS[t]!, latency_ms: l }));
  const base = { session_id: 's', repo: 'r', errors: [], tool_calls, duration_minutes: 1 };
  if (table === undefined) return base;
  const { texts, keys } = TABLES[table]!;
  // in a block shared with other sessions: the columns start past others' calls
  const ids = new Int32Array(calls.length + 2).fill(-1);
  const latencies = new Float64Array(calls.length + 2).fill(7);
  calls.forEach(([t, l], k) => {
    ids[k + 1] = texts.indexOf(TOOLS[t]!);
    latencies[k + 1] = l;
  });
  const cols: ToolColumns = { n: calls.length, start: 1, ids, latencies, texts, keys };
  return { ...base, calls: cols };
}

/** A state of `sessions` (as columns of the first id table, or ToolCalls), from ordinal [1, i]. */
function other(sessions: readonly Call[][], columns: boolean): SlowToolsState {
  let s = slowTools.init();
  sessions.forEach((calls, i) => {
    s = slowTools.add(s, session(calls, columns ? 0 : undefined), [1, i]);
  });
  return s;
}

function packed(s: SlowToolsState): PackReader {
  const w = new PackWriter();
  slowTools.pack!(s, w);
  return new PackReader(w.finish());
}

/** `ops` applied to a state of column sessions and to one of the same sessions as ToolCalls: each read of them equal. */
function run(ops: readonly Op[]): void {
  let held = slowTools.init();
  let plain = slowTools.init();
  ops.forEach((op, i) => {
    switch (op.kind) {
      case 'columns':
        held = slowTools.add(held, session(op.calls, op.table), [0, i]);
        plain = slowTools.add(plain, session(op.calls, undefined), [0, i]);
        break;
      case 'toolCalls':
        held = slowTools.add(held, session(op.calls, undefined), [0, i]);
        plain = slowTools.add(plain, session(op.calls, undefined), [0, i]);
        break;
      case 'document':
        expect(slowTools.document!(held)).toStrictEqual(slowTools.document!(plain));
        break;
      case 'finalize':
        expect(slowTools.finalize(held)).toStrictEqual(slowTools.finalize(plain));
        break;
      case 'merge':
        held = slowTools.merge(held, other(op.calls, true));
        plain = slowTools.merge(plain, other(op.calls, false));
        break;
      case 'mergeInto':
        held = slowTools.mergeInto!(held, other(op.calls, true));
        plain = slowTools.mergeInto!(plain, other(op.calls, false));
        break;
      case 'mergeIntoOther':
        // the other state as the one merged into: the held state is read (and may be the one kept)
        held = slowTools.mergeInto!(other(op.calls, true), held);
        plain = slowTools.mergeInto!(other(op.calls, false), plain);
        break;
      case 'mergePacked':
        held = slowTools.mergePacked!(other(op.calls, true), packed(held));
        plain = slowTools.mergePacked!(other(op.calls, false), packed(plain));
        break;
    }
  });
  expect(slowTools.document!(held)).toStrictEqual(slowTools.document!(plain));
  expect(slowTools.finalize(held)).toStrictEqual(slowTools.finalize(plain));
}

describe('slow tools: rows held while column sessions are added', () => {
  it('property: whatever comes between column sessions, the state of the same sessions as ToolCalls', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 14 }), (ops) => run(ops)),
      { numRuns: 600 },
    );
  });

  const cols = (calls: Call[], table = 0): Op => ({ kind: 'columns', table, calls });
  it.each([
    [
      'read after column sessions',
      [
        cols([
          [0, 5],
          [1, 7],
          [0, 9],
        ]),
        { kind: 'document' },
        cols([[0, 1]]),
        { kind: 'finalize' },
      ],
    ],
    [
      'a copying merge, then more calls',
      [
        cols([
          [0, 5],
          [0, 6],
        ]),
        { kind: 'merge', calls: [[[0, 3]]] },
        cols([[0, 4]]),
      ],
    ],
    ['merged into another state', [cols([[0, 5]]), { kind: 'mergeIntoOther', calls: [[[0, 3]], [[1, 2]], [[2, 2]]] }, cols([[0, 4]])]],
    [
      'packed',
      [
        cols([
          [2, 5],
          [2, 8],
        ]),
        { kind: 'mergePacked', calls: [[[2, 1]]] },
        cols([[2, 4]]),
      ],
    ],
    [
      'a ToolCalls session between',
      [
        cols([[0, 5]]),
        {
          kind: 'toolCalls',
          calls: [
            [0, 2],
            [3, 1],
          ],
        },
        cols([
          [0, 4],
          [3, 3],
        ]),
      ],
    ],
    [
      'another id table',
      [
        cols([
          [0, 5],
          [1, 1],
        ]),
        cols(
          [
            [0, 6],
            [1, 2],
          ],
          1,
        ),
        cols([[0, 7]]),
      ],
    ],
    [
      'a held sum turned full, then others held on',
      [
        cols([
          [0, 5],
          [1, 3],
          [0, 0.1],
          [1, 4],
          [0, 2],
        ]),
        { kind: 'document' },
      ],
    ],
    [
      'an infinite latency',
      [
        cols([
          [0, 5],
          [0, Infinity],
          [0, 2],
        ]),
        { kind: 'document' },
      ],
    ],
    [
      'a held sum past 2^53',
      [
        cols([
          [1, 2 ** 53 - 3000],
          [1, 2001],
          [1, 2001],
          [1, 8],
        ]),
        { kind: 'document' },
      ],
    ],
  ] as const)('%s', (_name, ops) => run(ops as readonly Op[]));

  it('the sums column read first, before the counts', () => {
    const s = slowTools.add(
      slowTools.init(),
      session(
        [
          [0, 5],
          [0, 7],
          [1, 3],
        ],
        0,
      ),
      [0, 0],
    );
    expect([s.sum.get(0), s.sum.get(1), s.count.get(0)]).toStrictEqual([12, 3, 2]);
  });
});
