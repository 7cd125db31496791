import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { Input } from '../../src/input/classify.js';
import { classifyInputs, type InputFile } from '../../src/input/sources.js';
import type { PlanItem } from '../../src/workers/_plan-items.js';
import { collectPlan } from '../../src/workers/plan-shards.js';
import { archiveFileArb, NASTY_STRINGS as NASTY, renderArchive } from '../arbitraries.js';
import { removeTmpDirs, tmpDir, writeFile } from './_archive.js';

type Range = Extract<PlanItem, { kind: 'range' }>;

function stripBom(s: string): string {
  return s.charCodeAt(0) === 0xfeff ? s.slice(1) : s;
}

function jsonLines(text: string): unknown[] {
  return stripBom(text)
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as unknown);
}

/** The records of the whole file, as the reference (json.load, last "sessions" wins) or JSON Lines see them. */
function wholeRecords(bytes: Buffer, jsonl: boolean): unknown[] {
  const text = bytes.toString('utf8');
  if (jsonl) return jsonLines(text);
  try {
    const doc = JSON.parse(stripBom(text)) as unknown;
    return Array.isArray(doc) ? doc : ((doc as { sessions: unknown[] }).sessions ?? []);
  } catch {
    return jsonLines(text);
  }
}

/** Check a split plan against the file: ranges in order, records of the live ranges = the file's, skeleton valid. */
function checkSplit(items: PlanItem[], bytes: Buffer, jsonl: boolean): { ranges: Range[]; live: Range[] } {
  const last = items[items.length - 1]!;
  expect(last.kind).toBe('end');
  const ranges = items.filter((i): i is Range => i.kind === 'range');
  ranges.forEach((r, k) => {
    expect(r.shardIndex).toBe(k);
    expect(r.end).toBeGreaterThan(r.start);
    if (k > 0) expect(r.start).toBeGreaterThanOrEqual(ranges[k - 1]!.end);
  });
  const resets = items.filter((i) => i.kind === 'reset');
  const liveFrom = resets.length > 0 ? resets[resets.length - 1]!.shardIndex : 0;
  const live = ranges.filter((r) => r.shardIndex >= liveFrom);
  const records = live.flatMap((r) => {
    const text = bytes.subarray(r.start, r.end).toString('utf8');
    if (r.format === 'jsonl') return jsonLines(text);
    const elements = JSON.parse(`[${text}]`) as unknown[];
    expect(elements.length).toBeGreaterThan(0);
    return elements;
  });
  expect(records).toEqual(wholeRecords(bytes, jsonl));
  if (last.kind === 'end' && last.skeleton !== undefined) {
    // the bytes outside the ranges, with a placeholder per range, are a document of the same shape
    expect(last.skeleton).toEqual(ranges.map((r) => ({ start: r.start, end: r.end })));
    let text = '';
    let at = 0;
    ranges.forEach((r, k) => {
      text += bytes.subarray(at, r.start).toString('utf8') + `{"session_id":${k}}`;
      at = r.end;
    });
    text += bytes.subarray(at).toString('utf8');
    const placeholders = wholeRecords(Buffer.from(text), false) as { session_id: number }[];
    expect(placeholders.map((p) => p.session_id)).toEqual(live.map((r) => r.shardIndex));
  } else {
    // JSON Lines ranges cover the file
    expect(ranges[0]!.start).toBe(0);
    expect(ranges[ranges.length - 1]!.end).toBe(bytes.length);
    ranges.forEach((r, k) => k > 0 && expect(r.start).toBe(ranges[k - 1]!.end));
  }
  return { ranges, live };
}

async function plan(f: InputFile, shardBytes: number): Promise<PlanItem[]> {
  return collectPlan(await classifyInputs([f]), { shardBytes });
}

const sessions = Array.from({ length: 30 }, (_, i) => ({
  session_id: `s-${i}`,
  repo: i % 2 ? 'alpha' : null,
  messages: [{ role: 'user', content: NASTY[i % NASTY.length] }],
  errors: [{ message: `E ${NASTY[(i + 3) % NASTY.length]}` }],
  tool_calls: [{ tool: 'Bash', latency_ms: i * 100 }],
  duration_minutes: i,
}));

afterAll(removeTmpDirs);

