/**
 * Our JSON output against the reference's, proposal by proposal (Python's bare Infinity and NaN
 * read as null, as we write null).
 */

/** JSON.parse that accepts Python's bare Infinity / -Infinity / NaN (read as null). */
export function parsePythonJson(text: string): unknown {
  let out = '';
  let last = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped char
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) {
      inString = true;
      continue;
    }
    for (const word of ['-Infinity', 'Infinity', 'NaN']) {
      if (text.startsWith(word, i)) {
        out += text.slice(last, i) + 'null';
        i += word.length - 1;
        last = i + 1;
        break;
      }
    }
  }
  return JSON.parse(out + text.slice(last));
}

export interface Comparison {
  equal: boolean;
  ours: number;
  reference: number;
  mismatches: string[];
}

function proposalsOf(value: unknown, who: string): unknown[] {
  if (Array.isArray(value)) return value;
  if (typeof value === 'object' && value !== null && Array.isArray((value as { proposals?: unknown }).proposals)) {
    return (value as { proposals: unknown[] }).proposals;
  }
  throw new Error(`${who} output is not a JSON array of proposals`);
}

function firstDifference(a: unknown, b: unknown, path: string): string | null {
  if (a === b) return null;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return `${path}: ${a.length} items vs ${b.length}`;
    for (let i = 0; i < a.length; i++) {
      const d = firstDifference(a[i], b[i], `${path}[${i}]`);
      if (d) return d;
    }
    return null;
  }
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null && !Array.isArray(a) && !Array.isArray(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) {
      const d = firstDifference((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`);
      if (d) return d;
    }
    return null;
  }
  const show = (v: unknown): string => (v === undefined ? 'missing' : JSON.stringify(v).slice(0, 120));
  return `${path}: ours ${show(a)}, reference ${show(b)}`;
}

/** Compare our JSON output with the reference's, proposal by proposal. */
export function compareProposals(oursText: string, referenceText: string, maxMismatches = 10): Comparison {
  const ours = proposalsOf(parsePythonJson(oursText), 'our');
  const ref = proposalsOf(parsePythonJson(referenceText), 'reference');
  const mismatches: string[] = [];
  if (ours.length !== ref.length) mismatches.push(`${ours.length} proposals vs reference ${ref.length}`);
  for (let i = 0; i < Math.max(ours.length, ref.length) && mismatches.length < maxMismatches; i++) {
    const title = (ref[i] ?? ours[i]) as { title?: unknown } | undefined;
    const d = firstDifference(ours[i], ref[i], `proposal #${i + 1}`);
    if (d) mismatches.push(`${d} (title ${JSON.stringify(title?.title ?? '?').slice(0, 80)})`);
  }
  return { equal: mismatches.length === 0, ours: ours.length, reference: ref.length, mismatches };
}
