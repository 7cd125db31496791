/**
 * An error message too big to be one JavaScript string (issue #9: V8 strings stop
 * at 2^29-24 UTF-16 units, ~512 MB), reduced to a short stand-in string that every
 * reader given by the profile (message-readers.ts: the seed's key; the fleet's key,
 * category, rejection test and example) reads exactly as it would read the whole text.
 * The readers themselves, and why a prefix is enough for each, live with their profile
 * (profiles/seed/message-readers.ts, fleet/message-readers.ts).
 *
 * The text arrives as consecutive pieces (decoded windows of the JSON string). Two steps:
 *
 * 1. Runs shortened. Every run of more than RUN_KEEP equal UTF-16 units becomes
 *    RUN_KEEP of them. No reader can tell: their regexes repeat a character class
 *    either a fixed number of times (at most 40) or without bound (a run of 513 or
 *    600 million `e` is the same `HASH`), and their cuts (150, 160, 300 code points)
 *    lie inside the kept run. If the shortened text fits in `cap` units, it IS the
 *    stand-in (`'x' * 600e6` is 512 `x`).
 * 2. Otherwise a prefix, kept only when provably enough. With A the first `cap` units
 *    cut just after their last whitespace, and B the same cut after their last newline
 *    (B is a prefix of A):
 *    - a key is settled by A or B (its `cut`): `key.settled(prefix)`;
 *    - a category: the first category found in any window, each window searched with
 *      its real neighbours standing in as sentinels (same word/line class, never part
 *      of a match). Windows overlap by OVERLAP units, and a match longer than that
 *      needs a run of digits (the only unbounded repetition a category may have)
 *      longer than DIGIT_RUN, which is refused. The `anywhere` tests are searched the
 *      same way. The stand-in is A, then each category's winning window and each
 *      holding test's window, a newline before each;
 *    - a reader that needs the whole text may refuse A (`prefixEnough`), and an example
 *      needs more code points than it shows;
 *    - finally every reader is run on the stand-in and compared; any doubt refuses.
 * When something cannot be proven, `reduceMessage` returns undefined and the caller
 * fails with a located "Value too large" (exit 3), never a guess. Without readers the
 * message is refused too: nothing says what of it may be dropped.
 */
import { cpLength, cpSlice, pyStrip } from '../python/index.js';
import type { MessageReaders } from './message-readers.js';

/** Runs longer than this many equal UTF-16 units are cut to it (> every cut and fixed repetition of the readers). */
export const RUN_KEEP = 512;
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

type Category = NonNullable<MessageReaders['category']>;

/** What the window scan found: per category reader its category and a window that shows it
 * (searching that window alone gives it), per `anywhere` test a window where it holds. */
interface Found {
  categories: Array<{ category: string; window: string }>;
  hits: Array<string | undefined>;
}

/**
 * The first category of each category reader over the whole text, and where each
 * `anywhere` test holds, from the text's pieces in order; undefined when a run of digits
 * makes the windows unsafe.
 */
class WindowScan {
  private tail = ''; // the last OVERLAP units before `pending`
  private beforeTail = -1; // the unit just before `tail` (-1: the tail starts the text)
  private pending: string | undefined;
  private readonly best: Array<{ category: string; window: string } | undefined>;
  private readonly hits: Array<string | undefined>;
  private unsafe = false;

  constructor(
    private readonly categories: readonly Category[],
    private readonly tests: ReadonlyArray<(text: string) => boolean>,
  ) {
    this.best = categories.map(() => undefined);
    this.hits = tests.map(() => undefined);
  }

  push(piece: string): void {
    if (piece === '') return;
    if (this.pending !== undefined) this.search(piece.charCodeAt(0));
    this.pending = piece;
  }

