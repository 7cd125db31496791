/**
 * The canonical session: what every decoder and adapter produces and every
 * accumulator reads. Values keep their JSON type because the reference prints
 * them Python's way (`null` is `None`, `true` is `True`); see `python/`.
 */
import type { PyNum } from './python/py-num.js';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** A JSON value used as a name: a number may keep its Python spelling (see python/py-num.ts). */
export type NameValue = JsonValue | PyNum;

export interface ToolCall {
  /** `undefined` when the key is missing: the reference reads it as "unknown" for
   * latencies and streaks but as `None` for manual-process uniqueness. */
  tool: NameValue | undefined;
  /** Milliseconds; booleans already turned into 1/0 as Python compares them. */
  latency_ms: number;
}

/**
 * A session's tool calls as columns, every tool a string: call k (0 <= k < n) is
 * tool `texts[ids[start + k]]` with latency `latencies[start + k]`. The fast decoder
 * gives them so for the seed profile (issue 13: an object per call was the largest
 * cost on a dense archive), in arrays shared by many sessions, the names in tables
 * shared by the process: equal ids are equal names and different ids different names.
 * A session that has them has `tool_calls` equal to them as well; a detector may read
 * either.
 */
export interface ToolColumns {
  readonly n: number;
  readonly start: number;
  readonly ids: Int32Array;
  readonly latencies: Float64Array;
  /** the names, by id */
  readonly texts: readonly string[];
  /** their Python keys (python/py-key.ts: 's' + name), by id */
  readonly keys: readonly string[];
}

export interface Session {
  /** default "unknown" */
  session_id: NameValue;
  /** default "global" */
  repo: NameValue;
  /** Only messages that matter: truthy strings (falsy ones are ignored by the reference). */
  errors: string[];
  /**
   * The seed profile's key (`normalizeError`) of `errors[i]` at i, where the decoder made it
   * from the bytes (undefined at i: not made there); absent when it made none.
   */
  readonly errorKeys?: readonly (string | undefined)[] | undefined;
  tool_calls: ToolCall[];
  /** the same tool calls as columns, when the decoder read them so (see ToolColumns) */
  readonly calls?: ToolColumns | undefined;
  /** default 0; may be any JSON value when the session is not a manual process
   * (the reference only reads it for those). */
  duration_minutes: JsonValue;
}

/** The tool calls that columns hold, as ToolCalls. */
export function callsOfColumns(c: ToolColumns): ToolCall[] {
  const out: ToolCall[] = new Array(c.n);
  for (let k = 0; k < c.n; k++) out[k] = { tool: c.texts[c.ids[c.start + k]!]!, latency_ms: c.latencies[c.start + k]! };
  return out;
}
