/**
 * Kept values too big for one JavaScript string (issue #9). The fast decoder keeps
 * a record's session keys as bytes and parses them as one string each; V8 refuses a
 * string over 2^29-24 units (~512 MB), so a 600 MB `errors` member ended in
 * "RangeError: Invalid string length" (exit 70) where the reference succeeds.
 *
 * A kept value of `oversized.bytes` or more comes here instead, and only what the
 * analysis reads is kept:
 *  - an `errors` / `tool_calls` list is parsed element by element (equal neighbouring
 *    elements share one parse: 40 million `{"message":"e"}` cost one);
 *  - an element itself that big: of an error, its `message` (a stand-in string read
 *    exactly like the whole text, _oversized-message.ts; other members are read by
 *    no one); of a tool call, its members under the limit;
 *  - a value whose type is all that is read (a list where an object belongs, a
 *    huge non-object record) becomes a small value of the same type and truthiness.
 * What cannot be reduced exactly (a session_id or repo name that the report prints
 * whole, a tool name, a message whose key a prefix cannot prove) fails with
 * `Value too large: an error message of 600 MB at byte N in FILE` (exit 3), N the
 * value's first byte: the same for every worker count and input shape.
 *
 * The value's bytes are already validated JSON (the decoder checked them), so the
 * walk below only finds boundaries. Memory: the captured bytes (as the decoder holds
 * them) plus one copy, plus the reduced value.
 */
import { AnalyzerError, describeLocation } from '../errors.js';
import { parseKeptMember } from './_kept-values.js';
import { reduceMessage } from './_oversized-message.js';
import type { MessageReaders } from './message-readers.js';

/**
 * Sizes; internal, lowered by the tests (through the env variable they reach worker
 * threads and child processes; the other two follow it). `bytes`: a kept value this
 * big takes the path here, far below V8's limit so that the reduction never meets it.
 * `messageUnits`: the most of a message kept as a stand-in. `pieceBytes`: the window a
 * huge message is decoded in.
 */
const BYTES = Number(process.env['FLEET_PROPOSALS_OVERSIZED_BYTES']) || 128 * 2 ** 20;
export const oversized = {
  bytes: BYTES,
  messageUnits: Math.min(1 << 20, BYTES >> 1),
  pieceBytes: Math.min(16 * 2 ** 20, BYTES >> 2),
};

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

function isWs(c: number | undefined): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

function megabytes(n: number): string {
  return n >= 1e6 ? `${Math.round(n / 1e6)} MB` : `${n} bytes`;
}

class Reducer {
  private prevStart = -1;
  private prevEnd = -1;
  private prevValue: unknown;

  constructor(
    private readonly b: Buffer,
    private readonly at: number,
    private readonly file: string | undefined,
    private readonly readers: readonly MessageReaders[],
  ) {}

  /** `Value too large: <what> of <size> at byte N in FILE` for the value b[s, e). */
  private tooLarge(what: string, s: number, e: number): never {
    const where = describeLocation(this.file === undefined ? { offset: this.at + s } : { file: this.file, offset: this.at + s });
    throw new AnalyzerError('FP_INPUT', `Value too large: ${what} of ${megabytes(e - s)} ${where}`, { file: this.file, offset: this.at + s });
  }

  private ws(i: number): number {
    while (isWs(this.b[i])) i++;
    return i;
  }

  /** The index just after the string starting at b[i] (a quote). */
  private stringEnd(i: number): number {
    const b = this.b;
    let j = i + 1;
    for (;;) {
      const q = b.indexOf(QUOTE, j);
      let k = q - 1;
      while (b[k] === BACKSLASH) k--;
      if ((q - 1 - k) % 2 === 0) return q + 1;
      j = q + 1;
    }
  }

