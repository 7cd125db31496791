/**
 * For tests that compare two ways of decoding the same bytes (pushed chunks, chunks read in
 * place): each decoder's events and error (`Outcome`), and a decoded record as the analysis
 * reads it: the error
 * keys the record kernel made (assembly/error-key.ts; only with the WebAssembly string scan)
 * checked against the string scan and dropped, and a record the kernel's reader made a session
 * of (`ColumnSession`), where the JS reader gives a record object, compared through its
 * toSession answer and whether it is keyless.
 */
import { expect } from 'vitest';
import { AnalyzerError } from '../../src/errors.js';
import { FileRangeReader } from '../../src/input/bytes.js';
import { FastDecoder, type FastDecoderOptions } from '../../src/input/fast-decoder.js';
import { ColumnSession } from '../../src/input/_column-session.js';
import { ReadErrors, ReadToolCalls } from '../../src/input/_read-members.js';
import { isKeyless } from '../../src/input/read-sessions.js';
import { toSession } from '../../src/input/to-session.js';
import type { DecodeEvent } from '../../src/input/types.js';
import { scanError } from '../../src/python/normalize-error.js';
import { callsOfColumns } from '../../src/session.js';

export function withoutKernelKeys(e: DecodeEvent): DecodeEvent {
  return e.kind === 'record' ? { ...e, record: { ...e.record, value: valueWithoutKernelKeys(e.record.value) } } : e;
}

function checkKeys(messages: readonly string[], keys: readonly (string | undefined)[] | undefined): void {
  keys?.forEach((key, i) => {
    if (key !== undefined) expect(key).toBe(scanError(messages[i]!));
  });
}

export function valueWithoutKernelKeys(value: unknown): unknown {
  if (value instanceof ColumnSession) {
    checkKeys(value.errors, value.errorKeys);
    return asRead(value);
  }
  const v = value as Record<string, unknown>;
  const errors = v?.['errors'];
  if (errors instanceof ReadErrors) checkKeys(errors.messages, errors.keys);
  if (v?.['tool_calls'] instanceof ReadToolCalls) return asRead(value);
  if (!(errors instanceof ReadErrors) || errors.keys === undefined) return value;
  return { ...v, errors: new ReadErrors(errors.messages) };
}

/** A seed record as the analysis reads it: its toSession answer (calls as ToolCalls) and whether it is keyless. */
function asRead(value: unknown): unknown {
  const c = toSession(value);
  if (!c.ok) return c;
  const { session_id, repo, errors, duration_minutes } = c.session;
  const calls = c.session.calls !== undefined ? callsOfColumns(c.session.calls) : c.session.tool_calls;
  return { session: { session_id, repo, errors, calls, duration_minutes }, keyless: isKeyless(value) };
}

export type Outcome = { events: DecodeEvent[]; error?: { code: string; message: string; context: unknown } };

/** The events `feed` makes the decoder emit (kernel keys checked and dropped), and its error if the input is invalid. */
function decode(feed: (d: FastDecoder) => void, opts: FastDecoderOptions): Outcome {
  const events: DecodeEvent[] = [];
  const d = new FastDecoder((e) => events.push(withoutKernelKeys(e)), opts);
  try {
    feed(d);
    d.end();
    return { events };
  } catch (err) {
    if (!(err instanceof AnalyzerError)) throw err;
    return { events, error: { code: err.code, message: err.message, context: err.context } };
  }
}

/** `bytes` pushed in chunks of `chunk` bytes, as `push` takes them. */
export function pushed(bytes: Buffer, chunk: number, opts: FastDecoderOptions): Outcome {
  return decode((d) => {
    for (let at = 0; at < bytes.length; at += chunk) d.push(bytes.subarray(at, at + chunk));
  }, opts);
}

/** The file's bytes [0, size) read by `pushFrom`, `chunk` bytes a read; `afterRead` sees the decoder after each. */
export function readInPlace(file: string, size: number, chunk: number, opts: FastDecoderOptions, afterRead?: (d: FastDecoder) => void): Outcome {
  const reader = FileRangeReader.open(file, 0, size, chunk);
  try {
    return decode((d) => {
      while (d.pushFrom(reader) > 0) afterRead?.(d);
    }, opts);
  } finally {
    reader.close();
  }
}