describe(collectPlan.name, () => {
  const dir = tmpDir();

  it('cuts a JSON array between elements; the live ranges hold exactly its records', async () => {
    const bytes = Buffer.from(JSON.stringify(sessions, null, 2));
    const f = writeFile(dir, 'array.json', bytes);
    const items = await plan(f, 200);
    const { ranges } = checkSplit(items, bytes, false);
    expect(ranges.length).toBeGreaterThan(10);
    expect(ranges.every((r) => r.format === 'array')).toBe(true);
    // every cut sits on a comma between two elements
    for (const r of ranges.slice(1)) expect(bytes[r.start - 1]).toBe(0x2c);
  });

  it('finds "sessions" in a wrapper with other keys before and after', async () => {
    const bytes = Buffer.from(
      `{"meta": {"sessions": [{"session_id": "nested"}], "s": "\\"sessions\\": ["}, "sessions"  :  ${JSON.stringify(sessions)} , "after": [1, 2, {"sessions": []}]}`,
    );
    const f = writeFile(dir, 'wrapper.json', bytes);
    const items = await plan(f, 300);
    expect(items.some((i) => i.kind === 'reset')).toBe(false);
    expect(checkSplit(items, bytes, false).ranges.length).toBeGreaterThan(5);
  });

  it('keeps the last "sessions" array (escaped key included); earlier ones are ranges before a reset', async () => {
    const first = sessions.slice(0, 10).map((s) => ({ ...s, session_id: `dead-${s.session_id}` }));
    const bytes = Buffer.from(`{"sessions": ${JSON.stringify(first)}, "x": 1, "sess\\u0069ons": ${JSON.stringify(sessions.slice(10))}}`);
    const f = writeFile(dir, 'twice.json', bytes);
    const items = await plan(f, 150);
    const resets = items.filter((i) => i.kind === 'reset');
    expect(resets).toHaveLength(1);
    const { ranges, live } = checkSplit(items, bytes, false);
    expect(live.length).toBeLessThan(ranges.length);
  });

  it('a last "sessions" array that is empty leaves no live range', async () => {
    const bytes = Buffer.from(`{"sessions": ${JSON.stringify(sessions)}, "sessions": [ ]}`);
    const items = await plan(writeFile(dir, 'empty-last.json', bytes), 200);
    const { live } = checkSplit(items, bytes, false);
    expect(live).toEqual([]);
  });

  it('cuts .jsonl after newlines, without a skeleton', async () => {
    const bytes = Buffer.from(sessions.map((s) => JSON.stringify(s)).join('\n') + '\n\n');
    const items = await plan(writeFile(dir, 'l.jsonl', bytes), 250);
    const { ranges } = checkSplit(items, bytes, true);
    expect(ranges.length).toBeGreaterThan(5);
    for (const r of ranges.slice(1)) expect(bytes[r.start - 1]).toBe(0x0a);
  });

  it('detects JSON Lines by content (first object without "sessions") and cuts at newlines between values', async () => {
    const bytes = Buffer.from(sessions.map((s) => JSON.stringify(s)).join('\r\n'));
    const items = await plan(writeFile(dir, 'content.json', bytes), 250);
    const { ranges } = checkSplit(items, bytes, true);
    expect(ranges.length).toBeGreaterThan(5);
    expect(ranges.every((r) => r.format === 'jsonl')).toBe(true);
  });

  it.each([
    ['a small file', 'small.json', '[{"session_id": "x"}]', 'small'],
    ['gzip', 'g.json', gzipSync(JSON.stringify(sessions)), 'gzip'],
    ['a top-level scalar', 'scalar.json', `"${'x'.repeat(500)}"`, 'not an array or an object'],
    ['an empty element', 'hole.json', JSON.stringify(sessions).replace('},{', '},,{'), 'empty array element'],
    ['a bracket mismatch', 'mismatch.json', JSON.stringify(sessions).replace(/]$/, '}'), 'mismatched bracket'],
    ['a truncated array', 'truncated.json', JSON.stringify(sessions).slice(0, -30), 'end of input'],
    ['an object without "sessions"', 'nosessions.json', JSON.stringify({ meta: sessions }), 'without a "sessions" array'],
    ['extra data after a wrapper', 'extra.json', `${JSON.stringify({ sessions })}\n{"a": 1}`, 'extra data'],
    ['extra data after an array', 'extra2.json', `${JSON.stringify(sessions)} {}`, 'extra data'],
  ] as const)('reads %s whole', async (_what, name, content, reason) => {
    const items = await plan(writeFile(dir, name, content), 200);
    const whole = items.find((i): i is Extract<PlanItem, { kind: 'whole' }> => i.kind === 'whole');
    expect(whole?.reason).toContain(reason);
    expect(items[items.length - 1]!.kind).toBe('whole');
  });

  it('reads stdin and unreadable files whole', async () => {
    const stdin: Input = { path: '-', kind: 'stdin', transport: 'stdin', gzip: false, format: 'sessions', shape: 'auto' };
    const missing = await classifyInputs([{ path: `${dir}/missing.json` }]);
    const items = await collectPlan([stdin, ...missing], { shardBytes: 10 });
    expect(items).toEqual([
      { kind: 'whole', fileIndex: 0, reason: 'stdin' },
      { kind: 'whole', fileIndex: 1, reason: 'small' },
    ]);
  });

  it('splits only session archives (--from)', async () => {
    const f = writeFile(dir, 'from.json', JSON.stringify(sessions));
    expect((await collectPlan(await classifyInputs([f], 'codex'), { shardBytes: 100 }))[0]).toMatchObject({ kind: 'whole' });
    expect((await collectPlan(await classifyInputs([f], 'sessions'), { shardBytes: 100 }))[0]).toMatchObject({ kind: 'range' });
  });

  it('random archives and shard sizes: the live ranges hold exactly the file records', async () => {
    await fc.assert(
      fc.asyncProperty(archiveFileArb, fc.integer({ min: 1, max: 600 }), async (archive, shardBytes) => {
        const { name, bytes } = renderArchive(archive);
        const f = writeFile(dir, `prop-${name}`, bytes);
        const items = await plan(f, shardBytes);
        const last = items[items.length - 1]!;
        if (archive.shape === 'gzip' || bytes.length <= shardBytes) {
          expect(items).toHaveLength(1);
          expect(last.kind).toBe('whole');
          return;
        }
        expect(last.kind).toBe('end');
        checkSplit(items, bytes, archive.shape === 'jsonl' || archive.shape === 'jsonl-content');
      }),
      { numRuns: 150 },
    );
  });
});
