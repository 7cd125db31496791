/**
 * Markdown escaping for strings that come from logs (keys, error examples, file
 * names, session ids). A log string can hold newlines, `|`, backticks, `<`, `#`
 * or `[`: none of them may break a heading, a table row or the text around it.
 */

/** One line of inert Markdown text: newlines become " ⏎ ", every Markdown
 * punctuation character is backslash-escaped (GFM keeps `\|` inside tables).
 * `&` is escaped only where it would start a character reference (`&lt;`, `&#60;`),
 * with a backslash like the rest: `2>&1` stays readable in the raw file (it was
 * `2\>&amp;1`, which reads wrong in a terminal). */
export function escapeMarkdown(s: string): string {
  return s
    .replace(/\r\n|\r|\n|\u2028|\u2029/g, ' ⏎ ')
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, ' ')
    .replace(/[\\`*_[\]<>#|~]|&(?=#?[A-Za-z0-9]+;)/g, (c) => `\\${c}`);
}

/**
 * At most `max` code points, cut at a word boundary (space, `/`, `→`) so an id
 * or a word is never cut in the middle; "…" marks the cut. A single word longer
 * than `max` is kept whole.
 */
export function shorten(s: string, max: number): string {
  const cps = [...s];
  if (cps.length <= max) return s;
  let cut = max;
  while (cut > 0 && !/\s/.test(cps[cut]!)) cut--;
  if (cut === 0) return s;
  return `${cps.slice(0, cut).join('').trimEnd()} …`;
}

/** Escaped and shortened: for table cells and headings. */
export function cell(s: string, max = 120): string {
  return escapeMarkdown(shorten(s, max));
}
