/**
 * What a profile reads from an error message, given to the decoder by the profile
 * (`Profile.messageReaders`, passed down with the read options). The decoder needs it in
 * one place only: a message too big to be one JavaScript string (_oversized.ts) is kept
 * as a short stand-in that every reader given here reads exactly as it reads the whole
 * text, or refused when that cannot be proven (_oversized-message.ts). So input/ knows
 * what kind of reading a profile does, never the profile itself.
 *
 * Each reader says what makes a prefix of the text enough for it; the reduction only
 * keeps a stand-in that each reader, run once more on it, reads as it read the evidence.
 */
export interface MessageKey {
  /** the key a message is grouped by */
  read(text: string): string;
  /**
   * Where a prefix of the text may be cut for this key: just after a whitespace character
   * (no rule of the key reads across one) or just after a newline (the key is read line by line).
   */
  cut: 'whitespace' | 'newline';
  /** True when every text that starts with `prefix` (cut as above) has the key of `prefix`. */
  settled(prefix: string): boolean;
}

export interface MessageReaders {
  key: MessageKey;
  /**
   * The first of an ordered list of patterns found anywhere in the text (`none` when none
   * is). A huge text is searched in overlapping windows, so the patterns must repeat
   * nothing without bound but ASCII digits, and neither a space nor 'q' may start or end a
   * match (they stand in for a window's neighbours).
   */
  category?: { read(text: string): string; none: string };
  /** Tests that hold when they match anywhere in the text (searched as `category` is). */
  anywhere?: ReadonlyArray<(text: string) => boolean>;
  /** False when a text that starts with `prefix` (cut after a whitespace character) may be read
   * differently as a whole by a test that only the whole text can settle. */
  prefixEnough?(prefix: string): boolean;
  /** The code points of a message shown as an example (a stand-in keeps more than that). */
  exampleChars?: number;
}
