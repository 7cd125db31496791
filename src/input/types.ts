/**
 * What a decoder hands to the pipeline: one top-level record at a time.
 * `value` is the parsed record with the keys the analysis does not read
 * (above all `messages`) left out; it is validated into a Session by
 * `toSession` (src/input/to-session.ts).
 */
export interface RawRecord {
  value: unknown;
  /** byte offset of the record's first byte in the decoded (gunzipped) stream */
  offset: number;
  /** 1-based line of the record's first byte (JSON Lines; also known for arrays) */
  line?: number;
}

/** The keys of a session object the analysis reads; every other key is skipped unparsed. */
export const SESSION_KEYS: ReadonlySet<string> = new Set([
  'session_id',
  'repo',
  'errors',
  'tool_calls',
  'duration_minutes',
]);

export type Shape = 'array' | 'wrapper' | 'jsonl';

/**
 * Decoder events. `reset` means: forget every record seen so far in this
 * source — a `{"sessions": ...}` document whose "sessions" key appears again
 * (Python's json.load keeps the last one).
 */
export type DecodeEvent = { kind: 'record'; record: RawRecord } | { kind: 'reset' };
