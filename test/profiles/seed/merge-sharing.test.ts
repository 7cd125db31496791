/**
 * The seed detectors' merge keeps the entry of a key seen on one side only (shared,
 * not copied): copying every entry once per shard made two workers 2.6x slower than
 * one on 1M distinct error keys (bench/many-keys.ts). A key on both sides gets a
 * fresh entry, so neither input changes (the laws tests check that for any input).
 * Repeated errors and slow tools keep rows in columns (`_error-keys.ts`, `_tool-keys.ts`):
 * a row is copied, its Set of repos, list of examples or exact sum are shared the same way.
 */
import { describe, expect, it } from 'vitest';
import { toSession } from '../../../src/input/to-session.js';
import { repeatedErrors } from '../../../src/profiles/seed/repeated-errors.js';
import { retryStreaks } from '../../../src/profiles/seed/retry-streaks.js';
import { slowTools } from '../../../src/profiles/seed/slow-tools.js';
import type { Session } from '../../../src/session.js';
import { stringifyChunks } from '../../../src/state-file-json.js';

function session(id: string, word: string): Session {
  const c = toSession({
    session_id: id,
    repo: 'acme/api',
    errors: [{ message: `failure ${word}` }],
    tool_calls: [1, 2, 3].map((j) => ({ tool: `Tool${word}`, latency_ms: 100 * j })),
    duration_minutes: 3,
  });
  if (!c.ok) throw new Error(c.reason);
  return c.session;
}

const dump = (s: unknown): string => [...stringifyChunks(s)].join('');

describe.each([['retry_streaks', retryStreaks, (w: string) => `sTool${w}`]] as const)('%s merge', (_name, d, keyOf) => {
  it('shares the entries of keys seen on one side, makes a fresh one for a key on both', () => {
    // biome-ignore lint/suspicious/noExplicitAny: three detectors of different state types, one table
    const det = d as any;
    const a = det.add(det.add(det.init(), session('s1', 'x'), [0, 0, 0]), session('s2', 'y'), [0, 0, 1]);
    const b = det.add(det.add(det.init(), session('s3', 'y'), [0, 1, 0]), session('s4', 'z'), [0, 1, 1]);
    const [da, db] = [dump(a), dump(b)];
    const m = det.merge(a, b) as Map<string, { count: number }>;
    expect([...m.keys()].sort()).toEqual([keyOf('x'), keyOf('y'), keyOf('z')].sort());
    expect(m.get(keyOf('x'))).toBe(a.get(keyOf('x')));
    expect(m.get(keyOf('z'))).toBe(b.get(keyOf('z')));
    expect(m.get(keyOf('y'))).not.toBe(a.get(keyOf('y')));
    expect(m.get(keyOf('y'))).not.toBe(b.get(keyOf('y')));
    expect(m.get(keyOf('y'))!.count).toBe(a.get(keyOf('y')).count + b.get(keyOf('y')).count);
    expect([dump(a), dump(b)]).toEqual([da, db]);
  });
});

describe('repeated_errors merge', () => {
  it('shares the Sets and example lists of keys seen on one side, makes fresh ones for a key on both', () => {
    const at = (t: string, i: number) => (t === 'a' ? [0, 0, i] : [0, 1, i]);
    const fill = (t: string, words: string[]) => {
      let s = repeatedErrors.init();
      words.forEach((w, i) => {
        s = repeatedErrors.add(s, { ...session(`${t}${i}`, w), repo: i % 2 === 0 ? 'r1' : 'r2' }, at(t, i));
      });
      return s;
    };
    // x twice in a (two repos: a Set, two examples), y in both, z twice in b
    const a = fill('a', ['x', 'x', 'y']);
    const b = fill('b', ['y', 'z', 'z']);
    const [da, db] = [dump(repeatedErrors.document!(a)), dump(repeatedErrors.document!(b))];
    const m = repeatedErrors.merge(a, b);
    const [x, y, z] = ['failure x', 'failure y', 'failure z'];
    const rowIn = (s: typeof a, k: string) => s.rows.get(k)!;
    expect([...m.rows.keys()].sort()).toEqual([x, y, z]);
    expect(m.repos.get(rowIn(m, x))).toBe(a.repos.get(rowIn(a, x)));
    expect(m.examples.get(rowIn(m, x))).toBe(a.examples.get(rowIn(a, x)));
    expect(m.examples.get(rowIn(m, z))).toBe(b.examples.get(rowIn(b, z)));
    expect(m.examples.get(rowIn(m, y))).not.toBe(a.examples.get(rowIn(a, y)));
    expect(m.count.get(rowIn(m, y))).toBe(2);
    expect([dump(repeatedErrors.document!(a)), dump(repeatedErrors.document!(b))]).toEqual([da, db]);
  });
});

describe('slow_tools merge', () => {
  it('shares the exact sum of a tool seen on one side, makes a fresh one for a tool on both', () => {
    // 0.1 + 0.2 is not exact: the sums are in full form (objects)
    const fill = (shard: number, tools: string[]) => {
      const s = slowTools.init();
      const c = toSession({
        session_id: `s${shard}`,
        repo: 'r',
        errors: [],
        tool_calls: tools.flatMap((tool) => [0.1, 0.2].map((latency_ms) => ({ tool, latency_ms }))),
      });
      if (!c.ok) throw new Error(c.reason);
      return slowTools.add(s, c.session, [0, shard, 0]);
    };
    const a = fill(0, ['X', 'Y']);
    const b = fill(1, ['Y', 'Z']);
    const [da, db] = [dump(slowTools.document!(a)), dump(slowTools.document!(b))];
    const m = slowTools.merge(a, b);
    const row = (s: typeof a, k: string) => s.rows.get(k)!;
    expect(typeof m.sum.get(row(m, 'sX'))).toBe('object');
    expect(m.sum.get(row(m, 'sX'))).toBe(a.sum.get(row(a, 'sX')));
    expect(m.sum.get(row(m, 'sZ'))).toBe(b.sum.get(row(b, 'sZ')));
    expect(m.sum.get(row(m, 'sY'))).not.toBe(a.sum.get(row(a, 'sY')));
    expect(m.count.get(row(m, 'sY'))).toBe(4);
    expect([dump(slowTools.document!(a)), dump(slowTools.document!(b))]).toEqual([da, db]);
  });
});
