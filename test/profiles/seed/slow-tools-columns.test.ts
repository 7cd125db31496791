/**
 * Slow tools from columns (slow-tools.ts `addColumns`, the decoder's calls as ids and latencies)
 * must make the state that adding the same calls as ToolCalls makes, sums bit for bit and their
 * form (a number while exact, else partials) included, on the edges of exact summing too: a
 * fraction or a latency past 31 bits in mid-session, a row whose sum is a fraction, huge, a full
 * sum, or near 2^53 (where a float sum turns inexact). (Written for a per-session sum per tool,
 * tried on 2026-12-02 and taken out: 1.07x the CPU of the call-by-call path in 12 quiet pairs.)
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { slowTools } from '../../../src/profiles/seed/slow-tools.js';
import type { Session, ToolColumns } from '../../../src/session.js';

const TOOLS = ['Bash', 'Read', 'Edit'];
const KEYS = TOOLS.map((t) => `s${t}`);
const NEAR = 2 ** 53 - 5000;

/** The session of `calls` (tool index, latency) as columns, or as ToolCalls only. */
function session(calls: ReadonlyArray<readonly [number, number]>, columns: boolean): Session {
  const ids = Int32Array.from(calls.map(([t]) => t));
  const latencies = Float64Array.from(calls.map(([, l]) => l));
  const cols: ToolColumns = { n: calls.length, start: 0, ids, latencies, texts: TOOLS, keys: KEYS };
  const tool_calls = calls.map(([t, l]) => ({ tool: TOOLS[t]!, latency_ms: l }));
  return { session_id: 's', repo: 'r', errors: [], tool_calls, duration_minutes: 1, ...(columns ? { calls: cols } : {}) };
}

function both(sessions: ReadonlyArray<ReadonlyArray<readonly [number, number]>>): [unknown, unknown] {
  let one = slowTools.init();
  let cols = slowTools.init();
  sessions.forEach((calls, i) => {
    one = slowTools.add(one, session(calls, false), [0, i]);
    cols = slowTools.add(cols, session(calls, true), [0, i]);
  });
  return [slowTools.document!(cols), slowTools.document!(one)];
}

const latencyArb = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: 1, max: 12_000 }) },
  { weight: 1, arbitrary: fc.constantFrom(0, -3, 0.5, 0.1, 2 ** 31 - 1, 2 ** 31, 2 ** 40 + 1, 1e300, 1e308, NEAR, 2 ** 53 + 2) },
);
const sessionsArb = fc.array(fc.array(fc.tuple(fc.nat({ max: 2 }), latencyArb), { maxLength: 30 }), { maxLength: 10 });

describe('slow tools from columns: the state of the same calls as ToolCalls', () => {
  it('property: the state of the calls added one by one', () => {
    fc.assert(
      fc.property(sessionsArb, (sessions) => {
        const [cols, one] = both(sessions);
        expect(cols).toStrictEqual(one);
      }),
      { numRuns: 500 },
    );
  });

  it.each([
    [
      'integers only',
      [
        [
          [0, 5],
          [1, 7],
          [0, 9],
          [0, 11],
        ],
        [[0, 1]],
      ],
    ],
    [
      'a fraction after pending calls of the same tool',
      [
        [
          [0, 5],
          [0, 7],
          [1, 1],
          [0, 0.25],
          [0, 3],
          [1, 2],
        ],
      ],
    ],
    [
      'a latency past 31 bits in mid-session',
      [
        [
          [0, 5],
          [0, 7],
          [0, 2 ** 40 + 1],
          [0, 3],
        ],
      ],
    ],
    [
      'a row whose sum is a fraction',
      [
        [[0, 0.5]],
        [
          [0, 3],
          [0, 4],
        ],
      ],
    ],
    [
      'a row whose sum is a fraction that integers make inexact',
      [
        [[0, 0.1]],
        [
          [0, 3],
          [0, 4],
        ],
      ],
    ],
    [
      'a row whose sum is huge',
      [
        [[0, 1e300]],
        [
          [0, 3],
          [0, 4],
        ],
      ],
    ],
    [
      'a row whose sum is full (partials)',
      [
        [
          [0, 1e308],
          [0, 1e308],
        ],
        [[0, 0.5]],
        [
          [0, 3],
          [0, 4],
        ],
      ],
    ],
    // 2^53 + 1011 is no double: one by one, a full sum; at once, a rounded number
    [
      'a row near 2^53: the one-by-one sum turns inexact on the way',
      [
        [[0, NEAR]],
        [
          [0, 2001],
          [0, 2001],
          [0, 2001],
          [0, 8],
        ],
      ],
    ],
  ] as const)('%s', (_name, sessions) => {
    const [cols, one] = both(sessions);
    expect(cols).toStrictEqual(one);
  });
});
