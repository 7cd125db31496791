/**
 * Line reader for the JSON Lines agent logs (Claude Code, Codex, OTLP JSONL):
 * streams the file and yields one line at a time with its 1-based number and
 * the byte offset of its first byte, so errors can say exactly where they are.
 * Memory is bounded by the longest line. `\r\n` endings and a leading UTF-8 BOM
 * are accepted; blank lines are skipped (their numbers still count).
 */
import { createReadStream } from 'node:fs';
import { AnalyzerError, inputError, type ErrorContext } from '../../errors.js';
import { incompleteLastLineMessage } from '../../malformed.js';
import { invalid, isObj, typeName, type Obj } from './_util.js';

export interface Line {
  text: string;
  /** 1-based */
  line: number;
  /** byte offset of the line's first byte */
  offset: number;
  /** false for a last line that has no newline: maybe still being written */
  terminated: boolean;
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
        if (!isBlank(text)) yield { text, line: lineNo, offset: lineStart, terminated: true };
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
    if (!isBlank(text)) yield { text, line: lineNo, offset: lineStart, terminated: false };
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

/**
 * A record the adapter skipped instead of failing the file: a line (or event)
 * that is valid JSON but not the format's shape, or the incomplete last line of
 * a log still being written. `message` is the one line for stderr; `error` is
 * what `--strict` throws instead.
 */
export interface Skip {
  kind: 'malformed' | 'incomplete-last-line';
  message: string;
  error: AnalyzerError;
}

/** How an adapter reads: without `onSkip`, every skip throws its error (the strict behaviour). */
export interface AdapterReadOptions {
  onSkip?: (skip: Skip) => void;
}

/** Report a record that is not the format's shape: to `onSkip`, else thrown. */
export function skipMalformed(opts: AdapterReadOptions, err: unknown): void {
  if (!(err instanceof AnalyzerError) || opts.onSkip === undefined) throw err;
  opts.onSkip({ kind: 'malformed', message: err.message, error: err });
}

export interface JsonLine {
  value: unknown;
  ctx: ErrorContext;
}

/**
 * The parsed lines of a JSON Lines log. Invalid JSON is an error, except on a
 * last line with no newline, which is what a reader sees of a line being
 * appended (a live Claude Code session): that one goes to `onSkip`.
 */
export async function* jsonLines(format: string, path: string, opts: AdapterReadOptions): AsyncGenerator<JsonLine> {
  for await (const l of readLines(path)) {
    const ctx: ErrorContext = { file: path, line: l.line, offset: l.offset };
    let value: unknown;
    try {
      value = parseLine(format, path, l);
    } catch (err) {
      if (l.terminated || opts.onSkip === undefined || !(err instanceof AnalyzerError)) throw err;
      opts.onSkip({
        kind: 'incomplete-last-line',
        message: incompleteLastLineMessage(path),
        error: err,
      });
      continue;
    }
    yield { value, ctx };
  }
}

/** A line of a log whose lines are objects with a string `type` (Claude Code, Codex). */
export interface TypedLine {
  rec: Obj;
  type: string;
  ctx: ErrorContext;
}

/** The line as a typed record; an input error (a malformed line) when it is not an object with a string "type". */
export function typedLine(format: string, value: unknown, ctx: ErrorContext): TypedLine {
  if (!isObj(value)) throw invalid(format, `a line is ${typeName(value)}, expected an object`, ctx);
  const type = value['type'];
  if (typeof type !== 'string') throw invalid(format, `"type" is ${type === undefined ? 'missing' : typeName(type)}, expected a string`, ctx);
  return { rec: value, type, ctx };
}

/** What builds one session from a log's typed lines (Claude Code, Codex: one file, one session). */
export interface LineSessionBuilder<T> {
  line(rec: Obj, type: string, ctx: ErrorContext & { line: number }): void;
  finish(path: string): T | undefined;
}

/**
 * A JSON Lines log that holds one session: every typed line goes to `builder`; a line
 * that is not the format's shape goes to `opts.onSkip` (or is thrown, under --strict).
 */
export async function* oneSessionLog<T>(format: string, path: string, opts: AdapterReadOptions, builder: LineSessionBuilder<T>): AsyncGenerator<T> {
  for await (const { value, ctx } of jsonLines(format, path, opts)) {
    try {
      const { rec, type } = typedLine(format, value, ctx);
      builder.line(rec, type, ctx as ErrorContext & { line: number });
    } catch (err) {
      skipMalformed(opts, err);
    }
  }
  const out = builder.finish(path);
  if (out !== undefined) yield out;
}
