/**
 * The seed detectors' `add` reads a session's tool calls as columns when it has them
 * (session.ts ToolColumns, as the fast decoder gives them): on any sessions, adding
 * them with columns must give the very state that adding their ToolCalls gives.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { manualProcesses } from '../../../src/profiles/seed/manual-processes.js';
import { retryStreaks } from '../../../src/profiles/seed/retry-streaks.js';
import { slowTools } from '../../../src/profiles/seed/slow-tools.js';
import type { Session, ToolCall, ToolColumns } from '../../../src/session.js';

const TOOLS = ['Bash', 'Read', 'Edit', 'é', '', 'sBash', 'n1'];

/** A session's calls as (tool index, latency); latencies as the decoder reads them, and some it never puts in columns. */
const callsArb = fc.array(
  fc.tuple(fc.nat({ max: TOOLS.length - 1 }), fc.oneof(fc.integer({ min: 1, max: 12_000 }), fc.constantFrom(0, 0.5, 5000.25, 1e300, 1e308))),
  { maxLength: 40 },
);
/** runs of one tool, so that streaks and manual processes occur */
const runsArb = fc
  .array(fc.tuple(fc.nat({ max: 3 }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 9000 })), { maxLength: 12 })
  .map((runs) => runs.flatMap(([t, n, l]) => Array.from({ length: n }, (_, k): [number, number] => [t, l + k])));

const sessionsArb = fc.array(fc.tuple(fc.oneof(callsArb, runsArb), fc.nat({ max: 400 }), fc.constantFrom('acme/web', 'global')), {
  maxLength: 12,
});

/** The same session twice: with ToolCalls only, and with the columns too (in a block shared with other sessions). */
function both(calls: Array<[number, number]>, offset: number, repo: string): [Session, Session] {
  const n = calls.length;
  const ids = new Int32Array(offset + n + 3).fill(-7);
  const latencies = new Float64Array(offset + n + 3).fill(-7);
  calls.forEach(([t, l], k) => {
    ids[offset + k] = t;
    latencies[offset + k] = l;
  });
  const columns: ToolColumns = { n, start: offset, ids, latencies, texts: TOOLS, keys: TOOLS.map((t) => `s${t}`) };
  const list: ToolCall[] = calls.map(([t, l]) => ({ tool: TOOLS[t]!, latency_ms: l }));
  const base = { session_id: `id-${offset}`, repo, errors: [], duration_minutes: (offset % 90) + 0.5 };
  return [
    { ...base, tool_calls: list },
    { ...base, tool_calls: list, calls: columns },
  ];
}

describe('seed detectors on tool calls as columns', () => {
  it.each([
    ['slow_tools', slowTools],
    ['retry_streaks', retryStreaks],
    ['manual_processes', manualProcesses],
  ] as const)('%s: the same state from the columns as from the ToolCalls', (_name, detector) => {
    fc.assert(
      fc.property(sessionsArb, (sessions) => {
        const d = detector as typeof slowTools;
        let plain = d.init();
        let columns = d.init();
        sessions.forEach(([calls, offset, repo], i) => {
          const [p, c] = both(calls, offset, repo);
          plain = d.add(plain, p, [0, i]);
          columns = d.add(columns, c, [0, i]);
        });
        // a key table's columns are fixed chunks: compare the form a state file holds (lossless),
        // not every unused slot of the chunks (that took 15 s for 300 runs)
        const form = (state: ReturnType<typeof d.init>) => (d.document ? d.document(state) : state);
        expect(form(columns)).toStrictEqual(form(plain));
      }),
      { numRuns: 300 },
    );
  });

  it('the columns are what is read: a session whose ToolCalls differ from its columns gives the columns’ state', () => {
    const [, c] = both(
      [
        [0, 6000],
        [0, 6000],
        [0, 6000],
      ],
      5,
      'global',
    );
    const state = retryStreaks.add(retryStreaks.init(), { ...c, tool_calls: [] }, [0, 0]);
    expect([...state.keys()]).toEqual(['sBash']);
  });

  it('slow_tools: the same state from columns when sessions go to two states, merged in place, and the id tables change', () => {
    // rows are found by id per state and per id table (slow-tools.ts ROWS_BY_ID): a row found
    // for one state, or through other tables, must never serve another
    const d = slowTools;
    const swapped = [...TOOLS].reverse();
    // one keys array per table, as the decoder's interner has (a new array per session would hide a stale row)
    const keysOf = new Map([TOOLS, swapped].map((texts) => [texts, texts.map((t) => `s${t}`)]));
    fc.assert(
      fc.property(sessionsArb, sessionsArb, fc.boolean(), (first, second, swap) => {
        const run = (withColumns: boolean) => {
          const add = (state: ReturnType<typeof d.init>, [calls, offset, repo]: (typeof first)[number], i: number, texts: string[]) => {
            const [p, c] = both(calls, offset, repo);
            const cols = { ...c.calls!, texts, keys: keysOf.get(texts)! };
            const list = calls.map(([t, l]) => ({ tool: texts[t]!, latency_ms: l }));
            return d.add(state, withColumns ? { ...c, tool_calls: list, calls: cols } : { ...p, tool_calls: list }, [0, i]);
          };
          let a = d.init();
          let b = d.init();
          first.forEach((s, i) => {
            if (i % 2 === 0) a = add(a, s, i, TOOLS);
            else b = add(b, s, i, TOOLS);
          });
          let m = d.mergeInto!(a, b);
          second.forEach((s, i) => {
            m = add(m, s, 100 + i, swap && i % 3 === 0 ? swapped : TOOLS);
          });
          return d.document!(m);
        };
        expect(run(true)).toStrictEqual(run(false));
      }),
      { numRuns: 200 },
    );
  });
});
