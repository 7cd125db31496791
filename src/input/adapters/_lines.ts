/**
 * Line reader for the JSON Lines agent logs (Claude Code, Codex, OTLP JSONL):
 * streams the file and yields one line at a time with its 1-based number and
 * the byte offset of its first byte, so errors can say exactly where they are.
 * Memory is bounded by the longest line. `\r\n` endings and a leading UTF-8 BOM
 * are accepted; blank lines are skipped (their numbers still count).
 */
import { createReadStream } from 'node:fs';
import { inputError, type ErrorContext } from '../../errors.js';
import { invalid, isObj, typeName, type Obj } from './_util.js';

export interface Line {
  text: string;
  /** 1-based */
  line: number;
  /** byte offset of the line's first byte */
  offset: number;
}

const NL = 0x0a;

function decode(parts: Buffer[], total: number): string {
  const buf = parts.length === 1 ? parts[0]! : Buffer.concat(parts, total);
  let end = buf.length;
  if (end > 0 && buf[end - 1] === 0x0d) end--;
  return buf.toString('utf8', 0, end);
}

function isBlank(s: string): boolean {
  return s.trim() === '';
}

/** Wrap an fs error (ENOENT, EACCES, EISDIR...) into the project's input error. */
export function readFailure(file: string, err: unknown): Error {
  if (err instanceof Error && 'code' in err && typeof (err as NodeJS.ErrnoException).code === 'string') {
    return inputError(`Cannot read file: ${err.message}`, { file });
  }
  return err instanceof Error ? err : new Error(String(err));
}

export async function* readLines(file: string): AsyncGenerator<Line> {
  const stream = createReadStream(file);
  let parts: Buffer[] = [];
  let partsLen = 0;
  let lineNo = 1;
  let lineStart = 0; // byte offset of the pending line's first byte
  let pos = 0; // byte offset of the current chunk's first byte
  let first = true;
  const finish = (text: string): string => {
    if (first) {
      first = false;
      if (text.charCodeAt(0) === 0xfeff) return text.slice(1);
    }
    return text;
  };
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      let from = 0;
      for (;;) {
        const nl = chunk.indexOf(NL, from);
        if (nl < 0) break;
        parts.push(chunk.subarray(from, nl));
        partsLen += nl - from;
        const text = finish(decode(parts, partsLen));
        if (!isBlank(text)) yield { text, line: lineNo, offset: lineStart };
        parts = [];
        partsLen = 0;
        lineNo++;
        lineStart = pos + nl + 1;
        from = nl + 1;
      }
      if (from < chunk.length) {
        parts.push(chunk.subarray(from));
        partsLen += chunk.length - from;
      }
      pos += chunk.length;
    }
  } catch (err) {
    throw readFailure(file, err);
  } finally {
    stream.destroy();
  }
  if (partsLen > 0) {
    const text = finish(decode(parts, partsLen));
    if (!isBlank(text)) yield { text, line: lineNo, offset: lineStart };
  }
}

/** Parse one line as JSON, or throw `Invalid <format> log: invalid JSON (...)` with its location. */
export function parseLine(format: string, file: string, l: Line): unknown {
  try {
    return JSON.parse(l.text);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw inputError(`Invalid ${format} log: invalid JSON (${why})`, { file, line: l.line, offset: l.offset });
  }
}

/** A line of a log whose lines are objects with a string `type` (Claude Code, Codex). */
export interface TypedLine {
  rec: Obj;
  type: string;
  ctx: ErrorContext;
}

/** The lines of `path` as typed records: a line that is not an object with a string "type" is an error. */
export async function* typedLines(format: string, path: string): AsyncGenerator<TypedLine> {
  for await (const l of readLines(path)) {
    const ctx: ErrorContext = { file: path, line: l.line, offset: l.offset };
    const rec = parseLine(format, path, l);
    if (!isObj(rec)) throw invalid(format, `a line is ${typeName(rec)}, expected an object`, ctx);
    const type = rec['type'];
    if (typeof type !== 'string') throw invalid(format, `"type" is ${typeName(type)}, expected a string`, ctx);
    yield { rec, type, ctx };
  }
}
