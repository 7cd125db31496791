import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { AnalyzerError } from '../../../src/errors.js';
import { FastDecoder, type FastDecoderOptions } from '../../../src/input/fast-decoder.js';
import type { DecodeEvent } from '../../../src/input/types.js';
import { stringKernel } from '../../../src/input/wasm/string-scan.js';
import { anyRecordArb, nastyStringArb } from '../../arbitraries.js';

const RUNS = Number(process.env['FC_RUNS_FACTOR'] ?? 1) || 1;

/** The kernel's contract, byte by byte: the first '"', control byte, or '\' not starting a valid escape complete before n. */
function specStop(b: Uint8Array, i: number, n: number): number {
  const hex = (c: number | undefined): boolean => c !== undefined && /[0-9a-fA-F]/.test(String.fromCharCode(c));
  while (i < n) {
    const c = b[i]!;
    if (c === 0x22 || c < 0x20) return i;
    if (c === 0x5c) {
      const e = i + 1 < n ? b[i + 1]! : -1;
      if (e >= 0 && '"\\/bfnrt'.includes(String.fromCharCode(e))) i += 2;
      else if (e === 0x75 && i + 5 < n && [2, 3, 4, 5].every((k) => hex(b[i + k]))) i += 6;
      else return i;
    } else i++;
  }
  return n;
}

/** Bytes rich in what the kernel looks at, including escapes straddling its 16- and 64-byte steps. */
const stringBytesArb = fc
  .array(
    fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom(...'abcé😀 ') },
      { weight: 3, arbitrary: fc.constantFrom('\\"', '\\\\', '\\n', '\\/', '\\u00e9', '\\uD83D', '\\u12', '\\x', '\\', '\\u', '\\uzzzz') },
      { weight: 1, arbitrary: fc.constantFrom('"', '\t', '\u0001', '\u001f', 'u', '0', 'F') },
      { weight: 2, arbitrary: fc.string({ minLength: 10, maxLength: 70, unit: fc.constantFrom('x', 'y', 'z') }) },
    ),
    { maxLength: 80 },
  )
  .map((parts) => Buffer.from(parts.join(''), 'utf8'));

type Outcome = { ok: true; events: DecodeEvent[] } | { ok: false; code: string; message: string; context: unknown };

function run(chunks: Uint8Array[], opts: FastDecoderOptions): Outcome {
  const events: DecodeEvent[] = [];
  const d = new FastDecoder((e) => events.push(e), opts);
  try {
    for (const c of chunks) d.push(c);
    d.end();
    return { ok: true, events };
  } catch (err) {
    if (err instanceof AnalyzerError) return { ok: false, code: err.code, message: err.message, context: err.context };
    throw err;
  }
}

