/**
 * An error message too big to be one JavaScript string (issue #9: V8 strings stop
 * at 2^29-24 UTF-16 units, ~512 MB), reduced to a short stand-in string that every
 * reader of a message reads exactly as it would read the whole text:
 *
 *  - the seed's key, the reference's `_normalize_error` (python/normalize-error.ts):
 *    lower, strip, three substitutions, the first 150 code points;
 *  - the fleet's key (fleet/error-taxonomy.ts `normalizeErrorText`): the first three
 *    non-empty lines after its rules, at most 160 code points;
 *  - the fleet's category (`categorize`): the first taxonomy pattern that matches
 *    ANYWHERE in the text, so the whole text is searched, window by window;
 *  - the fleet's rejection test (fleet/_calls.ts `isRejectionText`): a match anywhere;
 *  - the fleet's cancelled-sibling test (`isSiblingCancelledText`): the whole text, so a
 *    prefix that could begin such a message is refused;
 *  - the fleet's example: the first 300 code points, and whether there are more.
 *
 * The text arrives as consecutive pieces (decoded windows of the JSON string). Two steps:
 *
 * 1. Runs shortened. Every run of more than RUN_KEEP equal UTF-16 units becomes
 *    RUN_KEEP of them. No reader above can tell: their regexes repeat a character
 *    class either a fixed number of times (at most 40) or without bound (a run of
 *    513 or 600 million `e` is the same `HASH`), and their cuts (150, 160, 300
 *    code points) lie inside the kept run. If the shortened text fits in `cap`
 *    units, it IS the stand-in (`'x' * 600e6` is 512 `x`).
 * 2. Otherwise a prefix, kept only when provably enough. With A the first `cap`
 *    units cut just after their last whitespace, and B the same cut after their
 *    last newline (B is a prefix of A):
 *    - seed: `normalizeError(A + X)` is the same for every X iff
 *      `normalizeError(A) === normalizeError(A + 'x')`, because a whitespace
 *      character splits every step (no substitution matches across it, lower()'s
 *      Final_Sigma context stops at it), so the key is `L[:150]` of A's own
 *      output L whenever rstrip(L) has 150 code points, and the two calls differ
 *      exactly when it has fewer;
 *    - fleet key: lines end at newlines, so with B ending in one,
 *      `normalizeErrorText(B + X)` is the same for every X iff it is for X = ''
 *      and X = 'AAAA' (three lines, or more than 160 code points, or the
 *      `String:` rule already took the rest); A extends B, so A has that key too;
 *    - category: the first category found in any window, each window searched with
 *      its real neighbours standing in as sentinels (same word/line class, never
 *      part of a match). Windows overlap by OVERLAP units, and a match longer than
 *      that needs a run of digits (the taxonomy's only unbounded repetition is
 *      `\d+`: test/input/oversized.test.ts checks the source) longer than
 *      DIGIT_RUN, which is refused. The rejection test is searched the same way.
 *      The stand-in is `A + '\n' + the winning window (+ '\n' + a rejection window)`;
 *    - finally every reader is run on the stand-in and compared; any doubt throws.
 * When something cannot be proven, `reduceMessage` returns undefined and the caller
 * fails with a located "Value too large" (exit 3), never a guess.
 */
import { cpLength, cpSlice, normalizeError, pyStrip } from '../python/index.js';
import { categorize, normalizeErrorText } from '../fleet/error-taxonomy.js';
import { isRejectionText, isSiblingCancelledText } from '../fleet/_calls.js';

/** Runs longer than this many equal UTF-16 units are cut to it (> every cut and fixed repetition of the readers). */
export const RUN_KEEP = 512;
/** The fleet example's length in code points (error-clusters.ts EXAMPLE_CHARS): the stand-in keeps more. */
const EXAMPLE_CHARS = 300;
/** Category windows overlap by this many units. */
const OVERLAP = 1 << 16;
/** A run of this many ASCII digits could hide a taxonomy match longer than OVERLAP: refused. */
const DIGIT_RUN = (OVERLAP - 128) >> 1;

const isDigit = (c: number) => c >= 0x30 && c <= 0x39;

/**
 * Whether `s` has a run of at least DIGIT_RUN ASCII digits. Such a run covers one of
 * the positions sampled every DIGIT_RUN / 2 units, so only those are looked at, and
 * the run through each is measured (the profile of a 124 MB message: /\d{32704,}/
 * took 0.8 s of 8.9).
 */
function hasDigitRun(s: string): boolean {
  for (let p = 0; p < s.length; p += DIGIT_RUN >> 1) {
    if (!isDigit(s.charCodeAt(p))) continue;
    let a = p;
    let b = p + 1;
    while (a > 0 && isDigit(s.charCodeAt(a - 1))) a--;
    while (b < s.length && isDigit(s.charCodeAt(b))) b++;
    if (b - a >= DIGIT_RUN) return true;
  }
  return false;
}

/** Cuts runs of more than RUN_KEEP equal units, across piece boundaries. */
class RunShortener {
  private unit = -1;
  private run = 0;
  /** `piece` with every run (continuing from earlier pieces) cut to RUN_KEEP. */
  shorten(piece: string): string {
    let out = '';
    let unit = this.unit;
    let run = this.run;
    let from = run > RUN_KEEP ? -1 : 0; // piece[from, i) is still to be copied; -1: inside a cut run
    for (let i = 0; i < piece.length; i++) {
      const c = piece.charCodeAt(i);
      if (c === unit) {
        if (++run === RUN_KEEP + 1) {
          out += piece.slice(from, i);
          from = -1;
        }
      } else {
        if (from < 0) from = i;
        unit = c;
        run = 1;
      }
    }
    this.unit = unit;
    this.run = run;
    if (from < 0) return out;
    return from === 0 ? piece : out + piece.slice(from);
  }
}

