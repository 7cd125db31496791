/**
 * Streaming walk over one JSON document (OpenHands, SWE-agent, OTLP JSON) with
 * stream-json's tokenizer: the caller chooses, by path, which values to
 * assemble (one trajectory step, one event, one resourceSpans entry); every
 * other value is skipped token by token and never built. Memory is bounded by
 * the largest chosen value, never by the file.
 *
 * stream-json 1.x is CommonJS: default-imported, as its typings declare.
 * Its syntax errors carry no position, so they are reported with the file only.
 */
import { createReadStream } from 'node:fs';
import Assembler from 'stream-json/Assembler.js';
import Parser from 'stream-json/Parser.js';
import { invalid } from './_util.js';
import { readFailure } from './_lines.js';

export type JsonPath = ReadonlyArray<string | number>;
export type ValueKind = 'object' | 'array' | 'scalar';

/**
 * Called at the start of every value that is not inside a chosen one (the root
 * has the path `[]`). Return true to receive the whole value; false to walk on
 * into it (containers) or skip it (scalars). May throw to reject the document.
 */
export type Choose = (path: JsonPath, kind: ValueKind) => boolean;

export interface Chosen {
  path: (string | number)[];
  value: unknown;
}

interface Token {
  name: string;
  value?: string;
}

interface Frame {
  array: boolean;
  key: string | null;
  index: number;
}

const SCALARS: Record<string, true> = { stringValue: true, numberValue: true, nullValue: true, trueValue: true, falseValue: true };

function scalarOf(t: Token): unknown {
  switch (t.name) {
    case 'stringValue':
      return t.value;
    case 'numberValue':
      return Number(t.value);
    case 'trueValue':
      return true;
    case 'falseValue':
      return false;
    default:
      return null;
  }
}

/**
 * Yield the chosen values in document order. `format` names the log format in
 * error messages ("Invalid OpenHands log: ...").
 */
export async function* walkJson(file: string, format: string, choose: Choose): AsyncGenerator<Chosen> {
  const input = createReadStream(file);
  // Packed tokens only: keys, strings and numbers arrive whole, never in chunks.
  const parser = new Parser({ streamValues: false, jsonStreaming: false });
  let readError: unknown;
  input.on('error', (err) => {
    readError = err;
    parser.destroy(err);
  });
  input.pipe(parser);

  const frames: Frame[] = [];
  let asm: Assembler | undefined;
  let asmDepth = 0;
  let asmPath: (string | number)[] = [];
  let sawRoot = false;

  const pathHere = (): (string | number)[] => frames.map((f) => (f.array ? f.index : (f.key ?? '')));
  const advance = (): void => {
    const top = frames[frames.length - 1];
    if (top?.array) top.index++;
  };

  try {
    for await (const t of parser as AsyncIterable<Token>) {
      if (asm !== undefined) {
        asm.consume(t);
        if (t.name === 'startObject' || t.name === 'startArray') asmDepth++;
        else if (t.name === 'endObject' || t.name === 'endArray') asmDepth--;
        if (asmDepth === 0) {
          const value: unknown = asm.current;
          asm = undefined;
          advance();
          yield { path: asmPath, value };
        }
        continue;
      }
      if (t.name === 'keyValue') {
        const top = frames[frames.length - 1];
        if (top) top.key = t.value ?? '';
        continue;
      }
      if (t.name === 'endObject' || t.name === 'endArray') {
        frames.pop();
        advance();
        continue;
      }
      const isContainer = t.name === 'startObject' || t.name === 'startArray';
      if (!isContainer && !SCALARS[t.name]) continue; // chunk tokens: not emitted with streamValues false
      sawRoot = true;
      const path = pathHere();
      const kind: ValueKind = t.name === 'startObject' ? 'object' : t.name === 'startArray' ? 'array' : 'scalar';
      const take = choose(path, kind);
      if (!isContainer) {
        advance();
        if (take) yield { path, value: scalarOf(t) };
        continue;
      }
      if (take) {
        asm = new Assembler();
        asm.consume(t);
        asmDepth = 1;
        asmPath = path;
      } else {
        frames.push({ array: kind === 'array', key: null, index: 0 });
      }
    }
  } catch (err) {
    if (readError !== undefined) throw readFailure(file, readError);
    if (err instanceof Error && err.name === 'AnalyzerError') throw err;
    const why = err instanceof Error ? err.message : String(err);
    throw invalid(format, `invalid JSON (${why})`, { file });
  } finally {
    input.destroy();
    parser.destroy();
  }
  if (readError !== undefined) throw readFailure(file, readError);
  if (!sawRoot) throw invalid(format, 'the file holds no JSON value', { file });
}
