import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { inputDigest } from '../../../src/input/adapters/input-digest.js';

describe(inputDigest.name, () => {
  it('is 16 hex digits, equal for the same action whatever the key order', () => {
    const d = inputDigest('Edit', { file_path: 'a.ts', old_string: 'x', new_string: 'y' });
    expect(d).toMatch(/^[0-9a-f]{16}$/);
    expect(inputDigest('Edit', { new_string: 'y', old_string: 'x', file_path: 'a.ts' })).toBe(d);
  });

  it('differs for another tool or another input', () => {
    expect(inputDigest('Read', { file_path: 'a.ts' })).not.toBe(inputDigest('Write', { file_path: 'a.ts' }));
    expect(inputDigest('Read', { file_path: 'a.ts' })).not.toBe(inputDigest('Read', { file_path: 'b.ts' }));
  });

  it('survives an input nested far deeper than the stack', () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 20_000; i++) deep = [deep];
    expect(inputDigest('Bash', deep)).toMatch(/^[0-9a-f]{16}$/);
  });

  it('depends on the value only (property: a copy with shuffled keys has the same digest)', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (obj) => {
        const reversed = Object.fromEntries(Object.entries(obj).reverse());
        expect(inputDigest('t', reversed)).toBe(inputDigest('t', obj));
      }),
    );
  });
});