function chunked(b: Uint8Array, sizes: number[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  let at = 0;
  for (let k = 0; at < b.length; k++) {
    const size = sizes.length === 0 ? b.length : sizes[k % sizes.length]!;
    out.push(b.subarray(at, at + size));
    at += size;
  }
  return out;
}

describe(stringKernel.name, () => {
  afterEach(() => {
    delete process.env['FLEET_PROPOSALS_STRING_SCAN'];
  });

  it('is available where the project was built (npm run build compiles assembly/string-stop.ts)', () => {
    // Without it every decoder test would silently exercise the JS fallback only.
    expect(stringKernel('wasm')).toBeDefined();
  });

  it('is found by an installed copy of dist/ too (the .wasm sits beside its loader)', () => {
    const installed = mkdtempSync(path.join(os.tmpdir(), 'fp-wasm-'));
    cpSync(new URL('../../../dist', import.meta.url), path.join(installed, 'dist'), { recursive: true });
    const loader = path.join(installed, 'dist', 'input', 'wasm', 'string-scan.js');
    const script = `import(${JSON.stringify(loader)}).then((m) => console.log(m.stringKernel('wasm').capacity))`;
    const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(`${1 << 20}\n`);
  });

  it('falls back to the JS scan where this Node has no WebAssembly (node --jitless), and says why when asked for it', () => {
    const decoder = fileURLToPath(new URL('../../../dist/input/fast-decoder.js', import.meta.url));
    const archive = String.raw`[{"repo":"a\\\"b\u00e9"}]`;
    const script = `import(${JSON.stringify(decoder)}).then((m) => {
      const got = [];
      const d = new m.FastDecoder((e) => got.push(e.record.value));
      d.push(Buffer.from(${JSON.stringify(archive)}));
      d.end();
      console.log(JSON.stringify(got));
      try { new m.FastDecoder(() => {}, { stringScan: 'wasm' }); } catch (err) { console.log(err.code, err.message); }
    })`;
    const r = spawnSync(process.execPath, ['--jitless', '-e', script], { encoding: 'utf8' });
    expect(r.stdout.split('\n')).toEqual([
      JSON.stringify(JSON.parse(archive)),
      expect.stringMatching(/^FP_INTERNAL The WebAssembly string scan was asked for but is unavailable: .*WebAssembly is not defined/),
      '',
    ]);
  });

  it("is off for 'js', from the option or from FLEET_PROPOSALS_STRING_SCAN", () => {
    expect(stringKernel('js')).toBeUndefined();
    process.env['FLEET_PROPOSALS_STRING_SCAN'] = 'js';
    expect(stringKernel()).toBeUndefined();
    expect(stringKernel('wasm')).toBeDefined();
    process.env['FLEET_PROPOSALS_STRING_SCAN'] = 'wasm';
    expect(stringKernel()).toBeDefined();
  });

  it('stops where the byte-by-byte contract says, from any start and end', () => {
    const k = stringKernel('wasm')!;
    fc.assert(
      fc.property(stringBytesArb, fc.nat(), fc.nat(), (bytes, x, y) => {
        const view = k.load(bytes);
        const base = view.byteOffset;
        const n = bytes.length === 0 ? 0 : y % (bytes.length + 1);
        const i = n === 0 ? 0 : x % (n + 1);
        expect(k.stop(base + i, base + n) - base).toBe(specStop(bytes, i, n));
      }),
      { numRuns: 3000 * RUNS },
    );
  });
});

describe('FastDecoder with the WebAssembly and the JS string scan', () => {
  const archiveArb = fc.array(fc.oneof(anyRecordArb, fc.record({ session_id: nastyStringArb, messages: fc.array(nastyStringArb) })), {
    maxLength: 5,
  });

  it('gives the same records and the same errors, for any chunking', () => {
    fc.assert(
      fc.property(
        archiveArb,
        fc.array(fc.tuple(fc.nat(), fc.nat(255)), { maxLength: 2 }),
        fc.array(fc.integer({ min: 1, max: 90 }), { maxLength: 4 }),
        (archive, muts, sizes) => {
          const bytes = Buffer.from(JSON.stringify(archive), 'utf8');
          for (const [at, byte] of muts) if (bytes.length > 0) bytes[at % bytes.length] = byte;
          const js = run([bytes], { stringScan: 'js' });
          expect(run([bytes], { stringScan: 'wasm' })).toEqual(js);
          expect(run(chunked(bytes, sizes), { stringScan: 'wasm' })).toEqual(js);
        },
      ),
      { numRuns: 1500 * RUNS },
    );
  });

  it('cuts a push larger than the kernel into pieces without a seam', () => {
    const capacity = stringKernel('wasm')!.capacity;
    const message = 'a\\"b\\u00e9 c\\\\'.repeat(Math.ceil((2.5 * capacity) / 14));
    const text = JSON.stringify([{ session_id: 'x', messages: [message] }, { repo: message.slice(0, capacity + 3) }]);
    const bytes = Buffer.from(text, 'utf8');
    expect(bytes.length).toBeGreaterThan(2 * capacity);
    const expected = [{ session_id: 'x' }, { repo: message.slice(0, capacity + 3) }];
    for (const opts of [{ stringScan: 'wasm' }, { stringScan: 'js' }] as const) {
      const o = run([bytes], opts);
      expect(o.ok && o.events.map((e) => e.kind === 'record' && e.record.value)).toEqual(expected);
    }
    const broken = Buffer.from(bytes);
    broken[capacity + 5] = 0x01; // a control byte in the second piece
    const js = run([broken], { stringScan: 'js' });
    expect(js).toMatchObject({ ok: false, context: { offset: capacity + 5 } });
    expect(run([broken], { stringScan: 'wasm' })).toEqual(js);
  });

  it('lets a decoder push from inside another one’s event (the kernel is busy: JS scan)', () => {
    const inner: unknown[] = [];
    const outer = new FastDecoder(
      (e) => {
        if (e.kind !== 'record') return;
        const d = new FastDecoder((x) => x.kind === 'record' && inner.push(x.record.value), { stringScan: 'wasm' });
        d.push(Buffer.from('[{"repo":"in\\"ner"}]'));
        d.end();
      },
      { stringScan: 'wasm' },
    );
    outer.push(Buffer.from('[{"repo":"o\\\\uter"},{"repo":"two"}]'));
    outer.end();
    expect(inner).toEqual([{ repo: 'in"ner' }, { repo: 'in"ner' }]);
  });
});
