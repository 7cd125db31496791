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

export interface Session {
  /** default "unknown" */
  session_id: NameValue;
  /** default "global" */
  repo: NameValue;
  /** Only messages that matter: truthy strings (falsy ones are ignored by the reference). */
  errors: string[];
  tool_calls: ToolCall[];
  /** default 0; may be any JSON value when the session is not a manual process
   * (the reference only reads it for those). */
  duration_minutes: JsonValue;
}
