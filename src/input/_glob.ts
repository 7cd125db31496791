/**
 * Minimal glob expansion for `--input` patterns the shell did not expand (quoted,
 * or on Windows): `*` and `?` within one path segment, `[...]` classes, and `**`
 * for any number of folders. Matches are returned sorted; hidden entries are only
 * matched by a segment that starts with '.'.
 */
import { promises as fsp } from 'node:fs';
import path from 'node:path';

export function isGlob(p: string): boolean {
  return /[*?[]/.test(p);
}

function segmentRegex(seg: string): RegExp {
  let re = '';
  for (let i = 0; i < seg.length; i++) {
    const c = seg[i]!;
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = seg.indexOf(']', i + 2);
      if (end < 0) re += '\\[';
      else {
        const body = seg
          .slice(i + 1, end)
          .replace(/^!/, '^')
          .replace(/\\/g, '\\\\');
        re += `[${body}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** Paths matching `pattern` (files and folders), sorted. */
export async function expandGlob(pattern: string): Promise<string[]> {
  const absolute = path.isAbsolute(pattern);
  const parts = pattern.split(/[\\/]+/).filter((s, i) => s !== '' || i === 0);
  let bases = [absolute ? path.parse(pattern).root : '.'];
  let start = absolute ? 1 : 0;
  // the literal prefix
  while (start < parts.length && !isGlob(parts[start]!)) {
    bases = [path.join(bases[0]!, parts[start]!)];
    start++;
  }
  const out = new Set<string>();
  const walk = async (dir: string, k: number): Promise<void> => {
    if (k === parts.length) {
      out.add(dir);
      return;
    }
    const seg = parts[k]!;
    let entries;
    try {
      entries = await fsp.readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    if (seg === '**') {
      await walk(dir, k + 1);
      for (const e of entries) if (e.isDirectory() && !e.name.startsWith('.')) await walk(path.join(dir, e.name), k);
      return;
    }
    const re = segmentRegex(seg);
    for (const e of entries) {
      if (e.name.startsWith('.') && !seg.startsWith('.')) continue;
      if (!re.test(e.name)) continue;
      if (k + 1 < parts.length && !e.isDirectory()) continue;
      await walk(path.join(dir, e.name), k + 1);
    }
  };
  for (const b of bases) await walk(b, start);
  return [...out].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
