/**
 * The one-document logs' JSON walk (src/input/adapters/_json-walk.ts): the chosen values are
 * JSON.parse's, each with the file line where it opens, and a syntax error has its byte and
 * line, however the file is cut into chunks.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Chosen, walkJson } from '../../../src/input/adapters/_json-walk.js';
import { collect } from './_collect.js';
import { valueLines } from './_value-lines.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'fp-json-walk-'));
function file(name: string, text: string | Buffer): string {
  const f = path.join(dir, name);
  writeFileSync(f, text);
  return f;
}

// names and values a byte-by-byte reader can get wrong: escapes, a lone surrogate, a duplicate key, numbers
const DOC = `{
  "info": {"n\\u0061me": "caf\\u00e9 \\ud800", "n": [1e400, -0, 0.1, 12345678901234567890]},
  "tr\\u0061jectory": [
    {"action": "ls\\n", "action": "pwd", "observation": "\\"quoted\\" \\\\ tab\\t é 😀"},
    3,
    {
      "action": "x",
      "nested": {"a": [[], {}]}
    }
  ],
  "skipped": {"trajectory": [{"not": "chosen"}]}
}
`;
const CHUNKS = [1, 2, 3, 7, 64 * 1024];

describe('walkJson', () => {
  it.each(CHUNKS)('gives JSON.parse values and the line where each opens, read %i bytes at a time', async (readBytes) => {
    const f = file(`doc-${readBytes}.json`, DOC);
    const got = await collect<Chosen>(walkJson(f, 'T', (p) => p.length === 2 || (p.length === 1 && p[0] === 'info'), { readBytes }));
    const doc = JSON.parse(DOC) as { info: unknown; trajectory: unknown[] };
    const lines = valueLines(DOC);
    expect(got.map((c) => c.path)).toEqual([['info'], ['trajectory', 0], ['trajectory', 1], ['trajectory', 2], ['skipped', 'trajectory']]);
    expect(got.map((c) => c.value)).toEqual([doc.info, ...doc.trajectory, [{ not: 'chosen' }]]);
    expect(Object.is((got[0]!.value as { n: number[] }).n[1], -0)).toBe(true);
    expect(got.map((c) => c.line)).toEqual(['info', 'trajectory/0', 'trajectory/1', 'trajectory/2', 'skipped/trajectory'].map((p) => lines.get(p)));
    expect(got.map((c) => c.line)).toEqual([2, 4, 5, 6, 11]);
  });

  it.each(CHUNKS)('gives the lines of the values inside a chosen one that `inside` asks for, read %i bytes at a time', async (readBytes) => {
    const f = file(`inside-${readBytes}.json`, DOC);
    // the root is chosen whole; inside it, every value's line down to three levels, but nothing inside "info"
    const got = await collect<Chosen>(
      walkJson(f, 'T', (p) => p.length === 0, {
        readBytes,
        inside: (p, kind) => (p[0] === 'info' && p.length > 1 ? 'skip' : p.length < 3 && kind !== 'scalar' ? 'into' : 'line'),
      }),
    );
    expect(got).toHaveLength(1);
    expect(got[0]!.value).toEqual(JSON.parse(DOC));
    const lines = got[0]!.lines!.map((l) => [l.path.join('/'), l.line] as const);
    // only the 'line' answers, in document order (both places of the duplicate "action"); nothing inside "info"
    expect(lines).toEqual([
      ['trajectory/0/action', 4],
      ['trajectory/0/action', 4],
      ['trajectory/0/observation', 4],
      ['trajectory/1', 5],
      ['trajectory/2/action', 7],
      ['trajectory/2/nested', 8],
      ['skipped/trajectory/0', 11],
    ]);
    // and each is where a reader finds the value open
    const found = valueLines(DOC, 3);
    for (const [p, line] of lines) expect(found.get(p)).toBe(line);
  });

  it('keeps a "__proto__" name as a property, not as the prototype', async () => {
    const f = file('proto.json', '[{"__proto__": {"action": "run"}, "b": 1}]');
    const [c] = await collect<Chosen>(walkJson(f, 'T', (p) => p.length === 1));
    const v = c!.value as Record<string, unknown>;
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
    expect(v.action).toBeUndefined();
    expect(Object.keys(v)).toEqual(['__proto__', 'b']);
  });

  it('reads invalid UTF-8 as U+FFFD, as the line-based logs do', async () => {
    const f = file('latin1.json', Buffer.concat([Buffer.from('[{"s": "caf'), Buffer.from([0xe9]), Buffer.from('"}]')]));
    const [c] = await collect<Chosen>(walkJson(f, 'T', (p) => p.length === 1));
    expect(c!.value).toEqual({ s: 'caf\ufffd' });
  });

  it.each(CHUNKS)('locates invalid JSON (byte and line), read %i bytes at a time, after the values before it', async (readBytes) => {
    const text = '[\n  {"a": 1},\n  {"b": 2}\n  {"c": 3}\n]\n';
    const f = file(`bad-${readBytes}.json`, text);
    const got: Chosen[] = [];
    const err = await (async () => {
      for await (const c of walkJson(f, 'T', (p) => p.length === 1, { readBytes })) got.push(c);
    })().catch((e: unknown) => e);
    expect(got.map((c) => c.value)).toEqual([{ a: 1 }, { b: 2 }]);
    const at = text.indexOf('{"c"');
    expect(err).toMatchObject({
      code: 'FP_INPUT',
      message: `Invalid T log: invalid JSON (expected ',' or ']' after an array element), at byte ${at}, line 4 in ${f}`,
      context: { file: f, offset: at, line: 4 },
    });
  });

  it.each([
    ['empty', '  \n', 'Invalid T log: the file holds no JSON value'],
    ['truncated', '[{"a": 1}', 'Invalid T log: invalid JSON (unexpected end of input (truncated?)), at byte 9, line 1'],
    ['two values', '[1]\n[2]', 'Invalid T log: invalid JSON (extra data after the top-level value), at byte 4, line 2'],
  ])('rejects %s', async (name, text, message) => {
    const f = file(`${name}.json`, text);
    await expect(collect(walkJson(f, 'T', () => false))).rejects.toMatchObject({ code: 'FP_INPUT', message: expect.stringContaining(message) });
  });

  it('reads values one after another with multipleRoots, each a root', async () => {
    const f = file('roots.json', '{"a": 1}{"a": 2}\n[3]');
    const got = await collect<Chosen>(walkJson(f, 'T', (p) => p.length === 0, { multipleRoots: true }));
    expect(got.map((c) => [c.value, c.line])).toEqual([
      [{ a: 1 }, 1],
      [{ a: 2 }, 1],
      [[3], 2],
    ]);
  });

  it('rejects a file it cannot read with its name', async () => {
    const missing = path.join(dir, 'missing.json');
    await expect(collect(walkJson(missing, 'T', () => false))).rejects.toMatchObject({ code: 'FP_INPUT', context: { file: missing } });
  });
});
