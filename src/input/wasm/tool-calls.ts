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
  /** [position, calls read, nameStart, nameEnd] after `read`. */
  readonly state: Int32Array;
  readonly ids: Int32Array;
  readonly latencies: Float64Array;
  /** Register the name at addresses [s, s + length) as `id`; false if it cannot be kept. */
  readonly register: (s: number, length: number, id: number) => boolean;
}

const WASM_URL = new URL('../../../dist/input/wasm/tool-calls.wasm', import.meta.url);

interface KernelExports {
  CAP: { readonly value: number };
  AREA_BYTES: { readonly value: number };
  readCalls(area: number, i: number, n: number): number;
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
  const register = exports.register;
  return {
    memory: strings.memory,
    capacity,
    read: (i, n) => readCalls(area, i, n),
    state: new Int32Array(strings.memory, area, 4),
    ids: new Int32Array(strings.memory, area + 64, capacity),
    latencies: new Float64Array(strings.memory, area + 64 + 4 * capacity, capacity),
    register: (s, length, id) => register(area, s, length, id) !== 0,
  };
}

/** The tool-call kernel that reads the chunks of string kernel `strings` (undefined: the JS reader). */
export function toolCallKernel(strings: StringKernel | undefined): ToolCallKernel | undefined {
  if (strings === undefined || process.env['FLEET_PROPOSALS_TOOL_CALLS'] === 'js') return undefined;
  if (made === undefined || made.strings !== strings) made = { strings, kernel: instantiate(strings) };
  return made.kernel;
}
