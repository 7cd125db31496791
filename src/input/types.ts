/**
 * What a decoder hands to the pipeline: one top-level record at a time.
 * `value` is the parsed record with the keys the analysis does not read
 * (above all `messages`) left out; it is validated into a Session by
 * `toSession` (src/input/to-session.ts).
 */
import type { ErrorContext } from '../errors.js';
import type { Session } from '../session.js';

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

/**
 * What `input/` hands to the analysis (src/analyze.ts): the records of an input
 * turned into sessions, in input order, with the notes the analysis counts.
 * - `session`: a valid session; `keyless` when the record had none of the
 *   session keys (a whole file of those is probably an agent log read as sessions);
 * - `malformed`: a record that is not a session, and where it is (skipped and
 *   counted, or fatal under --strict: the analysis decides);
 * - `reset`: forget this input's records so far (a later "sessions" array).
 */
export type InputEvent =
  | { kind: 'session'; session: Session; keyless: boolean }
  | { kind: 'malformed'; reason: string; context: ErrorContext }
  | { kind: 'reset' };