  /** The index just after the value starting at b[i]. */
  private valueEnd(i: number): number {
    const b = this.b;
    const c = b[i];
    if (c === QUOTE) return this.stringEnd(i);
    if (c === 0x7b || c === 0x5b) {
      let depth = 0;
      for (;;) {
        const x = b[i]!;
        if (x === QUOTE) {
          i = this.stringEnd(i);
          continue;
        }
        if (x === 0x7b || x === 0x5b) depth++;
        else if ((x === 0x7d || x === 0x5d) && --depth === 0) return i + 1;
        i++;
      }
    }
    while (i < b.length && !isWs(b[i]) && b[i] !== 0x2c && b[i] !== 0x5d && b[i] !== 0x7d) i++;
    return i;
  }

  /**
   * Calls `f` with each element (or member, with its name) b[vs, ve) of the container at
   * b[s]. A callback, not a generator: 40 million elements measured 1.3 s in the generator.
   */
  private each(s: number, f: (name: string | undefined, vs: number, ve: number) => void): void {
    const b = this.b;
    const obj = b[s] === 0x7b;
    let i = this.ws(s + 1);
    if (b[i] === 0x5d || b[i] === 0x7d) return;
    for (;;) {
      let name: string | undefined;
      if (obj) {
        const ne = this.stringEnd(i);
        // a name longer than any we read is none of them (and may be huge)
        name = ne - i <= 256 ? (JSON.parse(b.toString('utf8', i, ne)) as string) : '';
        i = this.ws(this.ws(ne) + 1); // ':'
      }
      const e = this.valueEnd(i);
      f(name, i, e);
      i = this.ws(e);
      if (b[i] !== 0x2c) return;
      i = this.ws(i + 1);
    }
  }

  /** Whether b[s, e) holds the same bytes as the previous parse's. */
  private samePrevious(s: number, e: number): boolean {
    const ps = this.prevStart;
    if (ps < 0 || this.prevEnd - ps !== e - s) return false;
    const b = this.b;
    if (e - s > 64) return b.compare(b, ps, this.prevEnd, s, e) === 0;
    for (let k = 0; k < e - s; k++) if (b[ps + k] !== b[s + k]) return false;
    return true;
  }

  /** A small value of the same JSON type and truthiness as the (huge, so non-empty) value at b[s]. */
  private placeholder(s: number): unknown {
    switch (this.b[s]) {
      case QUOTE:
        return 'x';
      case 0x7b:
        return { '': null };
      case 0x5b:
        return [null];
      default:
        return 1; // a number (true, false and null are never huge)
    }
  }

  private small(s: number, e: number): boolean {
    return e - s < oversized.bytes;
  }

  /** The parse of b[s, e); equal neighbours share one (elements are only read). */
  private parse(s: number, e: number, wrapForCalls: boolean): unknown {
    if (this.samePrevious(s, e)) return this.prevValue;
    const text = this.b.toString('utf8', s, e);
    const value = wrapForCalls ? (parseKeptMember('tool_calls', `[${text}]`) as unknown[])[0] : JSON.parse(text);
    this.prevStart = s;
    this.prevEnd = e;
    this.prevValue = value;
    return value;
  }

  member(key: string | undefined): unknown {
    const s = this.ws(0);
    const e = this.b.length;
    if (key === undefined) return this.placeholder(s); // a record that is not an object: only its type is read
    if (key === 'errors' || key === 'tool_calls') {
      if (this.b[s] !== 0x5b) return this.placeholder(s);
      const out: unknown[] = [];
      const calls = key === 'tool_calls';
      this.each(s, (_, vs, ve) => {
        if (this.small(vs, ve)) out.push(this.parse(vs, ve, calls));
        else out.push(calls ? this.call(vs) : this.error(vs));
      });
      return out;
    }
    if (key === 'session_id') this.tooLarge('a session_id', s, e);
    if (key === 'repo') this.tooLarge('a repo name', s, e);
    return this.tooLarge(`a "${key}" value`, s, e);
  }

