/**
 * Placeholders a session carries through JSON.stringify, swapped for raw JSON afterwards: the
 * messages (written from pre-encoded pool bytes) and a duration that must stay a float literal.
 */

export function escapeJson(text: string): string {
  return JSON.stringify(text).slice(1, -1);
}

// Placeholders, swapped for raw JSON after JSON.stringify (which escapes U+0000 as \u0000).
export const MESSAGES_MARK = '\u0000messages';
export const MESSAGES_JSON = '"\\u0000messages"';
/** "37.0" must stay a float literal, which JSON.stringify(37) cannot write. */
export const DURATION_MARK = '\u0000dur:';
export const DURATION_JSON = '"\\u0000dur:';

/**
 * Replace the stringified placeholder that starts with `mark` by what follows
 * `mark` in it, unquoted.
 */
export function spliceRaw(json: string, mark: string, raw: null): string {
  const at = json.indexOf(mark);
  if (at < 0 || raw !== null) throw new Error(`placeholder ${mark} missing`);
  const end = json.indexOf('"', at + mark.length);
  return json.slice(0, at) + json.slice(at + mark.length, end) + json.slice(end + 1);
}
