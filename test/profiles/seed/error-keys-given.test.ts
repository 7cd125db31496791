/**
 * The repeated-errors detector reads a session's error keys where the decoder made them
 * (session.ts `errorKeys`, from the record kernel): given the keys `normalizeError` makes,
 * here and there left out, it must reach the very state that the messages alone give.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { repeatedErrors } from '../../../src/profiles/seed/repeated-errors.js';
import { normalizeError } from '../../../src/python/normalize-error.js';
import type { Session } from '../../../src/session.js';

const MESSAGES = ['Timeout after 30000ms at 2025-01-01T08:55', 'Error: ENOENT /a/b', 'ERROR: enoent /c', '  ', 'fatal: deadbeef12', 'é x'];

const sessionsArb = fc.array(
  fc.tuple(fc.array(fc.tuple(fc.nat({ max: MESSAGES.length - 1 }), fc.boolean()), { maxLength: 4 }), fc.constantFrom('acme/web', 'acme/api')),
  { maxLength: 15 },
);

function session(i: number, errors: string[], repo: string, errorKeys?: (string | undefined)[]): Session {
  return { session_id: `s${i}`, repo, errors, tool_calls: [], duration_minutes: 1, ...(errorKeys ? { errorKeys } : {}) };
}

describe('repeated errors with keys made by the decoder', () => {
  it('property: the same state as from the messages alone', () => {
    fc.assert(
      fc.property(sessionsArb, (sessions) => {
        let plain = repeatedErrors.init();
        let given = repeatedErrors.init();
        sessions.forEach(([errs, repo], i) => {
          const messages = errs.map(([m]) => MESSAGES[m]!);
          const keys = errs.map(([m, made]) => (made ? normalizeError(MESSAGES[m]!) : undefined));
          plain = repeatedErrors.add(plain, session(i, messages, repo), [0, i]);
          given = repeatedErrors.add(given, session(i, messages, repo, keys), [0, i]);
        });
        expect(repeatedErrors.document!(given)).toEqual(repeatedErrors.document!(plain));
      }),
    );
  });

  it('counts the keys it is given, not the messages', () => {
    let s = repeatedErrors.init();
    for (let i = 0; i < 3; i++) s = repeatedErrors.add(s, session(i, ['A', 'B'], 'r', ['given', undefined]), [0, i]);
    expect(repeatedErrors.finalize(s).map((e) => [e.key, e.count])).toEqual([
      ['given', 3],
      ['b', 3],
    ]);
  });
});
