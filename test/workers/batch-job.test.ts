/**
 * A batch of small files is one worker task, and each file still comes to its own
 * outcome, in input order: the merged state rides with the first file, every file
 * keeps its own malformed records and keyless note, and a failing file ends the batch.
 */
import { describe, expect, it } from 'vitest';
import { addSession, initState } from '../../src/accumulators/index.js';
import { AnalyzerError, toWire } from '../../src/errors.js';
import type { Input } from '../../src/input/classify.js';
import type { MalformedSummary } from '../../src/malformed.js';
import { BATCH_MAX_BYTES, BATCH_MAX_FILES, BatchBuilder, batchable, runBatch } from '../../src/workers/_batch-job.js';
import { Cancelled, type TaskInput } from '../../src/workers/_executor.js';
import type { FinalReply } from '../../src/workers/_protocol.js';
import type { Outcome } from '../../src/workers/_ordered-merge.js';

const input = (i: number, size = 400): Input => ({
  path: `/d/${i}.json`,
  size,
  kind: 'json',
  transport: 'file',
  gzip: false,
  format: 'sessions',
  shape: 'auto',
});
const opts = { workers: 2, parser: 'fast', from: 'auto', strict: false, profile: 'seed' } as const;

function host() {
  const settled: [number, Outcome][] = [];
  let sent: { task: TaskInput; group: number; resolve(r: FinalReply): void; reject(e: unknown): void } | undefined;
  return {
    settled,
    sent: () => sent!,
    host: {
      opts,
      run: (task: TaskInput, group: number) => new Promise<FinalReply>((resolve, reject) => (sent = { task, group, resolve, reject })),
      settled: (i: number, o: Outcome) => void settled.push([i, o]),
    },
  };
}
const tick = () => new Promise((r) => setTimeout(r, 0));
const none: MalformedSummary = { count: 0, first: [] };

describe(BatchBuilder.name, () => {
  it('closes a batch at BATCH_MAX_FILES files or BATCH_MAX_BYTES bytes', () => {
    const b = new BatchBuilder();
    for (let i = 0; i < BATCH_MAX_FILES - 1; i++) expect(b.add(i, input(i))).toBe(false);
    expect(b.add(99, input(99))).toBe(true);
    expect(b.take().map((f) => f.index)).toHaveLength(BATCH_MAX_FILES);
    expect(b.size).toBe(0);
    expect(b.add(0, input(0, BATCH_MAX_BYTES / 2))).toBe(false);
    expect(b.add(1, input(1, BATCH_MAX_BYTES / 2))).toBe(true);
  });

  it('takes small regular files only', () => {
    expect(batchable(input(0))).toBe(true);
    expect(batchable(input(0, 10 * 1024 * 1024))).toBe(false);
    expect(batchable({ ...input(0), transport: 'stdin', size: undefined })).toBe(false);
  });
});

describe(runBatch.name, () => {
  it('sends one task for the files and settles each in order, the state with the first', async () => {
    const h = host();
    runBatch(
      [5, 6, 7].map((i) => ({ index: i, input: input(i) })),
      h.host,
    );
    const { task, group } = h.sent();
    expect(group).toBe(5);
    expect(task).toMatchObject({ kind: 'batch', files: [{ fileIndex: 5 }, { fileIndex: 6 }, { fileIndex: 7 }] });
    const state = initState();
    addSession(state, { session_id: 'a', repo: 'r', errors: ['E'], tool_calls: [], duration_minutes: 1 }, [5, 0, 0]);
    const bad: MalformedSummary = { count: 1, first: [{ at: [6, 0, 0], reason: 'not an object', context: { file: '/d/6.json' } }] };
    h.sent().resolve({
      id: 1,
      type: 'batch',
      state,
      files: [
        { fileIndex: 5, malformed: none, records: 1, keyless: 0 },
        { fileIndex: 6, malformed: bad, records: 0, keyless: 0 },
        { fileIndex: 7, malformed: none, records: 2, keyless: 2 },
      ],
    });
    await tick();
    expect(h.settled.map(([i]) => i)).toEqual([5, 6, 7]);
    const results = h.settled.map(([, o]) => ('result' in o ? o.result : undefined)!);
    expect(results[0]!.state).toBe(state);
    expect(results[1]!.state).toEqual(initState());
    expect(results[1]!.malformed).toEqual(bad);
    expect(results[2]!.keyless).toEqual({ count: 1, first: [{ file: '/d/7.json', records: 2 }] });
  });

  it('settles the files before a failing one, then its error, and nothing after', async () => {
    const h = host();
    runBatch(
      [1, 2, 3].map((i) => ({ index: i, input: input(i) })),
      h.host,
    );
    const err = new AnalyzerError('FP_INPUT', 'Invalid JSON: x, at byte 3 in /d/2.json', { file: '/d/2.json', offset: 3 });
    h.sent().resolve({
      id: 1,
      type: 'batch',
      state: initState(),
      files: [{ fileIndex: 1, malformed: none, records: 0, keyless: 0 }],
      failed: { fileIndex: 2, error: toWire(err) },
    });
    await tick();
    expect(h.settled.map(([i]) => i)).toEqual([1, 2]);
    expect(h.settled[1]![1]).toEqual({ error: err });
  });

  it("a crash is the first file's error; a cancelled batch settles nothing", async () => {
    const h = host();
    runBatch(
      [1, 2].map((i) => ({ index: i, input: input(i) })),
      h.host,
    );
    h.sent().reject(new AnalyzerError('FP_INTERNAL', 'Worker thread failed: x'));
    await tick();
    expect(h.settled.map(([i, o]) => [i, 'error' in o && (o.error as AnalyzerError).code])).toEqual([[1, 'FP_INTERNAL']]);
    const c = host();
    runBatch(
      [1, 2].map((i) => ({ index: i, input: input(i) })),
      c.host,
    );
    c.sent().reject(new Cancelled());
    await tick();
    expect(c.settled).toEqual([]);
  });
});