function sentinel(c: number): string {
  if (c < 0) return '\n'; // the start or the end of the text
  if (c === 0x0a || c === 0x0d || c === 0x2028 || c === 0x2029) return '\n';
  const word = (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f;
  // 'q' starts and ends no taxonomy match; a space neither (checked in the test)
  return word ? 'q' : ' ';
}

/**
 * The first taxonomy category of the whole text, from its pieces in order. Returns
 * the category and a window where it is found (searching that window alone gives it),
 * or undefined when a run of digits makes the windows unsafe.
 */
class CategoryScan {
  private tail = ''; // the last OVERLAP units before `pending`
  private beforeTail = -1; // the unit just before `tail` (-1: the tail starts the text)
  private pending: string | undefined;
  private best: { category: string; window: string } | undefined;
  private rejection: string | undefined; // a window where isRejectionText holds
  private unsafe = false;

  push(piece: string): void {
    if (piece === '') return;
    if (this.pending !== undefined) this.search(piece.charCodeAt(0));
    this.pending = piece;
  }

  finish(): { category: string; window: string; rejection: string | undefined } | undefined {
    if (this.pending !== undefined) this.search(-1);
    if (this.unsafe) return undefined;
    return { ...(this.best ?? { category: 'other', window: '' }), rejection: this.rejection };
  }

  private search(next: number): void {
    const window = this.tail + this.pending!;
    const before = this.beforeTail;
    this.pending = undefined;
    if (window.length > OVERLAP) {
      this.beforeTail = window.charCodeAt(window.length - OVERLAP - 1);
      this.tail = window.slice(-OVERLAP);
    } else this.tail = window;
    if (this.unsafe || hasDigitRun(window)) {
      this.unsafe = true;
      return;
    }
    const text = sentinel(before) + window + sentinel(next);
    if (this.rejection === undefined && isRejectionText(text)) this.rejection = text;
    const category = categorize(text);
    if (category === 'other') return;
    const best = this.best;
    if (best === undefined) this.best = { category, window: text };
    // which of the two comes first in the taxonomy: search both at once
    else if (category !== best.category && categorize(`${best.window}\n${text}`) === category) this.best = { category, window: text };
  }
}

function lastIndexOfSpace(s: string): number {
  for (let i = s.length - 1; i >= 0; i--) if (pyStrip(s[i]!) === '') return i;
  return -1;
}

export interface MessageReaders {
  seedKey: string;
  fleetKey: string;
  category: string;
  rejection: boolean;
  example: string;
}

/** What every reader takes from a message (the tests compare a stand-in with the whole text through this). */
export function readMessage(text: string): MessageReaders {
  const n = cpLength(text);
  return {
    seedKey: normalizeError(text),
    fleetKey: normalizeErrorText(text),
    category: categorize(text),
    rejection: isRejectionText(text),
    example: n > EXAMPLE_CHARS ? cpSlice(text, EXAMPLE_CHARS + 1) : text,
  };
}

/**
 * A stand-in for the message whose pieces are given in order (at most `cap`
 * units are kept), read exactly like the whole text by every reader, or
 * undefined when that cannot be proven.
 */
export function reduceMessage(pieces: Iterable<string>, cap: number): string | undefined {
  const runs = new RunShortener();
  const scan = new CategoryScan();
  let kept = '';
  let full = true; // `kept` is the whole (shortened) text
  for (const piece of pieces) {
    scan.push(piece);
    if (!full) continue;
    const short = runs.shorten(piece);
    if (kept.length + short.length <= cap) kept += short;
    else {
      kept += short.slice(0, cap - kept.length);
      full = false;
    }
  }
  const found = scan.finish();
  if (full) {
    const same = found === undefined || (categorize(kept) === found.category && isRejectionText(kept) === (found.rejection !== undefined));
    return same ? kept : undefined;
  }
  if (found === undefined) return undefined;

  // A: cut after the last whitespace; B: after the last newline
  const a = kept.slice(0, lastIndexOfSpace(kept) + 1);
  if (a === '' || normalizeError(a) !== normalizeError(`${a}x`)) return undefined;
  const b = kept.slice(0, kept.lastIndexOf('\n') + 1);
  if (normalizeErrorText(b) !== normalizeErrorText(`${b}AAAA`)) return undefined;
  if (cpLength(a) <= EXAMPLE_CHARS) return undefined;
  // the fleet's cancelled-sibling test reads the whole text, to its end ("... errored"):
  // a prefix that may start such a message cannot say
  if (isSiblingCancelledText(`${a}errored`)) return undefined;
  const standIn = `${a}\n${found.window}${found.rejection === undefined ? '' : `\n${found.rejection}`}`;
  // every reader, once more, on the stand-in
  if (normalizeError(standIn) !== normalizeError(a)) return undefined;
  if (normalizeErrorText(standIn) !== normalizeErrorText(b)) return undefined;
  if (categorize(standIn) !== found.category) return undefined;
  if (isRejectionText(standIn) !== (found.rejection !== undefined)) return undefined;
  return standIn;
}
