import { cpSlice } from './code-points.js';
import { pyLower } from './lower.js';
import { pyStrip } from './strip.js';
import { classBody, decimalRanges, spaceRanges, wordRanges } from './_unicode.js';

/*
 * The reference's _normalize_error:
 *
 *   msg = message.lower().strip()
 *   msg = re.sub(r'/\S+', '/PATH', msg)
 *   msg = re.sub(r'\b[0-9a-f]{8,}\b', 'HASH', msg)
 *   msg = re.sub(r'\d{4}-\d{2}-\d{2}[tT]\d{2}:\d{2}', 'TIME', msg)
 *   return msg[:150]
 *
 * Python's re is Unicode-aware: \S is "not str.isspace()", \b looks at
 * str.isalnum() or '_', \d is any Unicode decimal digit. For an ASCII message
 * those are exactly the ASCII classes below (JavaScript's \b and \d without the
 * u/i flags are ASCII; \s is not Python's, so \S is spelled out). Otherwise the
 * regexes are built from Python's own tables (_unicode-tables.ts), once.
 */

const ASCII = /^[\x00-\x7f]*$/;
const A_PATH = /\/[^\t-\r\x1c-\x20]+/g;
const A_HASH = /\b[0-9a-f]{8,}\b/g;
const A_TIME = /\d{4}-\d{2}-\d{2}[tT]\d{2}:\d{2}/g;

interface UnicodeRegexes {
  path: RegExp;
  hash: RegExp;
  time: RegExp;
}

let unicodeRegexes: UnicodeRegexes | undefined;

function buildUnicodeRegexes(): UnicodeRegexes {
  const S = classBody(spaceRanges());
  const W = classBody(wordRanges());
  const D = `[${classBody(decimalRanges())}]`;
  return {
    path: new RegExp(`/[^${S}]+`, 'gu'),
    hash: new RegExp(`(?<![${W}])[0-9a-f]{8,}(?![${W}])`, 'gu'),
    time: new RegExp(`${D}{4}-${D}{2}-${D}{2}[tT]${D}{2}:${D}{2}`, 'gu'),
  };
}

const MAX_LEN = 150;

/** The reference's `_normalize_error(message)`: '' for ''. */
export function normalizeError(message: string): string {
  if (message === '') return '';
  if (ASCII.test(message)) {
    let msg = pyStrip(message.toLowerCase());
    if (msg.includes('/')) msg = msg.replace(A_PATH, '/PATH');
    msg = msg.replace(A_HASH, 'HASH').replace(A_TIME, 'TIME');
    return msg.length > MAX_LEN ? msg.slice(0, MAX_LEN) : msg;
  }
  const re = (unicodeRegexes ??= buildUnicodeRegexes());
  let msg = pyStrip(pyLower(message));
  msg = msg.replace(re.path, '/PATH').replace(re.hash, 'HASH').replace(re.time, 'TIME');
  return cpSlice(msg, MAX_LEN);
}
