/**
 * finalize keeps only the keys that can become a pattern: with one key per error (or per
 * tool), a result object for every key was ~250 bytes of peak RSS per key, and the
 * report dropped them all (issue 13). The report is the same either way: patterns()
 * skips those keys too.
 */
import { describe, expect, it } from 'vitest';
import { toSession } from '../../../src/input/to-session.js';
import { repeatedErrors } from '../../../src/profiles/seed/repeated-errors.js';
import { slowTools } from '../../../src/profiles/seed/slow-tools.js';
import type { Session } from '../../../src/session.js';

function session(id: string, errors: string[], tools: [string, number][]): Session {
  const c = toSession({
    session_id: id,
    repo: 'acme/api',
    errors: errors.map((message) => ({ message })),
    tool_calls: tools.map(([tool, latency_ms]) => ({ tool, latency_ms })),
    duration_minutes: 3,
  });
  if (!c.ok) throw new Error(c.reason);
  return c.session;
}

describe('finalize', () => {
  it('repeated errors: only keys seen 3+ times, in first-seen order', () => {
    let s = repeatedErrors.init();
    // 'twice' first, 'thrice' second, 'four' third, 'once' last
    const msgs = ['twice', 'thrice', 'four', 'twice', 'thrice', 'four', 'thrice', 'four', 'four', 'once'];
    msgs.forEach((m, i) => {
      s = repeatedErrors.add(s, session(`s${i}`, [m], []), [0, 0, i]);
    });
    const r = repeatedErrors.finalize(s);
    expect(r.map((e) => [e.key, e.count])).toEqual([
      ['thrice', 3],
      ['four', 4],
    ]);
    expect(repeatedErrors.patterns(r).map((p) => p.occurrences)).toEqual([3, 4]);
  });

  it('slow tools: only tools with 5+ positive latencies, in first-seen order', () => {
    let s = slowTools.init();
    const calls: [string, number][] = [
      ['Few', 9000],
      ['Many', 6000],
      ...Array.from({ length: 4 }, (): [string, number] => ['Many', 7000]),
      ...Array.from({ length: 3 }, (): [string, number] => ['Few', 9000]),
    ];
    s = slowTools.add(s, session('s0', [], calls), [0, 0, 0]);
    const r = slowTools.finalize(s);
    expect(r).toEqual([{ tool: 'Many', count: 5, sum: 34000 }]);
    expect(slowTools.patterns(r)).toHaveLength(1);
  });
});
