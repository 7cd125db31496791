/**
 * The WebAssembly tool-call kernel of the seed member reader (issue 13), and its switch.
 *
 * The kernel (`assembly/tool-calls.ts`, AssemblyScript, built by `npm run build` into
 * `dist/input/wasm/tool-calls.wasm`) reads a `tool_calls` list's compact calls
 * (`{"tool":"NAME","latency_ms":N}`) into name ids and latencies, one call into WebAssembly per
 * list instead of the JS reader's steps per call; it stops at the first thing it does not read
 * exactly and the JS reader (src/input/_tool-call-reader.ts) goes on from there.
 *
 * It reads the chunk where the string kernel (wasm/string-scan.ts) copied it: it imports that
 * kernel's memory and works in the scratch area the string kernel leaves free for it. So it
 * exists only where the string kernel does (one per thread, with it); without it the JS reader
 * reads every call, as it did before.
 *
 * Which reader runs: `FLEET_PROPOSALS_TOOL_CALLS` = `auto` (default: the kernel when the string
 * kernel is in use and the .wasm was built), or `js`.
 */
import { readFileSync } from 'node:fs';
import type { StringKernel } from './string-scan.js';

/** What `read` says; see assembly/tool-calls.ts. */
export const CLOSED = 0;
export const AT_CALL = 1;
export const AFTER_CALL = 2;
export const UNKNOWN_NAME = 3;
/** What `record` says; see assembly/tool-calls.ts. */
export const RECORD = 0;
export const NOT_RECORD = 1;
export const RECORD_UNKNOWN_NAME = 3;
/** A string's flags in `entries` and `messages`. */
export const STR_ESCAPED = 1;
export const STR_HIGH = 2;
/** A duration's kind (entry field c). */
export const DUR_VALUE = 0;
export const DUR_TEXT = 1;
export const DUR_NULL = 2;
export const DUR_TRUE = 3;

export interface ToolCallKernel {
  /** The ArrayBuffer of the chunks it can read (the string kernel's `memory`). */
  readonly memory: ArrayBuffer;
  /** Most calls one `read` gives. */
  readonly capacity: number;
  /**
   * From the '{' at address i, the compact calls that end before address n: CLOSED (the list's
   * ']' was read too), AT_CALL (at a call not read; after `capacity` calls, or one of another
   * layout), AFTER_CALL (just after a call, at neither ',{' nor ']'), or UNKNOWN_NAME (at a
   * compact call whose name, at addresses [nameStart, nameEnd), is not registered). The
   * position, the calls read and the name are in `state`; the calls in `ids` / `latencies`.
   */
  readonly read: (i: number, n: number) => number;
  /**
   * From the '{' at address i: a whole session record that ends before address n, its seed
   * members shorter than memberBytes: RECORD (its members in `entries`, `messages`, `ids` /
   * `latencies`), NOT_RECORD (the JS reader reads it), or RECORD_UNKNOWN_NAME (a tool name,
   * at [nameStart, nameEnd), is not registered: register it and ask again).
   */
  readonly record: (i: number, n: number, memberBytes: number) => number;
  /** [position, calls read, nameStart, nameEnd, names kept, entries, messages] after `read` or `record`. */
  readonly state: Int32Array;
  /** `record`'s seed members, 8 slots each: kind (a K_ code), a, b, c, d (see assembly/tool-calls.ts) */
  readonly entries: Int32Array;
  /** the same memory as f64: an entry's value at 4 * entry + 3 */
  readonly entryValues: Float64Array;
  /** `record`'s error messages, 3 slots each: start, end, flags */
  readonly messages: Int32Array;
  readonly ids: Int32Array;
  readonly latencies: Float64Array;
  /** Register the name at addresses [s, s + length) as `id`; false if it cannot be kept. */
  readonly register: (s: number, length: number, id: number) => boolean;
  /**
   * The seed profile's key (python/normalize-error.ts `normalizeError`) of the error message at
   * addresses [s, e), a string without escapes, made from its bytes (assembly/error-key.ts); a
   * key made before is the very string it was. Undefined when the kernel leaves it to
   * `normalizeError` (text that is not ASCII outside its paths).
   */
  readonly errorKey: (s: number, e: number) => string | undefined;
}

