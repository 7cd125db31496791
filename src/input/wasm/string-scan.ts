/**
 * The WebAssembly SIMD string-body scan of the fast decoder (issue 13), and its switch.
 *
 * The kernel (`assembly/string-stop.ts`, AssemblyScript) is compiled by `npm run build`
 * (so by `npm ci`) into `dist/input/wasm/string-stop.wasm`. It scans a string's body 64
 * bytes a step and skips valid escapes itself, so the decoder's JS loop sees only where a
 * string ends (or fails): 3.4x the speed of the JS scan (`findSpecial`) on the 1 GB
 * long-message archive, measured in bench/wasm-stage1/.
 *
 * The kernel reads its own memory only, so a chunk pushed from elsewhere is copied there
 * first (`load`: ~0.06 s per GB, 2% of a 1 GB run's CPU); a file read synchronously is read
 * straight into it instead (`room`, see _chunked-input.ts `pushFrom`), and nothing is copied.
 * The memory never grows after `instantiate` (the kernels allocate nothing: `--runtime stub`),
 * so `memory` and the views of it stay attached. One kernel per thread (module state), shared
 * by the decoders of that thread; a decoder pushing while another one's push is on the stack
 * (an event handler that decodes) gets `busy` and uses the JS scan for that chunk.
 *
 * Which scan runs: `FLEET_PROPOSALS_STRING_SCAN` = `auto` (default: WebAssembly when this
 * Node can compile the kernel — it needs SIMD — and the .wasm was built, else JS), `js`, or
 * `wasm` (fail when unavailable). The decoder's `stringScan` option says the same per decoder
 * (tests run every decoder test through both).
 */
import { readFileSync } from 'node:fs';
import { AnalyzerError } from '../../errors.js';

export type StringScanChoice = 'auto' | 'js' | 'wasm';

export interface StringKernel {
  /** The ArrayBuffer every `load` result is a view of (the decoder recognises its chunks by it). */
  readonly memory: ArrayBuffer;
  /** Most bytes one `load` takes. */
  readonly capacity: number;
  /**
   * Copy `chunk` (at most `capacity` bytes) into the kernel's memory and return a view of the
   * copy. The view is overwritten by the next `load`: whatever outlives the push must be copied.
   */
  load(chunk: Uint8Array): Buffer;
  /**
   * The chunk room itself (`capacity` bytes): bytes read into it are scanned where they are,
   * by a push that holds `busy` from the read to the end of the scan (see `pushFrom`).
   */
  readonly room: Buffer;
  /** Bytes `load` has copied so far in this thread (tests and benchmarks: proves a path reads in place). */
  readonly copied: () => number;
  /**
   * Addresses (view offset + `memory` byteOffset): from `i` inside a string's body, the first
   * '"', control byte, or '\' starting an escape that is invalid or cut by `n`; `n` if none.
   * Valid escapes before it are skipped.
   */
  readonly stop: (i: number, n: number) => number;
  /**
   * Addresses, as `stop`: the JSON value whose first byte is at `i`, validated as strictly as the
   * decoder's scanner validates it, skipped in one call; the address after it, or -1 for anything
   * it leaves to the caller (invalid, cut by `n`, a number or literal reaching `n`, a newline
   * when `oneLine` is 1, nested deeper than 64 levels). The newlines inside: `skippedNewlines`.
   */
  readonly skip: (i: number, n: number, oneLine: number) => number;
  /** The newlines inside the value `skip` skipped last. */
  readonly skippedNewlines: () => number;
  /** A push is using the memory. */
  busy: boolean;
  /**
   * The WebAssembly.Memory itself and the address of SCRATCH_BYTES in it, past the chunk's room,
   * that this kernel never touches: for a kernel that reads the chunks where they are (wasm/tool-calls.ts).
   */
  readonly shared: { readonly memory: object; readonly scratch: number };
}

/** Bytes per load: bytes.ts reads 1 MB at a time; larger pushes are cut into pieces of this size. */
const CAPACITY = 1 << 20;
/** Bytes reserved past the chunk's room for another kernel (see `shared`). */
const SCRATCH_BYTES = 1 << 18;

/** Where `npm run build` puts the kernel; src/input/wasm and dist/input/wasm are both three levels below the package. */
const WASM_URL = new URL('../../../dist/input/wasm/string-stop.wasm', import.meta.url);

interface KernelExports {
  memory: { readonly buffer: ArrayBuffer; grow(pages: number): number };
  init(): void;
  CHUNK_BASE: { readonly value: number };
  stringStop(i: number, n: number): number;
  skipValue(i: number, n: number, oneLine: number): number;
  skippedNewlines: { readonly value: number };
}

// The build's lib (ES2023 + @types/node 20) declares no WebAssembly global: the little used here.
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { readonly exports: unknown };
};

let kernel: StringKernel | undefined;
let unavailable: string | undefined; // why there is no kernel, once tried

function instantiate(): StringKernel | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(WASM_URL);
  } catch {
    unavailable = `${WASM_URL.pathname} is missing (run npm run build)`;
    return undefined;
  }
  let exports: KernelExports;
  try {
    // Synchronous: 1.3 KB, compiled once per thread.
    exports = new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports as KernelExports;
  } catch (err) {
    unavailable = `this Node cannot compile it (no WebAssembly SIMD?): ${(err as Error).message}`;
    return undefined;
  }
  exports.init();
  const base = Number(exports.CHUNK_BASE.value);
  const pageBytes = 65536;
  const need = base + CAPACITY + SCRATCH_BYTES - exports.memory.buffer.byteLength;
  if (need > 0) exports.memory.grow(Math.ceil(need / pageBytes));
  const memory = exports.memory.buffer; // after the grow: growing detaches the old one
  const view = Buffer.from(memory, base, CAPACITY);
  const newlines = exports.skippedNewlines;
  let copied = 0;
  return {
    memory,
    capacity: CAPACITY,
    load(chunk) {
      view.set(chunk);
      copied += chunk.length;
      return view.subarray(0, chunk.length);
    },
    room: view,
    copied: () => copied,
    stop: exports.stringStop,
    skip: exports.skipValue,
    skippedNewlines: () => newlines.value,
    busy: false,
    shared: { memory: exports.memory, scratch: base + CAPACITY },
  };
}

function fromEnvironment(): StringScanChoice {
  const v = process.env['FLEET_PROPOSALS_STRING_SCAN'];
  return v === 'js' || v === 'wasm' ? v : 'auto';
}

/**
 * The kernel a decoder should use (`undefined`: the JS scan). `choice` 'auto' defers to
 * FLEET_PROPOSALS_STRING_SCAN; 'wasm' (either way) fails with FP_INTERNAL when the kernel
 * cannot be had, so that a test or a benchmark never measures the fallback by mistake.
 */
export function stringKernel(choice: StringScanChoice = 'auto'): StringKernel | undefined {
  const want = choice === 'auto' ? fromEnvironment() : choice;
  if (want === 'js') return undefined;
  if (kernel === undefined && unavailable === undefined) kernel = instantiate();
  if (kernel === undefined && want === 'wasm') {
    throw new AnalyzerError('FP_INTERNAL', `The WebAssembly string scan was asked for but is unavailable: ${unavailable}`);
  }
  return kernel;
}
