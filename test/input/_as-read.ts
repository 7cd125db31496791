/**
 * A decoded record as the analysis reads it, for tests that compare two decoders: the error
 * keys the record kernel made (assembly/error-key.ts; only with the WebAssembly string scan)
 * checked against the string scan and dropped, and a record the kernel's reader made a session
 * of (`ColumnSession`), where the JS reader gives a record object, compared through its
 * toSession answer and whether it is keyless.
 */
import { expect } from 'vitest';
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
