/**
 * A keyed detector's pack says how many keys it holds (`PackWriter.keyCount`), and merging
 * it sizes the table's key index once for both (`KeyIndex.reserve`) instead of doubling it as
 * the keys come: on 1M error keys with two workers the doublings (each placing every key
 * again, hashed from its bytes) were 323 ms of the main thread. The merge must give the same
 * state as one into an index that grows, and a pack without the count (as written before)
 * must merge as it did.
 */
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { toSession } from '../../../src/input/to-session.js';
import type { AnyDetector } from '../../../src/profiles/index.js';
import { KeyIndex } from '../../../src/profiles/key-index.js';
import { PackReader, PackWriter, type PackedState } from '../../../src/profiles/packed.js';
import { repeatedErrors } from '../../../src/profiles/seed/repeated-errors.js';
import { slowTools } from '../../../src/profiles/seed/slow-tools.js';
import type { Session } from '../../../src/session.js';
import { stringifyChunks } from '../../../src/state-file-json.js';

/** a word of letters for `i` (error keys keep letters, not digits, as they are) */
const word = (i: number): string => {
  let s = '';
  do {
    s += String.fromCharCode(97 + (i % 26));
    i = Math.floor(i / 26);
  } while (i > 0);
  return s;
};

/** One session per key: an error `failure <word>` and a call of tool `T<word>`, keys `from` to `to`. */
function sessions(from: number, to: number, shard: number): [Session, number[]][] {
  const out: [Session, number[]][] = [];
  for (let i = from; i < to; i++) {
    const c = toSession({
      session_id: `s${shard}-${i}`,
      repo: i % 3 === 0 ? 'acme/api' : 'acme/web',
      errors: [{ message: `failure ${word(i)}` }],
      tool_calls: [{ tool: `T${word(i)}`, latency_ms: 10 + i }],
      duration_minutes: 1,
    });
    if (!c.ok) throw new Error(c.reason);
    out.push([c.session, [0, shard, i]]);
  }
  return out;
}

function build(d: AnyDetector<Session>, from: number, to: number, shard: number): unknown {
  let s = d.init();
  for (const [session, at] of sessions(from, to, shard)) s = d.add(s, session, at);
  return s;
}

function pack(d: AnyDetector<Session>, s: unknown): PackedState {
  const w = new PackWriter();
  d.pack!(s, w);
  return w.finish();
}

/** The pack as a writer that gives no count wrote it (before the count existed). */
function withoutCount(p: PackedState): PackedState {
  const { keys: _keys, ...rest } = p;
  return rest;
}

const text = (d: AnyDetector<Session>, s: unknown): string => [...stringifyChunks(d.document!(s))].join('');

const DEFAULT_MAP_UP_TO = KeyIndex.mapUpTo;
let grow: ReturnType<typeof vi.spyOn>;
beforeEach(() => {
  // slot arrays from 64 keys on, so that a few thousand keys cross several doublings
  KeyIndex.mapUpTo = 64;
  grow = vi.spyOn(KeyIndex.prototype as unknown as { grow(): void }, 'grow');
});
afterEach(() => {
  KeyIndex.mapUpTo = DEFAULT_MAP_UP_TO;
  grow.mockRestore();
});

describe.each([
  ['repeated_errors', repeatedErrors as AnyDetector<Session>],
  ['slow_tools', slowTools as AnyDetector<Session>],
] as const)('%s: merging a pack of N keys', (_name, d) => {
  it('writes the number of its keys into the pack', () => {
    expect(pack(d, build(d, 0, 300, 1)).keys).toBe(300);
    expect(pack(d, d.init()).keys).toBe(0);
  });

  it('never grows the index during the merge, into an empty table or a table of other keys', () => {
    const p = pack(d, build(d, 100, 3100, 1));
    grow.mockClear();
    d.mergePacked!(d.init(), new PackReader(p));
    expect(grow).not.toHaveBeenCalled();
    const into = build(d, 0, 200, 0);
    grow.mockClear();
    d.mergePacked!(into, new PackReader(p));
    expect(grow).not.toHaveBeenCalled();
  });

  it('a pack without the count (as written before) merges as before: the same state, the index growing as it goes', () => {
    const p = pack(d, build(d, 100, 3100, 1));
    const presized = text(d, d.mergePacked!(build(d, 0, 200, 0), new PackReader(p)));
    grow.mockClear();
    const old = d.mergePacked!(build(d, 0, 200, 0), new PackReader(withoutCount(p)));
    expect(grow).toHaveBeenCalled();
    expect(text(d, old)).toBe(presized);
  });

  it('into a presized index equals into one that grows, and the in-place table fold, for any overlap of keys', () => {
    fc.assert(
      fc.property(fc.nat(400), fc.nat(400), fc.nat(400), (a, b, shift) => {
        // `into` has keys [0, a), the pack [shift, shift + b): any overlap, from none to all
        const p = pack(d, build(d, shift, shift + b, 1));
        const presized = text(d, d.mergePacked!(build(d, 0, a, 0), new PackReader(p)));
        expect(text(d, d.mergePacked!(build(d, 0, a, 0), new PackReader(withoutCount(p))))).toBe(presized);
        expect(text(d, d.mergeInto!(build(d, 0, a, 0), build(d, shift, shift + b, 1)))).toBe(presized);
        expect(text(d, d.merge(build(d, 0, a, 0), build(d, shift, shift + b, 1)))).toBe(presized);
      }),
      { numRuns: 25 },
    );
  });
});
