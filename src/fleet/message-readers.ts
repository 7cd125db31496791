/**
 * What the fleet profile reads from an error message (input/message-readers.ts), for the
 * decoder's stand-in of a message too big for one string (input/_oversized-message.ts):
 *
 *  - the key (`normalizeErrorText`): the first three non-empty lines after its rules, at
 *    most 160 code points. Lines end at newlines, so with a prefix B ending in one,
 *    `normalizeErrorText(B + X)` is the same for every X iff it is for X = '' and
 *    X = 'AAAA' (three lines, or more than 160 code points, or the `String:` rule already
 *    took the rest); and a command's output (`Exit code N`) is keyed by the first line
 *    stating its error within STATEMENT_LINES non-empty lines, so it is settled only when one
 *    more such line after B would change nothing (B holds one, or is past the window);
 *  - the category (`categorize`): the first taxonomy pattern that matches ANYWHERE in
 *    the text, so the whole text is searched, window by window (the taxonomy repeats
 *    nothing without bound but `\d+`: test/input/oversized.test.ts checks the source);
 *  - the rejection test (`isRejectionText`, _calls.ts): a match anywhere;
 *  - the cancelled-sibling test (`isSiblingCancelledText`): it reads the whole text, to
 *    its end ("... errored"), so a prefix that may start such a message cannot say;
 *  - the example (error-clusters.ts): the first EXAMPLE_CHARS code points.
 */
import type { MessageReaders } from '../input/message-readers.js';
import { isRejectionText, isSiblingCancelledText } from './_calls.js';
import { EXAMPLE_CHARS } from './detectors/error-clusters.js';
import { categorize, normalizeErrorText } from './error-taxonomy.js';

export const fleetMessageReaders: MessageReaders = {
  key: {
    read: normalizeErrorText,
    cut: 'newline',
    settled: (prefix) => {
      const key = normalizeErrorText(prefix);
      return key === normalizeErrorText(`${prefix}AAAA`) && key === normalizeErrorText(`${prefix}** (E) e\n`);
    },
  },
  category: { read: categorize, none: 'other' },
  anywhere: [isRejectionText],
  prefixEnough: (prefix) => !isSiblingCancelledText(`${prefix}errored`),
  exampleChars: EXAMPLE_CHARS,
};
