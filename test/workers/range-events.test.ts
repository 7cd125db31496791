import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { AnalyzerError } from '../../src/errors.js';
import { decoderFor, recordEvents } from '../../src/input/read-sessions.js';
import type { InputEvent } from '../../src/input/types.js';
import type { ParserKind } from '../../src/options.js';
import { rangeEvents } from '../../src/workers/_range-events.js';
import { readRangeReusing } from '../../src/workers/_read-range.js';
import { removeTmpDirs, tmpDir, writeFile } from './_archive.js';

afterAll(removeTmpDirs);

const PARSERS: readonly ParserKind[] = ['fast', 'stream-json'];

/** A file's elements, as an array with one element a line or as JSON Lines, and the byte ranges a plan could cut it into. */
function render(values: readonly unknown[], format: 'array' | 'jsonl', cutAfter: readonly boolean[]) {
  const parts = values.map((v) => JSON.stringify(v));
  const ranges: { start: number; end: number }[] = [];
  let text = format === 'array' ? '[\n' : '';
  // an array's first range starts right after its bracket
  let start = format === 'array' ? 1 : 0;
  parts.forEach((p, i) => {
    text += p;
    const last = i === parts.length - 1;
    if (format === 'array') {
      // a cut falls on a comma between two elements: the range ends before it, the next starts after it
      if (last || cutAfter[i]) ranges.push({ start, end: last ? text.length + 1 : text.length });
      text += last ? '\n]\n' : ',\n';
      if (cutAfter[i]) start = text.length - 1;
    } else {
      text += '\n';
      if (last || cutAfter[i]) {
        ranges.push({ start, end: text.length });
        start = text.length;
      }
    }
  });
  return { text, ranges };
}

/** A range's events one by one (rangeEvents gives them a chunk's worth at a time). */
async function* flat(batches: AsyncIterable<Iterable<InputEvent>>): AsyncGenerator<InputEvent> {
  for await (const batch of batches) yield* batch;
}

async function collect(events: AsyncIterable<InputEvent>): Promise<InputEvent[]> {
  const out: InputEvent[] = [];
  for await (const ev of events) out.push(ev);
  return out;
}

async function* bytesOf(text: string): AsyncGenerator<Buffer> {
  yield Buffer.from(text);
}

/** Record events of ranges, decoded one after another; `onChunk` sees every byte of each range. */
async function rangesEvents(
  file: string,
  text: string,
  parser: ParserKind,
  format: 'array' | 'jsonl',
  ranges: readonly { start: number; end: number }[],
) {
  const out: InputEvent[] = [];
  for (const r of ranges) {
    let seen = 0;
    const events = flat(
      rangeEvents(readRangeReusing(file, r.start, r.end, 7), {
        file,
        parser,
        format,
        start: r.start,
        seedSessions: false,
        onChunk: (c) => (seen += c.length),
      }),
    );
    out.push(...(await collect(events)));
    expect(seen).toBe(Buffer.byteLength(text.slice(r.start, r.end)));
  }
  return out;
}

const valueArb = fc.record({ session_id: fc.string({ maxLength: 8 }), repo: fc.string({ maxLength: 30 }), duration_minutes: fc.integer() });

describe(rangeEvents.name, () => {
  it.each(PARSERS.flatMap((p) => (['array', 'jsonl'] as const).map((f) => [p, f] as const)))(
    "%s, %s: the records of the ranges are the whole file's, at the file's byte offsets",
    async (parser, format) => {
      const dir = tmpDir();
      await fc.assert(
        fc.asyncProperty(fc.array(valueArb, { minLength: 1, maxLength: 10 }), fc.array(fc.boolean(), { maxLength: 10 }), async (values, cutAfter) => {
          const { text, ranges } = render(values, format, cutAfter);
          const file = writeFile(dir, format === 'array' ? 'a.json' : 'a.jsonl', text).path;
          const whole = await collect(recordEvents(decoderFor(parser)(bytesOf(text), { file, shape: format === 'array' ? 'auto' : 'jsonl' }), file));
          const split = await rangesEvents(file, text, parser, format, ranges);
          // stream-json's offsets are where its reading stood (chunk by chunk), the fast decoder's exact
          const view = (evs: InputEvent[]) =>
            evs.map((e) => (e.kind === 'record' ? { value: e.value, offset: parser === 'fast' ? e.context.offset : 0 } : e));
          expect(view(split)).toEqual(view(whole));
        }),
        { numRuns: 40 },
      );
    },
  );

  it('fast: an invalid byte in a range is reported at its offset in the file', async () => {
    const parser = 'fast';
    const text = '[\n{"repo":"a"},\n{"repo":"b"},\n{"repo": x}\n]\n';
    const file = writeFile(tmpDir(), 'bad.json', text).path;
    const start = text.indexOf('{"repo":"b"}');
    const failure = async (events: AsyncIterable<InputEvent>) => {
      try {
        await collect(events);
      } catch (err) {
        return err as AnalyzerError;
      }
      throw new Error('no error');
    };
    const whole = await failure(recordEvents(decoderFor(parser)(bytesOf(text), { file, shape: 'auto' }), file));
    const range = await failure(
      flat(
        rangeEvents(readRangeReusing(file, start, text.lastIndexOf('\n]')), {
          file,
          parser,
          format: 'array',
          start,
          seedSessions: false,
          onChunk: () => {},
        }),
      ),
    );
    expect(range.context.offset).toBe(whole.context.offset);
    expect(range.context.offset).toBeGreaterThan(start);
  });
});
