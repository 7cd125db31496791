/**
 * bench/wasm-stage1/bench.ts — is a WebAssembly SIMD string-body scan faster than the JS one?
 *
 *   npm run build && npx tsx bench/wasm-stage1/bench.ts [--file ARCHIVE] [--rounds 5] [--wasm dist/input/wasm/string-stop.wasm]
 *
 * Walks the archive in 1 MB chunks (what src/input/bytes.ts reads), read with fs.readSync
 * straight into the WebAssembly memory (no copy). Outside strings every variant runs the same
 * byte loop (find the next '"'); inside a string each variant runs its string-body scan:
 *   js      — _json-bytes.ts's `findSpecial` (4-byte SWAR) + its inline escape check
 *   wasm16  — assembly/string-stop.ts `stringStop16` (16 bytes a step; one JS->WASM call per stop)
 *   wasm64  — its `stringStop` (64-byte bitmask walked bit by bit: what the decoder uses)
 *   hybrid  — JS scans the first 16 bytes, WASM (64) the rest of a long string
 * plus, apart, `buffer.isUtf8` over each chunk (the decoder's UTF-8 check) and a 1 MB copy
 * into WASM memory (what an integration pays when the source hands it its own Buffers).
 * Variants run in turn, round after round (A B C D A B C D ...); the figure is each one's
 * median scan time over the rounds and its ratio to `js` in the same run.
 * Checked before timing: every variant counts the same strings, escapes and stops.
 */
import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { isUtf8 } from 'node:buffer';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { findSpecial } from '../../src/input/_json-bytes.js';

const { values: args } = parseArgs({
  options: {
    wasm: { type: 'string', default: new URL('../../dist/input/wasm/string-stop.wasm', import.meta.url).pathname },
    file: { type: 'string', default: `${os.tmpdir()}/fleet-proposals-bench/1GB-array-seed1-g1.json` },
    rounds: { type: 'string', default: '5' },
    limit: { type: 'string' }, // bytes of the file to walk (default: all)
  },
});

const CHUNK = 1 << 20;
const PAD = 64;

interface Kernel {
  memory: WebAssembly.Memory;
  init(): void;
  CHUNK_BASE: WebAssembly.Global;
  stringStop16(i: number, n: number): number;
  stringStop(i: number, n: number): number;
}
const { instance } = await WebAssembly.instantiate(readFileSync(args.wasm!));
const k = instance.exports as unknown as Kernel;
k.init();
const BASE = Number(k.CHUNK_BASE.value);
k.memory.grow(Math.ceil((BASE + CHUNK + PAD - k.memory.buffer.byteLength) / 65536));
const mem = new Uint8Array(k.memory.buffer, BASE, CHUNK + PAD);
const memWords = new Int32Array(k.memory.buffer, BASE, (CHUNK + PAD) >> 2);

// ---- the JS string-body scan: src/input/_json-bytes.ts's findSpecial -------------
const ESC1 = new Uint8Array(256);
for (const c of '"\\/bfnrt') ESC1[c.charCodeAt(0)] = 1;
const HEX = new Uint8Array(256);
for (const c of '0123456789abcdefABCDEF') HEX[c.charCodeAt(0)] = 1;

/** findSpecial + the decoder's inline escape skip: the same contract as stringStop16. */
function jsStop(buf: Uint8Array, words: Int32Array, i: number, n: number): number {
  for (;;) {
    i = findSpecial(buf, words, 0, i, n);
    if (i >= n) return n;
    if (buf[i] !== 0x5c) return i;
    if (i + 1 < n) {
      const e = buf[i + 1]!;
      if (ESC1[e] === 1) {
        i += 2;
        continue;
      }
      if (e === 0x75 && i + 5 < n && (HEX[buf[i + 2]!]! & HEX[buf[i + 3]!]! & HEX[buf[i + 4]!]! & HEX[buf[i + 5]!]!) === 1) {
        i += 6;
        continue;
      }
    }
    return i;
  }
}

type Stop = (i: number, n: number) => number;
/** The chunk's Int32Array view, made once per chunk as the decoder's `scan` does. */
let words = memWords;
const stops: Record<string, Stop> = {
  js: (i, n) => jsStop(mem, words, i, n),
  wasm16: (i, n) => k.stringStop16(BASE + i, BASE + n) - BASE,
  wasm64: (i, n) => k.stringStop(BASE + i, BASE + n) - BASE,
  hybrid: (i, n) => {
    const end = Math.min(i + 16, n);
    for (; i < end; i++) {
      const c = mem[i]!;
      if (c < 0x20 || c === 0x22) return i;
      if (c === 0x5c) break;
    }
    return k.stringStop(BASE + i, BASE + n) - BASE;
  },
};

interface Counts {
  strings: number;
  stops: number;
  cutEscapes: number;
  ms: number;
}