const WASM_URL = new URL('../../../dist/input/wasm/tool-calls.wasm', import.meta.url);

interface KernelExports {
  CAP: { readonly value: number };
  MAX_ENTRIES: { readonly value: number };
  MAX_MESSAGES: { readonly value: number };
  IDS_AT: { readonly value: number };
  LATS_AT: { readonly value: number };
  ENTRIES_AT: { readonly value: number };
  MESSAGES_AT: { readonly value: number };
  AREA_BYTES: { readonly value: number };
  KEYS_AT: { readonly value: number };
  KEY_SLOTS: { readonly value: number };
  KEY_SLOT: { readonly value: number };
  NEW_KEY: { readonly value: number };
  EMPTY_KEY: { readonly value: number };
  errorKeyAt(area: number, s: number, e: number): number;
  readCalls(area: number, i: number, n: number): number;
  readRecord(area: number, i: number, n: number, memberBytes: number): number;
  register(area: number, s: number, length: number, id: number): number;
}

// The build's lib (ES2023 + @types/node 20) declares no WebAssembly global: the little used here.
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { readonly exports: unknown };
};

let made: { strings: StringKernel; kernel: ToolCallKernel | undefined } | undefined;

function instantiate(strings: StringKernel): ToolCallKernel | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(WASM_URL);
  } catch {
    return undefined; // not built: the JS reader, as before
  }
  const { memory, scratch } = strings.shared;
  const exports = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } }).exports as KernelExports;
  const area = scratch;
  const capacity = exports.CAP.value;
  if (area + exports.AREA_BYTES.value > strings.memory.byteLength) return undefined; // no room: the string kernel changed
  const readCalls = exports.readCalls;
  const readRecord = exports.readRecord;
  const register = exports.register;
  const chunks = strings.memory;
  const entries = exports.MAX_ENTRIES.value;
  return {
    memory: chunks,
    capacity,
    read: (i, n) => readCalls(area, i, n),
    record: (i, n, memberBytes) => readRecord(area, i, n, Math.min(memberBytes, 0x7fffffff)),
    state: new Int32Array(chunks, area, 8),
    ids: new Int32Array(chunks, area + exports.IDS_AT.value, capacity),
    latencies: new Float64Array(chunks, area + exports.LATS_AT.value, capacity),
    entries: new Int32Array(chunks, area + exports.ENTRIES_AT.value, 8 * entries),
    entryValues: new Float64Array(chunks, area + exports.ENTRIES_AT.value, 4 * entries),
    messages: new Int32Array(chunks, area + exports.MESSAGES_AT.value, 3 * exports.MAX_MESSAGES.value),
    register: (s, length, id) => register(area, s, length, id) !== 0,
    errorKey: errorKeys(exports, chunks, area),
  };
}

/**
 * `errorKey` over the kernel's key table: the string of each slot, made when the kernel says
 * it wrote the slot (NEW_KEY), so a known key costs one call and an array read.
 */
function errorKeys(exports: KernelExports, chunks: ArrayBuffer, area: number): (s: number, e: number) => string | undefined {
  const errorKeyAt = exports.errorKeyAt;
  const slots = exports.KEY_SLOTS.value;
  const slotBytes = exports.KEY_SLOT.value;
  const newKey = exports.NEW_KEY.value;
  const empty = exports.EMPTY_KEY.value;
  const table = Buffer.from(chunks, area + exports.KEYS_AT.value, slots * slotBytes);
  const texts = new Array<string>(slots).fill('');
  return (s, e) => {
    const r = errorKeyAt(area, s, e);
    if (r < 0) return r === empty ? '' : undefined;
    if (r < newKey) return texts[r];
    const slot = r - newKey;
    const at = slot * slotBytes;
    return (texts[slot] = table.toString('latin1', at + 8, at + 8 + table.readInt32LE(at) - 1));
  };
}

/** The tool-call kernel that reads the chunks of string kernel `strings` (undefined: the JS reader). */
export function toolCallKernel(strings: StringKernel | undefined): ToolCallKernel | undefined {
  if (strings === undefined || process.env['FLEET_PROPOSALS_TOOL_CALLS'] === 'js') return undefined;
  if (made === undefined || made.strings !== strings) made = { strings, kernel: instantiate(strings) };
  return made.kernel;
}
