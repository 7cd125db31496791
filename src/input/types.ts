/**
 * What a decoder hands to the pipeline: one top-level record at a time.
 * `value` is the parsed record with the keys the analysis does not read
 * (above all `messages`) left out; it is validated into a Session by
 * `toSession` (src/input/to-session.ts).
 */
import type { AnalyzerError, ErrorContext } from '../errors.js';
import type { AgentSession } from '../agent-session.js';

export interface RawRecord {
  value: unknown;
  /** byte offset of the record's first byte in the decoded (gunzipped) stream */
  offset: number;
  /** 1-based line of the record's first byte (JSON Lines; also known for arrays) */
  line?: number;
}

/** The reference's own session keys: a record with one of them is a session of its format. */
export const SEED_SESSION_KEYS: ReadonlySet<string> = new Set(['session_id', 'repo', 'errors', 'tool_calls', 'duration_minutes']);

/** The keys of a session object the analysis reads; every other key is skipped unparsed. */
export const SESSION_KEYS: ReadonlySet<string> = new Set([
  'session_id',
  'repo',
  'errors',
  'tool_calls',
  'duration_minutes',
  // read by the fleet profile only (README, "Session format fields for the fleet profile");
  // the seed profile never looks at them
  'model',
  'usage',
  'started_at',
  'ended_at',
  'branch',
  'parent_session_id',
]);

export type Shape = 'array' | 'wrapper' | 'jsonl';

/**
 * Decoder events. `reset` means: forget every record seen so far in this
 * source — a `{"sessions": ...}` document whose "sessions" key appears again
 * (Python's json.load keeps the last one).
 */
export type DecodeEvent = { kind: 'record'; record: RawRecord } | { kind: 'reset' };

/**
 * What `input/` hands to the analysis (src/analyze.ts): the records of an input,
 * in input order, with the notes the analysis counts. Which record type a
 * profile reads is the profile's business (profiles/types.ts `fromRecord`,
 * `fromAgentSession`), so records of the session format arrive unvalidated.
 * - `record`: a record of the session format (its kept keys), where it starts,
 *   and `keyless` when it had none of the session keys (a whole file of those is
 *   probably an agent log read as sessions);
 * - `agent-session`: a session read from an agent's own log;
 * - `malformed`: something that is not a record (an odd agent-log line), and
 *   where it is (skipped and counted, or fatal under --strict: the analysis decides);
 *   `message` is the whole line to show and `error` what --strict throws, when the reader made them;
 * - `reset`: forget this input's records so far (a later "sessions" array).
 */
export type InputEvent =
  | { kind: 'record'; value: unknown; context: ErrorContext & { file: string }; keyless: boolean }
  | { kind: 'agent-session'; session: AgentSession }
  | { kind: 'malformed'; reason: string; context: ErrorContext; message?: string; error?: AnalyzerError }
  | { kind: 'reset' };
