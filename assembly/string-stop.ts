// AssemblyScript (compiled to WebAssembly by `npm run build:wasm`, part of `npm run build`,
// which `npm ci` runs through `prepare`): the string-body scan of src/input/fast-decoder.ts
// with 128-bit SIMD, loaded by src/input/wasm/string-scan.ts. Not TypeScript: this folder is
// outside tsconfig's include (v128, load<u8>, @inline are AssemblyScript builtins).
//
// The JS scan looks at 4 bytes a step (SWAR in an Int32Array) and returns to the decoder's
// loop at every '\' (these messages hold one every ~45 bytes). Here one step classifies 64
// bytes into a 64-bit mask of the bytes that matter in a string ('"', '\', controls < 0x20),
// the way simdjson's stage 1 builds its bitmaps, and the mask is walked bit by bit: a valid
// escape is skipped here (its bits cleared), so the caller sees only the string's end, a
// control byte, or an escape that is invalid or cut by the chunk's end. Measured on the 1 GB
// long-message archive: 3.4x the JS scan's speed (bench/wasm-stage1/README.md).
//
// Addresses are byte offsets in this module's memory; the caller copies each chunk to
// CHUNK_BASE first. No allocation, no imports, no runtime (`--runtime stub`).

/** 1 for the bytes allowed after '\' as a one-character escape: " \ / b f n r t */
const ESC1: usize = memory.data(256);
/** 1 for an ASCII hex digit. */
const HEX: usize = memory.data(256);

/** Fill the two tables; call once before anything else. */
export function init(): void {
  const esc = '"\\/bfnrt';
  for (let k = 0; k < esc.length; k++) store<u8>(ESC1 + <usize>esc.charCodeAt(k), 1);
  const hex = '0123456789abcdefABCDEF';
  for (let k = 0; k < hex.length; k++) store<u8>(HEX + <usize>hex.charCodeAt(k), 1);
}

/** Where the caller puts a chunk's bytes: past the tables and the static data, 64 KiB in. */
export const CHUNK_BASE: usize = 65536;

/** The length (2 or 6) of the valid escape whose '\' is at p and that ends before n; -1 if it is cut by n or invalid. */
@inline
function escapeLength(p: usize, n: usize): i32 {
  if (p + 1 >= n) return -1;
  const e = <usize>load<u8>(p + 1);
  if (load<u8>(ESC1 + e) != 0) return 2;
  if (
    e == 0x75 &&
    p + 5 < n &&
    (load<u8>(HEX + <usize>load<u8>(p + 2)) &
      load<u8>(HEX + <usize>load<u8>(p + 3)) &
      load<u8>(HEX + <usize>load<u8>(p + 4)) &
      load<u8>(HEX + <usize>load<u8>(p + 5))) !=
      0
  )
    return 6;
  return -1;
}

/**
 * From i (inside a string's body, before its closing quote), skip plain bytes and valid
 * complete escapes; return the address of the first '"', control byte < 0x20, or '\' whose
 * escape is cut by n or invalid; n if there is none. 16 bytes a step.
 */
export function stringStop16(i: usize, n: usize): usize {
  const quote = i8x16.splat(0x22);
  const bslash = i8x16.splat(0x5c);
  const space = i8x16.splat(0x20);
  while (true) {
    if (i + 16 <= n) {
      const v = v128.load(i);
      const bits = i8x16.bitmask(v128.or(v128.or(i8x16.eq(v, quote), i8x16.eq(v, bslash)), i8x16.lt_u(v, space)));
      if (bits == 0) {
        i += 16;
        continue;
      }
      i += <usize>ctz(bits);
    } else {
      while (i < n) {
        const c = load<u8>(i);
        if (c < 0x20 || c == 0x22 || c == 0x5c) break;
        i++;
      }
      if (i >= n) return n;
    }
    if (load<u8>(i) != 0x5c) return i;
    const k = escapeLength(i, n);
    if (k < 0) return i;
    i += <usize>k;
  }
  return n; // not reached
}

/** stringStop16's contract, 64 bytes a step (the one the decoder uses: 1.2x stringStop16's speed). */
export function stringStop(i: usize, n: usize): usize {
  const quote = i8x16.splat(0x22);
  const bslash = i8x16.splat(0x5c);
  const space = i8x16.splat(0x20);
  while (i + 64 <= n) {
    const v0 = v128.load(i);
    const v1 = v128.load(i, 16);
    const v2 = v128.load(i, 32);
    const v3 = v128.load(i, 48);
    const m0 = <u64>i8x16.bitmask(v128.or(v128.or(i8x16.eq(v0, quote), i8x16.eq(v0, bslash)), i8x16.lt_u(v0, space)));
    const m1 = <u64>i8x16.bitmask(v128.or(v128.or(i8x16.eq(v1, quote), i8x16.eq(v1, bslash)), i8x16.lt_u(v1, space)));
    const m2 = <u64>i8x16.bitmask(v128.or(v128.or(i8x16.eq(v2, quote), i8x16.eq(v2, bslash)), i8x16.lt_u(v2, space)));
    const m3 = <u64>i8x16.bitmask(v128.or(v128.or(i8x16.eq(v3, quote), i8x16.eq(v3, bslash)), i8x16.lt_u(v3, space)));
    let mask = m0 | (m1 << 16) | (m2 << 32) | (m3 << 48);
    let next = i + 64;
    while (mask != 0) {
      const p = i + <usize>ctz(mask);
      if (load<u8>(p) != 0x5c) return p;
      const k = escapeLength(p, n);
      if (k < 0) return p;
      const q = p + <usize>k;
      if (q >= next) {
        next = q; // the escape runs past this block: the next one starts after it
        break;
      }
      mask &= ~((<u64>1 << <u64>(q - i)) - 1); // the escape's own bytes are no stop
    }
    i = next;
  }
  return stringStop16(i, n);
}
