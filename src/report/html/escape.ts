/**
 * Every string that came from a log goes through here before it reaches the page.
 *
 * Escaping `& < > " '` makes a string inert in text and in quoted attributes, and
 * the page puts no log string inside <script> or <style>, so `</script>` and
 * `</style>` are plain text. Escaping alone leaves two ways for a log line to
 * mislead a reader: terminal escapes (ANSI colours, which a browser shows as
 * garbage or hides) and bidirectional overrides (U+202E can make `exe.txt` read
 * as `txt.exe`). Those, and every other control character, are shown as a
 * visible `\u{…}` code instead.
 */

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * C0 controls except tab and newline, DEL, C1 controls, the bidi embeddings,
 * overrides and isolates, the invisible marks (LRM, RLM, ALM, zero-width and
 * joiners), line/paragraph separators and the BOM.
 */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb]/g;

/** Control and bidi characters as visible text: ESC -> `\u{1b}`. */
export function neutralize(s: string): string {
  return s.replace(UNSAFE, (c) => `\\u{${c.charCodeAt(0).toString(16)}}`);
}

/** A log string as HTML text or a quoted attribute value. */
export function escapeHtml(s: string): string {
  return neutralize(s).replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

/** Cut at a code point boundary, with an ellipsis when cut. */
export function truncate(s: string, max: number): string {
  const cps = Array.from(s);
  return cps.length <= max ? s : cps.slice(0, max - 1).join('') + '…';
}