/** Walk the file: outside strings a plain byte loop, inside `stop`. Returns counts and scan time. */
function walk(stop: Stop, limit: number): Counts {
  const fd = openSync(args.file!, 'r');
  const counts: Counts = { strings: 0, stops: 0, cutEscapes: 0, ms: 0 };
  let inStr = false;
  let skip = 0; // bytes of an escape cut by the previous chunk's end
  let at = 0;
  try {
    for (;;) {
      const n = readSync(fd, mem, 0, Math.min(CHUNK, limit - at), at);
      if (n <= 0) break;
      at += n;
      const t0 = performance.now();
      words = memWords.subarray(0, n >> 2);
      let i = skip;
      skip = 0;
      while (i < n) {
        if (!inStr) {
          while (i < n && mem[i] !== 0x22) i++;
          if (i >= n) break;
          i++;
          inStr = true;
          counts.strings++;
          continue;
        }
        i = stop(i, n);
        if (i >= n) break;
        counts.stops++;
        const c = mem[i]!;
        if (c === 0x22) {
          inStr = false;
          i++;
        } else if (c === 0x5c) {
          // an escape cut by the chunk's end (the archive is valid JSON)
          counts.cutEscapes++;
          const len = i + 1 < n ? (mem[i + 1] === 0x75 ? 6 : 2) : at < limit && readByteAt(fd, at) === 0x75 ? 6 : 2;
          skip = i + len - n;
          break;
        } else throw new Error(`control byte at ${at - n + i}`);
      }
      counts.ms += performance.now() - t0;
    }
  } finally {
    closeSync(fd);
  }
  return counts;
}

function readByteAt(fd: number, pos: number): number {
  const b = Buffer.alloc(1);
  readSync(fd, b, 0, 1, pos);
  return b[0]!;
}

function utf8Pass(limit: number): number {
  const fd = openSync(args.file!, 'r');
  let ms = 0;
  for (let at = 0; ; ) {
    const n = readSync(fd, mem, 0, Math.min(CHUNK, limit - at), at);
    if (n <= 0) break;
    at += n;
    const t0 = performance.now();
    let t = n; // a sequence cut by the chunk's end is left out, as the decoder does
    while (t > n - 4 && (mem[t - 1]! & 0xc0) === 0x80) t--;
    if (t > n - 4 && mem[t - 1]! >= 0xc0) t--;
    let s = 0; // and the end of one cut by the previous chunk's
    while ((mem[s]! & 0xc0) === 0x80) s++;
    if (!isUtf8(mem.subarray(s, t))) throw new Error(`not UTF-8 in the chunk at ${at - n}`);
    ms += performance.now() - t0;
  }
  closeSync(fd);
  return ms;
}

function copyPass(limit: number): number {
  const src = Buffer.allocUnsafe(CHUNK);
  const fd = openSync(args.file!, 'r');
  let ms = 0;
  for (let at = 0; ; ) {
    const n = readSync(fd, src, 0, Math.min(CHUNK, limit - at), at);
    if (n <= 0) break;
    at += n;
    const t0 = performance.now();
    mem.set(n === CHUNK ? src : src.subarray(0, n), 0);
    ms += performance.now() - t0;
  }
  closeSync(fd);
  return ms;
}

const fileSize = statSync(args.file!).size;
const limit = args.limit !== undefined ? Math.min(Number(args.limit), fileSize) : fileSize;
const rounds = Number(args.rounds);

// correctness first: same counts for every variant (a short prefix), and the warm-up
const check = Object.entries(stops).map(([name, s]) => [name, walk(s, Math.min(limit, 64 << 20))] as const);
for (const [name, c] of check) {
  const ref = check[0]![1];
  if (c.strings !== ref.strings || c.stops !== ref.stops || c.cutEscapes !== ref.cutEscapes)
    throw new Error(`${name} disagrees with js: ${JSON.stringify(c)} vs ${JSON.stringify(ref)}`);
}

const times: Record<string, number[]> = { utf8: [], copy: [] };
let counts: Counts | undefined;
for (let r = 0; r < rounds; r++) {
  for (const [name, s] of Object.entries(stops)) {
    const c = walk(s, limit);
    counts ??= c;
    if (c.strings !== counts.strings || c.stops !== counts.stops) throw new Error(`${name}: counts differ`);
    (times[name] ??= []).push(c.ms);
  }
  times.utf8!.push(utf8Pass(limit));
  times.copy!.push(copyPass(limit));
}
const med = (v: number[]): number => {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const mb = limit / 1e6;
console.log(
  `${new Date().toISOString()} node ${process.version} load ${os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}; ${args.file} (${mb.toFixed(0)} MB), ${rounds} rounds`,
);
console.log(`strings ${counts!.strings}, stops inside strings ${counts!.stops} (bytes per string ${(limit / counts!.strings).toFixed(0)})`);
const js = med(times.js!);
for (const [name, v] of Object.entries(times)) {
  const m = med(v);
  console.log(
    `${name.padEnd(7)} median ${m.toFixed(0).padStart(6)} ms  (${(mb / (m / 1000)).toFixed(0).padStart(5)} MB/s)  ${(m / js).toFixed(3)}x js  [${v.map((x) => x.toFixed(0)).join(' ')}]`,
  );
}
