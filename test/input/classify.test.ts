/**
 * Each input is classified once, from its content (issue 11): what kind it is,
 * which format, how the decoders must read it, and, for `--from X` on content of
 * another format, the error to raise when it is read.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { classifyFile, classifyStream, inflateHead } from '../../src/input/classify.js';
import { removeTmpDirs, tmpDir } from '../workers/_archive.js';

const fixtures = path.resolve(import.meta.dirname, '../../fixtures/agents');
const CLAUDE = readFileSync(path.join(fixtures, 'claude-code/-home-dev-alpha/split-and-parallel.jsonl'));
const OPENHANDS = readFileSync(path.join(fixtures, 'openhands/login-bug.json'));
const SESSIONS = Buffer.from('[{"session_id": "a", "tool_calls": []}]');

afterAll(removeTmpDirs);

describe(classifyFile.name, () => {
  const d = tmpDir();
  const file = (name: string, bytes: Buffer): string => {
    const p = path.join(d, name);
    writeFileSync(p, bytes);
    return p;
  };

  it.each([
    ['a.json', SESSIONS, 'auto', { kind: 'json', format: 'sessions', gzip: false, shape: 'auto' }],
    ['a.jsonl', SESSIONS, 'auto', { kind: 'jsonl', format: 'sessions', gzip: false, shape: 'jsonl' }],
    ['a.json.gz', gzipSync(SESSIONS), 'auto', { kind: 'gzip', format: 'sessions', gzip: true, shape: 'auto' }],
    ['a.jsonl.gz', gzipSync(SESSIONS), 'auto', { kind: 'gzip', format: 'sessions', gzip: true, shape: 'jsonl' }],
    ['c.jsonl', CLAUDE, 'auto', { kind: 'agent', format: 'claude-code', gzip: false }],
    ['c.jsonl.gz', gzipSync(CLAUDE), 'auto', { kind: 'agent', format: 'claude-code', gzip: true }],
    ['c.jsonl', CLAUDE, 'sessions', { kind: 'jsonl', format: 'sessions' }],
    ['o.json', OPENHANDS, 'openhands', { kind: 'agent', format: 'openhands' }],
  ] as const)('%s (--from %s)', async (name, bytes, from, expected) => {
    const p = file(name, bytes);
    const input = await classifyFile(p, from);
    expect(input).toMatchObject({ path: p, transport: 'file', size: bytes.length, ...expected });
    expect(input.mismatch).toBeUndefined();
  });

  it('--from on content of another format: the input keeps the forced format and carries the error to raise', async () => {
    const p = file('o2.json', OPENHANDS);
    expect(await classifyFile(p, 'claude-code')).toMatchObject({
      kind: 'agent',
      format: 'claude-code',
      mismatch: 'Not a Claude Code log: the content looks like an OpenHands trajectory (--from openhands or auto)',
    });
  });

  it('an unreadable file is classified by its name: reading it reports the error, in input order', async () => {
    expect(await classifyFile(path.join(d, 'missing.jsonl'), 'auto')).toEqual({
      path: path.join(d, 'missing.jsonl'),
      kind: 'jsonl',
      transport: 'file',
      gzip: false,
      format: 'sessions',
      shape: 'jsonl',
    });
  });
});

describe(classifyStream.name, () => {
  async function* chunks(bytes: Buffer, size: number): AsyncGenerator<Buffer> {
    for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
  }

  it('sniffs a gzipped agent log on stdin and keeps what it read for the reader', async () => {
    const gz = gzipSync(CLAUDE);
    const input = await classifyStream('-', 'stdin', chunks(gz, 7), 'auto');
    expect(input).toMatchObject({ kind: 'agent', format: 'claude-code', transport: 'stdin', gzip: true });
    const rest: Buffer[] = [];
    for (let r = await input.stream!.rest.next(); !r.done; r = await input.stream!.rest.next()) rest.push(r.value);
    expect(Buffer.concat([...input.stream!.head, ...rest])).toEqual(gz);
  });

  it('a session archive on a pipe', async () => {
    expect(await classifyStream('/dev/fd/63', 'stream', chunks(SESSIONS, 5), 'auto')).toMatchObject({
      kind: 'stream',
      format: 'sessions',
      gzip: false,
    });
  });
});

describe(inflateHead.name, () => {
  it('inflates at most the asked number of bytes, also from a cut stream', async () => {
    const big = Buffer.alloc(300_000, 'x');
    const gz = gzipSync(big);
    expect(await inflateHead(gz, 1000)).toEqual(big.subarray(0, 1000));
    expect((await inflateHead(gz.subarray(0, gz.length >> 1), 100_000)).length).toBeGreaterThan(0);
  });
});
