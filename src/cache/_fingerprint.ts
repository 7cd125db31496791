/**
 * What identifies the bytes of an input file without reading all of them: size,
 * modification time (nanoseconds), and SHA-256 of the first and of the last
 * 64 KB. A file that only grew keeps its old head and its old tail bytes at the
 * old offsets; `hashRange` checks those in the new file.
 *
 * Known limit (as for make or rsync's quick check): an edit in the middle of a
 * file over 128 KB that keeps both its size and its modification time is not
 * seen; neither is a rewrite of the middle of a file that then also grew.
 */
import { createHash } from 'node:crypto';
import { promises as fsp, type BigIntStats } from 'node:fs';

export const EDGE_BYTES = 64 * 1024;

export interface Fingerprint {
  size: number;
  /** modification time in nanoseconds, as a decimal string (exact) */
  mtimeNs: string;
  /** SHA-256 of bytes [0, min(64 KB, size)) */
  headHash: string;
  /** SHA-256 of bytes [max(0, size - 64 KB), size) */
  tailHash: string;
  /** the last byte is a newline: a JSON Lines file can be resumed after it */
  endsWithNewline: boolean;
  /** the gzip magic: never resumed (a gzip member cannot be read from the middle) */
  gzip: boolean;
}

function sha256(b: Buffer): string {
  return createHash('sha256').update(b).digest('hex');
}

async function readAt(fh: fsp.FileHandle, start: number, length: number): Promise<Buffer> {
  const buf = Buffer.alloc(length);
  let got = 0;
  while (got < length) {
    const { bytesRead } = await fh.read(buf, got, length - got, start + got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  return buf.subarray(0, got);
}

export async function fingerprint(path: string): Promise<Fingerprint> {
  const fh = await fsp.open(path, 'r');
  try {
    const st: BigIntStats = await fh.stat({ bigint: true });
    const size = Number(st.size);
    const head = await readAt(fh, 0, Math.min(EDGE_BYTES, size));
    const tailStart = Math.max(0, size - EDGE_BYTES);
    const tail = tailStart === 0 ? head : await readAt(fh, tailStart, size - tailStart);
    return {
      size,
      mtimeNs: st.mtimeNs.toString(),
      headHash: sha256(head),
      tailHash: sha256(tail),
      endsWithNewline: tail.length > 0 && tail[tail.length - 1] === 0x0a,
      gzip: head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b,
    };
  } finally {
    await fh.close();
  }
}

/**
 * The hashes `fingerprint` would have given for the first `size` bytes of the file
 * now at `path`, and the byte right after them (-1 at the end of the file).
 */
export async function edgeHashesOfPrefix(path: string, size: number): Promise<{ headHash: string; tailHash: string; nextByte: number }> {
  const fh = await fsp.open(path, 'r');
  try {
    const head = await readAt(fh, 0, Math.min(EDGE_BYTES, size));
    const tailStart = Math.max(0, size - EDGE_BYTES);
    const tail = tailStart === 0 ? head : await readAt(fh, tailStart, size - tailStart);
    const next = await readAt(fh, size, 1);
    return { headHash: sha256(head), tailHash: sha256(tail), nextByte: next.length === 1 ? next[0]! : -1 };
  } finally {
    await fh.close();
  }
}

/** Size and mtime now: a file that changed while it was read is not cached. */
export async function sizeAndMtime(path: string): Promise<{ size: number; mtimeNs: string }> {
  const st = await fsp.stat(path, { bigint: true });
  return { size: Number(st.size), mtimeNs: st.mtimeNs.toString() };
}
