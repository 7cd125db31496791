import { numberKey, PyNum } from './py-num.js';

/**
 * Python equality as a string key: two JSON values get the same key exactly when
 * Python's `==` (and so dict/set identity) treats them as equal — `1`, `1.0` and
 * `true` are one key, `null` is None, lists and dicts compare by content.
 *
 * Iterative, with its own stack of pending parts: a recursive walk overflowed V8's stack on a
 * `tool` nested ~5000 levels deep, and only on the main thread (worker threads have a larger
 * stack), so the report depended on --workers. Any depth now gives the same key everywhere.
 */
export function pyKey(v: unknown): string {
  const leaf = leafKey(v);
  if (leaf !== undefined) return leaf; // the common case (a string tool name) allocates no stack
  const out: string[] = [];
  // LIFO: a pending part is either text to emit as is ({ text }) or a value to key
  const pending: Array<{ text: string } | { value: unknown }> = [{ value: v }];
  for (let part = pending.pop(); part !== undefined; part = pending.pop()) {
    if ('text' in part) {
      out.push(part.text);
      continue;
    }
    const x = part.value;
    const leaf = leafKey(x);
    if (leaf !== undefined) {
      out.push(leaf);
    } else if (Array.isArray(x)) {
      out.push('l[');
      pending.push({ text: ']' });
      for (let i = x.length - 1; i >= 0; i--) {
        pending.push({ value: x[i] });
        if (i > 0) pending.push({ text: ',' });
      }
    } else {
      const o = x as Record<string, unknown>;
      const keys = Object.keys(o).sort();
      out.push('d{');
      pending.push({ text: '}' });
      for (let i = keys.length - 1; i >= 0; i--) {
        pending.push({ value: o[keys[i]!] });
        pending.push({ text: (i > 0 ? ',' : '') + JSON.stringify(keys[i]) + ':' });
      }
    }
  }
  return out.join('');
}

/** The key of a value that holds no other values, or undefined for a list or dict. */
function leafKey(v: unknown): string | undefined {
  if (v instanceof PyNum) return 'n' + numberKey(v);
  switch (typeof v) {
    case 'string':
      return 's' + v;
    case 'number':
      return 'n' + numberKey(v); // exact values: -0.0 == 0, 1.0 == 1 in Python
    case 'boolean':
      return v ? 'n1' : 'n0';
    case 'object':
      return v === null ? 'N' : undefined;
    default:
      return 'u';
  }
}
