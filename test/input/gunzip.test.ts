/**
 * Inflating gzip input (`openBytes` of an input classified as gzip): every member in order, then
 * the end of the input or zero padding; anything else after the last member is exit 3 located at
 * the byte of the compressed file where it starts, however the bytes arrive in chunks.
 */
import { crc32, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { AnalyzerError } from '../../src/errors.js';
import { openBytes } from '../../src/input/bytes.js';
import type { Input } from '../../src/input/classify.js';

/** A stream input of these bytes, arriving in chunks cut at `cuts`. */
function streamOf(bytes: Buffer, cuts: readonly number[] = []): Input {
  const at = [0, ...cuts.filter((c) => c > 0 && c < bytes.length).sort((a, b) => a - b), bytes.length];
  async function* rest(): AsyncGenerator<Buffer> {
    for (let i = 0; i + 1 < at.length; i++) if (at[i + 1]! > at[i]!) yield bytes.subarray(at[i], at[i + 1]);
  }
  return { path: 'in.gz', kind: 'stream', transport: 'stream', gzip: true, format: 'sessions', shape: 'auto', stream: { head: [], rest: rest() } };
}

/** What inflated before the error (or the end), and the error. */
async function inflate(input: Input): Promise<{ out: Buffer; err?: AnalyzerError }> {
  const chunks: Buffer[] = [];
  try {
    for await (const c of openBytes(input)) chunks.push(Buffer.from(c));
  } catch (err) {
    if (!(err instanceof AnalyzerError)) throw err;
    return { out: Buffer.concat(chunks), err };
  }
  return { out: Buffer.concat(chunks) };
}

/** A gzip member of `data` with a file name of `nameBytes` bytes (to put its end where a test wants it). */
function memberWithName(data: Buffer, nameBytes: number): Buffer {
  const plain = gzipSync(data);
  // gzipSync writes a 10-byte header without flags: set FNAME and insert the name after it
  const header = Buffer.from(plain.subarray(0, 10));
  header[3] = 0x08;
  return Buffer.concat([header, Buffer.alloc(nameBytes - 1, 'n'), Buffer.from([0]), plain.subarray(10)]);
}

/** Incompressible text (hex of a simple generator): its gzip is about as long as it. */
function noise(n: number): Buffer {
  let x = 0x9e3779b9;
  const b = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    b[i] = '0123456789abcdef'.charCodeAt(x & 15);
  }
  return b;
}

const JUNK = Buffer.from('junk');
const junkMessage = (at: number) => `Invalid gzip data: bytes after the end of the gzip stream, at byte ${at} in in.gz`;

describe('gzip followed by other bytes', () => {
  it('is located at the first byte after the last member, for every cut of the bytes into two chunks and for one byte at a time', async () => {
    const data = Buffer.from('[{"session_id": "a", "errors": [{"message": "Boom"}]}]\n');
    const gz = gzipSync(data);
    const bytes = Buffer.concat([gz, JUNK]);
    const cuttings = [...Array.from({ length: bytes.length + 1 }, (_, i) => [i]), Array.from({ length: bytes.length }, (_, i) => i)];
    for (const cuts of cuttings) {
      const r = await inflate(streamOf(bytes, cuts));
      expect(r.err?.message, `cuts ${cuts.join(',')}`).toBe(junkMessage(gz.length));
      expect(r.err?.code).toBe('FP_INPUT');
      expect(r.err?.context.offset).toBe(gz.length);
      // the valid member is read whole before the error (zlib's gunzip dropped what it inflated in the failing step)
      expect(r.out.equals(data), `cuts ${cuts.join(',')}`).toBe(true);
    }
  });

  it('is located after the last of several concatenated members, all of them read', async () => {
    const parts = ['[{"session_id": "a"}', ', {"session_id": "b"}', ']'].map((s) => Buffer.from(s));
    const members = parts.map((p) => gzipSync(p));
    const bytes = Buffer.concat([...members, JUNK]);
    const end = members.reduce((n, m) => n + m.length, 0);
    for (const cuts of [[], [members[0]!.length], [end - 3, end + 1], Array.from({ length: bytes.length }, (_, i) => i)]) {
      const r = await inflate(streamOf(bytes, cuts));
      expect(r.err?.message).toBe(junkMessage(end));
      expect(r.out.equals(Buffer.concat(parts))).toBe(true);
    }
  });

  it('is located in a member of several MB read in 1 MB chunks, wherever the member ends against the chunks', async () => {
    const data = noise(4_000_000);
    const plain = gzipSync(data);
    const MB = 1 << 20;
    const k = Math.ceil((plain.length + 16) / MB) * MB; // a chunk boundary just after the member
    // the member ends (a) inside a chunk, (b) with its deflate data exactly at a chunk's end, (c) with its trailer exactly there
    for (const end of [plain.length + 100, k + 8, k]) {
      const gz = memberWithName(data, end - plain.length);
      expect(gz.length).toBe(end);
      const bytes = Buffer.concat([gz, JUNK]);
      const cuts = Array.from({ length: Math.ceil(bytes.length / MB) }, (_, i) => i * MB);
      const r = await inflate(streamOf(bytes, cuts));
      expect(r.err?.message, `member of ${end} bytes`).toBe(junkMessage(end));
      expect(r.out.equals(data)).toBe(true);
    }
  });

  it('is located where the tail starts when zero bytes come before other bytes; zero bytes alone are padding, as gzip(1) reads them', async () => {
    const data = Buffer.from('[]');
    const gz = gzipSync(data);
    const padded = await inflate(streamOf(Buffer.concat([gz, Buffer.alloc(700)]), [gz.length + 3]));
    expect(padded.err).toBeUndefined();
    expect(padded.out.equals(data)).toBe(true);
    // zlib's gunzip stopped reading at the first zero byte and ignored whatever followed
    const r = await inflate(streamOf(Buffer.concat([gz, Buffer.alloc(3), JUNK])));
    expect(r.err?.message).toBe(junkMessage(gz.length));
  });
});

describe('damaged gzip', () => {
  const data = Buffer.from('[{"session_id": "a"}]');
  const gz = gzipSync(data);

  it('a file cut short is located at its end (the compressed size), in the header, the data or the trailer', async () => {
    for (const size of [1, 5, 12, gz.length - 20, gz.length - 8, gz.length - 1]) {
      const r = await inflate(streamOf(gz.subarray(0, size)));
      expect(r.err?.message, `${size} bytes`).toBe(`Invalid gzip data: unexpected end of file (truncated?), at byte ${size} in in.gz`);
    }
  });

  it('a wrong checksum or length in the trailer, a bad header: located at the field', async () => {
    const badCrc = Buffer.from(gz);
    badCrc.writeUInt32LE((crc32(data) ^ 1) >>> 0, gz.length - 8);
    expect((await inflate(streamOf(badCrc))).err?.message).toBe(`Invalid gzip data: incorrect data check, at byte ${gz.length - 8} in in.gz`);
    const badLength = Buffer.from(gz);
    badLength.writeUInt32LE(data.length + 1, gz.length - 4);
    expect((await inflate(streamOf(badLength))).err?.message).toBe(`Invalid gzip data: incorrect length check, at byte ${gz.length - 4} in in.gz`);
    const second = Buffer.from(gz);
    second[2] = 7; // compression method
    const r = await inflate(streamOf(Buffer.concat([gz, second])));
    expect(r.err?.message).toBe(`Invalid gzip data: unknown compression method, at byte ${gz.length} in in.gz`);
    expect(r.out.equals(data)).toBe(true);
  });
});
