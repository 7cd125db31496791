/**
 * What the seed profile reads from an error message (input/message-readers.ts), for the
 * decoder's stand-in of a message too big for one string (input/_oversized-message.ts):
 * its key only, the reference's `_normalize_error` (python/normalize-error.ts): lower,
 * strip, three substitutions, the first 150 code points.
 *
 * With A a prefix cut just after a whitespace character, `normalizeError(A + X)` is the
 * same for every X iff `normalizeError(A) === normalizeError(A + 'x')`, because a
 * whitespace character splits every step (no substitution matches across it, lower()'s
 * Final_Sigma context stops at it), so the key is `L[:150]` of A's own output L whenever
 * rstrip(L) has 150 code points, and the two calls differ exactly when it has fewer.
 */
import type { MessageReaders } from '../../input/message-readers.js';
import { normalizeError } from '../../python/index.js';

export const seedMessageReaders: MessageReaders = {
  key: { read: normalizeError, cut: 'whitespace', settled: (prefix) => normalizeError(prefix) === normalizeError(`${prefix}x`) },
};