  /** A huge element of `errors`: only its `message` is read. */
  private error(s: number): unknown {
    if (this.b[s] !== 0x7b) return this.placeholder(s);
    const out: Record<string, unknown> = {};
    this.each(s, (name, vs, ve) => {
      if (name !== 'message') return;
      if (this.small(vs, ve)) out['message'] = JSON.parse(this.b.toString('utf8', vs, ve));
      else if (this.b[vs] !== QUOTE) out['message'] = this.placeholder(vs);
      else out['message'] = this.message(vs, ve);
    });
    return out;
  }

  /**
   * A huge element of `tool_calls`: its members under the limit, the last of each name (as
   * JSON.parse keeps it), so that a name repeated many times does not add up; a huge member,
   * or members that still add up to the limit, are refused.
   */
  private call(s: number): unknown {
    if (this.b[s] !== 0x7b) return this.placeholder(s);
    const members = new Map<string | undefined, [number, number]>();
    let total = 0;
    let nameStart = s + 1;
    this.each(s, (name, vs, ve) => {
      if (!this.small(vs, ve)) this.tooLarge(name === 'tool' ? 'a tool name' : `a tool call's "${name}"`, vs, ve);
      const from = this.ws(nameStart);
      const old = members.get(name);
      if (old !== undefined) total -= old[1] - old[0];
      members.set(name, [from, ve]);
      total += ve - from;
      if (total >= oversized.bytes) this.tooLarge('a tool call', s, this.valueEnd(s));
      nameStart = this.ws(ve) + 1;
    });
    const text = [...members.values()].map(([from, to]) => this.b.toString('utf8', from, to)).join(',');
    return (parseKeptMember('tool_calls', `[{${text}}]`) as unknown[])[0];
  }

  /** The JSON string b[s, e) decoded in pieces, each cut outside an escape and a UTF-8 sequence. */
  private *pieces(s: number, e: number): Generator<string> {
    const b = this.b;
    const end = e - 1; // the closing quote
    let from = s + 1;
    let esc = b.indexOf(BACKSLASH, from);
    if (esc >= end) esc = -1;
    while (from < end) {
      let cut = Math.min(end, from + oversized.pieceBytes);
      // never inside an escape: move past the escapes before the cut (each is 2 or 6 bytes)
      while (esc >= 0 && esc < cut) {
        const len = b[esc + 1] === 0x75 ? 6 : 2;
        if (esc + len > cut) cut = esc + len;
        esc = b.indexOf(BACKSLASH, esc + len);
        if (esc >= end) esc = -1;
      }
      // never inside a UTF-8 sequence
      while (cut < end && (b[cut]! & 0xc0) === 0x80) cut++;
      yield JSON.parse(`"${b.toString('utf8', from, cut)}"`) as string;
      from = cut;
    }
  }

  /** A huge message: its stand-in, or "Value too large" when none can be proven exact. */
  private message(s: number, e: number): string {
    const standIn = reduceMessage(this.pieces(s, e), oversized.messageUnits, this.readers);
    if (standIn === undefined) this.tooLarge('an error message', s, e);
    return standIn;
  }
}

/**
 * The reduced value of a kept value too big for one string, or undefined when it is
 * small enough to be parsed as usual. The value's bytes are `parts` then
 * `buf[start, end)`; `base` is the absolute offset of `buf[0]` and the parts end
 * there. `key` is the member's name, undefined for a whole (non-object) record.
 * `readers`: what the profile reads from an error message (message-readers.ts).
 * A reduced value takes the parts: the array is emptied once they are copied into one
 * buffer, so the decoder's copy is freed while the value is reduced (600 MB less peak).
 */
export function keepOversized(
  key: string | undefined,
  parts: Buffer[],
  buf: Buffer,
  start: number,
  end: number,
  base: number,
  file: string | undefined,
  readers: readonly MessageReaders[] = [],
): { value: unknown } | undefined {
  let size = end - start;
  for (const p of parts) size += p.length;
  if (size < oversized.bytes) return undefined;
  const at = parts.length === 0 ? base + start : base - (size - (end - start));
  const bytes = Buffer.concat([...parts, buf.subarray(start, end)], size);
  parts.length = 0;
  return { value: new Reducer(bytes, at, file, readers).member(key) };
}
