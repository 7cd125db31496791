/**
 * For the tests of the one-document logs' lines: where each value of a JSON text opens, by
 * its path, found by a plain character loop written apart from the walk it checks
 * (src/input/adapters/_json-walk.ts), so that a test reads the file as a person would.
 */
import { readFileSync } from 'node:fs';

/** `"trajectory/5"` -> the 1-based line of that value's first character (an object's `{`); values down to `maxDepth`. */
export function valueLines(text: string, maxDepth = 2): Map<string, number> {
  const out = new Map<string, number>();
  const stack: Array<{ array: boolean; key: string; index: number }> = [];
  let line = 1;
  let expectKey = false;
  const start = () => {
    if (stack.length <= maxDepth) out.set(stack.map((f) => (f.array ? String(f.index) : f.key)).join('/'), line);
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\n') line++;
    else if (c === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      if (expectKey) stack[stack.length - 1]!.key = JSON.parse(text.slice(i, j + 1)) as string;
      else start();
      i = j;
    } else if (c === '{' || c === '[') {
      start();
      stack.push({ array: c === '[', key: '', index: 0 });
      expectKey = c === '{';
    } else if (c === '}' || c === ']') stack.pop();
    else if (c === ',') {
      const top = stack[stack.length - 1]!;
      if (top.array) top.index++;
      expectKey = !top.array;
    } else if (c === ':') expectKey = false;
    else if (/[-0-9tfn]/.test(c)) {
      start();
      while (i + 1 < text.length && /[-+.0-9a-zA-Z]/.test(text[i + 1]!)) i++;
    }
  }
  return out;
}

/** The path of the value that opens on file line `n` (the outermost, where several do), among the paths `valueLines` gives. */
export function pathAtLine(file: string, n: number, maxDepth = 2): string | undefined {
  // in document order: the outermost value opening on a line comes first
  for (const [p, l] of valueLines(readFileSync(file, 'utf8'), maxDepth)) if (l === n) return p;
  return undefined;
}

/** The value at `path` ("messages/3") of the parsed document. */
export function valueAt(doc: unknown, path: string): unknown {
  let v = doc;
  for (const k of path.split('/')) v = (v as Record<string, unknown>)[k];
  return v;
}