  finish(): Found | undefined {
    if (this.pending !== undefined) this.search(-1);
    if (this.unsafe) return undefined;
    return { categories: this.best.map((b, i) => b ?? { category: this.categories[i]!.none, window: '' }), hits: this.hits };
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
    this.tests.forEach((test, i) => {
      if (this.hits[i] === undefined && test(text)) this.hits[i] = text;
    });
    this.categories.forEach((c, i) => {
      const category = c.read(text);
      if (category === c.none) return;
      const best = this.best[i];
      if (best === undefined) this.best[i] = { category, window: text };
      // which of the two comes first in the reader's order: search both at once
      else if (category !== best.category && c.read(`${best.window}\n${text}`) === category) this.best[i] = { category, window: text };
    });
  }
}

function lastIndexOfSpace(s: string): number {
  for (let i = s.length - 1; i >= 0; i--) if (pyStrip(s[i]!) === '') return i;
  return -1;
}

/**
 * What the readers take from a message, reader by reader: key, category, `anywhere` tests
 * and example (the tests compare a stand-in with the whole text through this).
 */
export function readMessage(text: string, readers: readonly MessageReaders[]): unknown[] {
  const n = cpLength(text);
  return readers.map((r) => ({
    key: r.key.read(text),
    category: r.category?.read(text),
    anywhere: r.anywhere?.map((test) => test(text)),
    example: r.exampleChars === undefined ? undefined : n > r.exampleChars ? cpSlice(text, r.exampleChars + 1) : text,
  }));
}

/**
 * A stand-in for the message whose pieces are given in order (at most `cap` units are
 * kept), read exactly like the whole text by every reader given, or undefined when that
 * cannot be proven (or no reader is given).
 */
export function reduceMessage(pieces: Iterable<string>, cap: number, readers: readonly MessageReaders[]): string | undefined {
  if (readers.length === 0) return undefined;
  const categories = readers.flatMap((r) => (r.category === undefined ? [] : [r.category]));
  const tests = readers.flatMap((r) => r.anywhere ?? []);
  // windows only for readers that search the whole text (they also refuse long digit runs)
  const scan = categories.length + tests.length > 0 ? new WindowScan(categories, tests) : undefined;
  const runs = new RunShortener();
  let kept = '';
  let full = true; // `kept` is the whole (shortened) text
  for (const piece of pieces) {
    scan?.push(piece);
    if (!full) continue;
    const short = runs.shorten(piece);
    if (kept.length + short.length <= cap) kept += short;
    else {
      kept += short.slice(0, cap - kept.length);
      full = false;
    }
  }
  const found: Found | undefined = scan === undefined ? { categories: [], hits: [] } : scan.finish();
  /** `text` reads like the whole text for every category and `anywhere` test */
  const searchedAlike = (f: Found, text: string): boolean =>
    categories.every((c, i) => c.read(text) === f.categories[i]!.category) && tests.every((test, i) => test(text) === (f.hits[i] !== undefined));
  if (full) return found === undefined || searchedAlike(found, kept) ? kept : undefined;
  if (found === undefined) return undefined;

  // A: cut after the last whitespace; B: after the last newline
  const a = kept.slice(0, lastIndexOfSpace(kept) + 1);
  if (a === '') return undefined;
  const b = kept.slice(0, kept.lastIndexOf('\n') + 1);
  const prefixOf = (r: MessageReaders): string => (r.key.cut === 'newline' ? b : a);
  if (!readers.every((r) => r.key.settled(prefixOf(r)))) return undefined;
  if (!readers.every((r) => cpLength(a) > (r.exampleChars ?? 0) && (r.prefixEnough?.(a) ?? true))) return undefined;
  const windows = [...found.categories.map((c) => c.window), ...found.hits.filter((h) => h !== undefined)];
  const standIn = [a, ...windows].join('\n');
  // every reader, once more, on the stand-in
  if (!readers.every((r) => r.key.read(standIn) === r.key.read(prefixOf(r)))) return undefined;
  return searchedAlike(found, standIn) ? standIn : undefined;
}
