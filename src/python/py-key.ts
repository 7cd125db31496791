import { numberKey, PyNum } from './py-num.js';

/**
 * Python equality as a string key: two JSON values get the same key exactly when
 * Python's `==` (and so dict/set identity) treats them as equal — `1`, `1.0` and
 * `true` are one key, `null` is None, lists and dicts compare by content.
 */
export function pyKey(v: unknown): string {
  if (v instanceof PyNum) return 'n' + numberKey(v);
  switch (typeof v) {
    case 'string':
      return 's' + v;
    case 'number':
      return 'n' + numberKey(v); // exact values: -0.0 == 0, 1.0 == 1 in Python
    case 'boolean':
      return v ? 'n1' : 'n0';
    case 'object':
      if (v === null) return 'N';
      if (Array.isArray(v)) return 'l[' + v.map(pyKey).join(',') + ']';
      return (
        'd{' +
        Object.keys(v)
          .sort()
          .map((k) => JSON.stringify(k) + ':' + pyKey((v as Record<string, unknown>)[k]))
          .join(',') +
        '}'
      );
    default:
      return 'u';
  }
}
