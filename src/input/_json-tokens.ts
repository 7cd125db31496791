/**
 * The validating scanner's steps through JSON's short tokens (_json-scanner.ts), each with
 * the words of its error: the byte after '\' in a string, the four digits of a \u escape, the
 * letters of true / false / null, a leading BOM, and the one byte that must follow a number's
 * '-', '.', 'e' or exponent sign; and the words of the structure's errors. The scanner's loop
 * keeps the steps a long input repeats (whitespace, structure, string contents, a number's
 * digits, the end of every value) and its states; these are taken once a token, so they are
 * methods of their own, on the one object (a class below the scanner's) that holds their state.
 * They say what comes next as a boolean, and the scanner maps it to its state: its `switch`
 * over states is measured faster on the states as constants of its own module than on
 * imported ones (imported: +70M instructions, +2%, on the dense array's first 25,000 sessions).
 */
import { ChunkedInput } from './_chunked-input.js';
import { BOM, ESC1, HEX, LIT_FALSE, LIT_NULL, LIT_TRUE, printable } from './_json-bytes.js';

/** The words of the error where a container's value is followed by neither ',' nor its end. */
export const afterMemberError = (inArray: boolean): string =>
  inArray ? "expected ',' or ']' after an array element" : "expected ',' or '}' after an object member";

/** The words of the error where a property name is expected (after '{' when `first`, else after ',') and byte c comes. */
export const propertyNameError = (c: number, first: boolean): string =>
  c === 0x7d ? "trailing comma before '}'" : first ? "expected a double-quoted property name or '}'" : 'expected a double-quoted property name';

/** The words of the error where a value is expected and byte c starts none. */
export const valueError = (c: number, inArray: boolean): string => (c === 0x5d && inArray ? "trailing comma before ']'" : 'expected a value');

/**
 * The steps of JSON's short tokens and their state; the base of JsonScanner. Each step takes
 * one byte, at absolute offset `at` on line `line` (where its error is told); the scanner
 * moves past the byte.
 */
export abstract class JsonTokenSteps extends ChunkedInput {
  private uLeft = 0;
  private lit: Uint8Array = LIT_TRUE;
  private litIdx = 0;
  private bomIdx = 0;

  /** A literal starts with byte c ('t', 'f' or 'n'): its first letter is read. */
  protected startLiteral(c: number): void {
    this.lit = c === 0x74 ? LIT_TRUE : c === 0x66 ? LIT_FALSE : LIT_NULL;
    this.litIdx = 1;
  }

  /** The next letter of a literal; true when the literal is complete. */
  protected literalStep(c: number, at: number, line: number): boolean {
    const lit = this.lit;
    if (c !== lit[this.litIdx]) {
      const word = lit === LIT_TRUE ? 'true' : lit === LIT_FALSE ? 'false' : 'null';
      this.fail(`invalid literal (expected '${word}')`, at, line);
    }
    return ++this.litIdx === lit.length;
  }

  /** The byte after '\' in a string; true when it starts a \u escape (four hex digits follow). */
  protected escapeStep(c: number, at: number, line: number): boolean {
    if (ESC1[c] === 1) return false;
    if (c !== 0x75) this.fail(`invalid escape: ${printable(c)} after '\\'`, at, line);
    this.uLeft = 4;
    return true;
  }

  /** One of the four hex digits of a \u escape; true after the fourth. */
  protected unicodeStep(c: number, at: number, line: number): boolean {
    if (HEX[c] !== 1) this.fail('invalid \\u escape (expected 4 hex digits)', at, line);
    return --this.uLeft === 0;
  }

  /** The input's first byte is EF: a BOM may start. */
  protected startBom(): void {
    this.bomIdx = 1;
  }

  /**
   * A byte after EF at offset 0; true when the 3-byte character is complete. A byte that
   * does not continue a BOM fails only then: if it is not valid UTF-8, that error (at
   * offset 0) must win whatever the chunking.
   */
  protected bomStep(c: number): boolean {
    if (c !== BOM[this.bomIdx]) this.bomIdx |= 4;
    if ((++this.bomIdx & 3) !== 3) return false;
    if (this.bomIdx !== 3) this.fail('expected a value', 0, 1);
    return true;
  }

  /** The byte after a number's '-': true for '0', false for another digit. */
  protected afterMinus(c: number, at: number, line: number): boolean {
    if (c < 0x30 || c > 0x39) this.fail("invalid number: expected a digit after '-'", at, line);
    return c === 0x30;
  }

  /** The byte after a number's '.': a digit. */
  protected afterDot(c: number, at: number, line: number): void {
    if (c < 0x30 || c > 0x39) this.fail("invalid number: expected a digit after '.'", at, line);
  }

  /** The byte after a number's 'e' or 'E': true for a sign, false for a digit. */
  protected afterE(c: number, at: number, line: number): boolean {
    if (c === 0x2b || c === 0x2d) return true;
    if (c < 0x30 || c > 0x39) this.fail('invalid number: expected a digit in the exponent', at, line);
    return false;
  }

  /** The byte after an exponent's sign: a digit. */
  protected afterExponentSign(c: number, at: number, line: number): void {
    if (c < 0x30 || c > 0x39) this.fail('invalid number: expected a digit in the exponent', at, line);
  }
}
