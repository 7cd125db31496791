import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { numberKey, PyNum } from '../../src/python/py-num.js';
import { pyKey } from '../../src/python/py-key.js';

/** The recursive definition pyKey had before it became iterative: the oracle for its output. */
function recursiveKey(v: unknown): string {
  if (v instanceof PyNum) return 'n' + numberKey(v);
  switch (typeof v) {
    case 'string':
      return 's' + v;
    case 'number':
      return 'n' + numberKey(v);
    case 'boolean':
      return v ? 'n1' : 'n0';
    case 'object':
      if (v === null) return 'N';
      if (Array.isArray(v)) return 'l[' + v.map(recursiveKey).join(',') + ']';
      return (
        'd{' +
        Object.keys(v)
          .sort()
          .map((k) => JSON.stringify(k) + ':' + recursiveKey((v as Record<string, unknown>)[k]))
          .join(',') +
        '}'
      );
    default:
      return 'u';
  }
}

const CLI = path.resolve(import.meta.dirname, '../../dist/cli.js');

describe(pyKey.name, () => {
  it('gives the keys of the recursive definition for any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (v) => {
        expect(pyKey(v)).toBe(recursiveKey(v));
      }),
      { numRuns: 500 },
    );
  });

  it('keeps Python equality: 1 == 1.0 == True, key order does not matter', () => {
    expect(pyKey([1, { b: null, a: 'x' }])).toBe(pyKey([true, { a: 'x', b: null }]));
    expect(pyKey([1.5])).not.toBe(pyKey(['1.5']));
  });

  it('keys values nested deeper than any stack', () => {
    const depth = 200_000;
    let list: unknown = 'x';
    let dict: unknown = 0;
    for (let i = 0; i < depth; i++) {
      list = [list];
      dict = { a: dict };
    }
    expect(pyKey(list)).toBe('l['.repeat(depth) + 'sx' + ']'.repeat(depth));
    expect(pyKey(dict)).toBe('d{"a":'.repeat(depth) + 'n0' + '}'.repeat(depth));
  });

  it('a tool nested 5000 levels deep gives the same outcome for every worker count (built CLI)', () => {
    // three equal unhashable tools: a retry streak the reference would hash, so a malformed record
    const dir = mkdtempSync(path.join(os.tmpdir(), 'fp-pykey-'));
    const f = path.join(dir, 'deep.json');
    const tool = '['.repeat(5000) + '"x"' + ']'.repeat(5000);
    const calls = Array.from({ length: 3 }, () => `{"tool":${tool},"latency_ms":0}`).join(',');
    writeFileSync(f, `[{"session_id":"a","tool_calls":[${calls}],"errors":[],"duration_minutes":1}]`);
    const runs = [1, 2].map((w) =>
      spawnSync(process.execPath, [CLI, '--input', f, '--workers', String(w), '--format', 'json'], { encoding: 'utf8' }),
    );
    for (const r of runs) {
      expect(r.stderr).toContain('Invalid session: tool_calls[2].tool is a list, expected a string, at byte 1');
      expect(r.stderr).not.toContain('internal error');
      expect(r.status).toBe(1);
    }
    expect(runs[1]!.stderr).toBe(runs[0]!.stderr);
  });
});
