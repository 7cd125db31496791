/**
 * The per-file state machine without threads: a fake host answers its tasks in
 * whatever order a test chooses.
 */
import { describe, expect, it } from 'vitest';
import { addSession, initState, mergeStates, type AnalyzerState } from '../../src/accumulators/index.js';
import { AnalyzerError, toWire } from '../../src/errors.js';
import { emptyMalformed, type MalformedSummary } from '../../src/malformed.js';
import type { Input } from '../../src/input/classify.js';
import { classifyInputs } from '../../src/input/sources.js';
import { fileResult } from '../../src/analyze.js';
import { NO_PROGRESS } from '../../src/progress.js';
import { serializeState } from '../../src/state-file.js';
import { Cancelled, type TaskInput } from '../../src/workers/_executor.js';
import type { FinalReply, WorkerTask } from '../../src/workers/_protocol.js';
import { FileJob, outcomeOf, type FileJobHost } from '../../src/workers/_file-job.js';
import type { Outcome } from '../../src/workers/_ordered-merge.js';
import { tmpDir, writeFile } from './_archive.js';

interface Sent {
  task: TaskInput;
  urgent: boolean;
  /** asked by a range task that starts on the calling thread: the state to add its records to */
  offer: (() => AnalyzerState | undefined) | undefined;
  reply(r: DistributiveOmit<FinalReply, 'id'>): Promise<void>;
  fail(err: unknown): Promise<void>;
}
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** A host that records what the job asks; tasks are answered by the test. */
function fakeHost(over: Partial<FileJobHost> = {}) {
  const sent: Sent[] = [];
  const outcomes: Outcome[] = [];
  const fallbacks: string[] = [];
  let cancelled = 0;
  const host: FileJobHost = {
    opts: { workers: 2, parser: 'fast', from: 'auto', strict: false, profile: 'seed' },
    progress: NO_PROGRESS,
    lone: false,
    run(task, urgent, _hooks, offer) {
      return new Promise<FinalReply>((resolve, reject) => {
        const settleSoon = () => new Promise<void>((r) => setTimeout(r, 0));
        sent.push({
          task,
          urgent,
          offer,
          reply: (r) => (resolve({ ...r, id: sent.length } as FinalReply), settleSoon()),
          fail: (err) => (reject(err), settleSoon()),
        });
      });
    },
    cancelQueued: () => void cancelled++,
    isOldestUnmerged: () => true,
    settled: (o) => void outcomes.push(o),
    onFallback: (why) => void fallbacks.push(why),
    ...over,
  };
  return { host, sent, outcomes, fallbacks, cancels: () => cancelled };
}

const FILE: Input = { path: '/data/a.json', size: 1000, kind: 'json', transport: 'file', gzip: false, format: 'sessions', shape: 'auto' };

/** A state as a state file writes it (ordinals ranked, compact forms expanded). */
const asFile = (state: AnalyzerState): string => serializeState({ state, malformed: emptyMalformed() });

/** A state with `n` sessions whose first-seen ordinal is [0, shard, 0] (added to `s` when given). */
function stateOf(shard: number, n: number, tool = 'Bash', s = initState()): AnalyzerState {
  for (let i = 0; i < n; i++)
    addSession(s, { session_id: `s${shard}-${i}`, repo: 'r', errors: [`E${shard}`], tool_calls: [{ tool, latency_ms: 6000 }], duration_minutes: 1 }, [
      0,
      shard,
      i,
    ]);
  return s;
}
const none: MalformedSummary = { count: 0, first: [] };
const done = (state: AnalyzerState, newlines = 0, malformed = none) => ({
  type: 'done' as const,
  shard: { state, malformed, records: state.sessions, keyless: 0 },
  newlines,
});
/** the outcome of a file whose merged shards are `state` and `malformed` */
const result = (state: AnalyzerState, malformed = none) => fileResult(FILE.path, { state, malformed, records: state.sessions, keyless: 0 });
const range = (shardIndex: number, start: number, end: number) => ({
  kind: 'range' as const,
  fileIndex: 0,
  shardIndex,
  format: 'array' as const,
  start,
  end,
});

/** The plan's end for a file whose ranges cover `spans` (its skeleton). */
const planEnd = (...spans: readonly (readonly [number, number])[]) => ({
  kind: 'end' as const,
  fileIndex: 0,
  size: 1000,
  skeleton: spans.map(([start, end]) => ({ start, end })),
});

describe(outcomeOf.name, () => {
  it('maps a done reply to the result, an error reply to the AnalyzerError, anything else to a bug', () => {
    const state = stateOf(0, 1);
    expect(outcomeOf({ id: 1, ...done(state) }, FILE.path)).toEqual({ result: result(state) });
    const err = new AnalyzerError('FP_INPUT', 'Invalid JSON: x, at byte 3 in a.json', { file: 'a.json', offset: 3 });
    const o = outcomeOf({ id: 1, type: 'error', error: toWire(err) }, FILE.path);
    expect('error' in o && o.error).toEqual(err);
    const bug = outcomeOf({ id: 1, type: 'skeleton', liveFrom: 0, gapNewlines: [] }, FILE.path);
    expect('error' in bug && (bug.error as AnalyzerError).code).toBe('FP_INTERNAL');
  });
});

describe(FileJob.name, () => {
  it('a whole file is one task; its reply is the outcome', async () => {
    const h = fakeHost();
    const job = new FileJob(0, FILE, h.host);
    job.accept({ kind: 'whole', fileIndex: 0, reason: 'small' });
    expect(h.sent.map((s) => s.task.kind)).toEqual(['whole']);
    expect(h.sent[0]!.task).toMatchObject({ file: FILE.path, parser: 'fast', strict: false, fileIndex: 0, input: { path: FILE.path, size: 1000 } });
    expect(job.wantsPlan).toBe(false);
    const state = stateOf(0, 2);
    await h.sent[0]!.reply(done(state));
    expect(h.outcomes).toEqual([{ result: result(state) }]);
  });

  /** Three ranges of bytes [1, 998) and the plan's end, with their skeleton. */
  const threeRanges = (job: FileJob) => {
    job.accept(range(0, 1, 300));
    job.accept(range(1, 301, 600));
    job.accept(range(2, 601, 998));
    job.accept(planEnd([1, 300], [301, 600], [601, 998]));
  };

  it('waits for every range, in any order, and the skeleton, then merges the ranges', async () => {
    const h = fakeHost();
    const job = new FileJob(0, FILE, h.host);
    threeRanges(job);
    expect(h.sent.map((s) => s.task.kind)).toEqual(['array-range', 'array-range', 'array-range', 'skeleton']);
    expect(h.sent.map((s) => (s.task as WorkerTask & { prefix?: number[] }).prefix)).toEqual([[0, 0], [0, 1], [0, 2], undefined]);
    const states = [stateOf(0, 1, 'A'), stateOf(1, 2, 'B'), stateOf(2, 3, 'C')];
    // the job merges the range states in place (it owns them): what they merge to is taken first
    const expected = asFile(mergeStates(mergeStates(mergeStates(initState(), states[0]!), states[1]!), states[2]!));
    await h.sent[2]!.reply(done(states[2]!));
    await h.sent[0]!.reply(done(states[0]!));
    await h.sent[3]!.reply({ type: 'skeleton', liveFrom: 0, gapNewlines: [0, 0, 0, 0] });
    expect(h.outcomes).toEqual([]);
    await h.sent[1]!.reply(done(states[1]!));
    expect(h.outcomes).toHaveLength(1);
    expect(asFile((h.outcomes[0] as { result: { state: AnalyzerState } }).result.state)).toBe(expected);
  });

  /** range `k` of `n` sessions of `tool`, read on the calling thread into `into` (or a state of its own) */
  const local = (into: AnalyzerState | undefined, shard: number, n: number, tool: string) => {
    const state = stateOf(shard, n, tool, into ?? initState());
    return { type: 'done' as const, shard: { state, malformed: none, records: n, keyless: 0 }, newlines: 0 };
  };

  it("ranges read on the calling thread add their sessions to the file's state itself; a later range's state waits until they are in", async () => {
    const h = fakeHost();
    const job = new FileJob(0, FILE, h.host);
    threeRanges(job);
    expect(h.sent.map((t) => t.offer !== undefined)).toEqual([true, true, true, false]);
    // the same tool in every range: its first occurrence is range 0's, whatever finishes first
    const expected = asFile(mergeStates(mergeStates(stateOf(0, 1, 'A'), stateOf(1, 2, 'A')), stateOf(2, 3, 'A')));
    const into = h.sent[0]!.offer!();
    expect(into).toBeDefined();
    // range 1, on a worker, finishes while range 0 is being added: merged only once range 0 is in
    await h.sent[1]!.reply(done(stateOf(1, 2, 'A')));
    await h.sent[0]!.reply(local(into, 0, 1, 'A'));
    // range 2 starts on this thread next, into the same state
    expect(h.sent[2]!.offer!()).toBe(into);
    await h.sent[2]!.reply(local(into, 2, 3, 'A'));
    await h.sent[3]!.reply({ type: 'skeleton', liveFrom: 0, gapNewlines: [0, 0, 0, 0] });
    expect(h.outcomes).toHaveLength(1);
    const o = h.outcomes[0] as { result: { state: AnalyzerState } };
    expect(o.result.state).toBe(into);
    expect(o.result.state.sessions).toBe(6);
    expect(asFile(o.result.state)).toBe(expected);
  });

  it('a range that starts on the calling thread after a later range is in makes a state of its own', async () => {
    const h = fakeHost();
    const job = new FileJob(0, FILE, h.host);
    threeRanges(job);
    const expected = asFile(mergeStates(mergeStates(stateOf(0, 1, 'A'), stateOf(1, 2, 'A')), stateOf(2, 3, 'A')));
    await h.sent[1]!.reply(done(stateOf(1, 2, 'A')));
    expect(h.sent[0]!.offer!()).toBeUndefined();
    await h.sent[0]!.reply(local(undefined, 0, 1, 'A'));
    await h.sent[2]!.reply(done(stateOf(2, 3, 'A')));
    await h.sent[3]!.reply({ type: 'skeleton', liveFrom: 0, gapNewlines: [0, 0, 0, 0] });
    const o = h.outcomes[0] as { result: { state: AnalyzerState } };
    expect(asFile(o.result.state)).toBe(expected);
  });

  it('after a reset, a range still running on the calling thread adds to a state that no longer counts', async () => {
    const h = fakeHost();
    const job = new FileJob(0, FILE, h.host);
    job.accept(range(0, 10, 100));
    job.accept({ kind: 'reset', fileIndex: 0, shardIndex: 1 });
    job.accept(range(1, 200, 300));
    job.accept(planEnd([10, 100], [200, 300]));
    const before = h.sent[0]!.offer!();
    expect(before).toBeDefined();
    await h.sent[0]!.reply(local(before, 0, 5, 'Old'));
    const after = h.sent[1]!.offer!();
    expect(after).toBeDefined();
    expect(after).not.toBe(before);
    await h.sent[1]!.reply(local(after, 1, 2, 'New'));
    await h.sent[2]!.reply({ type: 'skeleton', liveFrom: 1, gapNewlines: [0, 0, 0] });
    const o = h.outcomes[0] as { result: { state: AnalyzerState } };
    expect(o.result.state.sessions).toBe(2);
    expect(asFile(o.result.state)).toBe(asFile(stateOf(1, 2, 'New')));
  });

  it('after a reset only the later ranges count, and malformed lines move from shard lines to file lines', async () => {
    const h = fakeHost();
    const job = new FileJob(0, FILE, h.host);
    job.accept(range(0, 10, 100));
    job.accept({ kind: 'reset', fileIndex: 0, shardIndex: 1 });
    job.accept(range(1, 200, 300));
    job.accept(range(2, 300, 400));
    job.accept(planEnd([10, 100], [200, 300], [300, 400]));
    const bad = (line: number): MalformedSummary => ({
      count: 1,
      first: [{ at: [0, 2, 0], reason: 'not an object', context: { file: FILE.path, line } }],
    });
    await h.sent[0]!.reply(done(stateOf(0, 5), 4, bad(1)));
    await h.sent[1]!.reply(done(stateOf(1, 1), 7));
    await h.sent[2]!.reply(done(stateOf(2, 1), 2, bad(3)));
    // newlines before range 2: gap 1 + range 0 (4) + gap 10 + range 1 (7) + gap 0 = 22
    await h.sent[3]!.reply({ type: 'skeleton', liveFrom: 1, gapNewlines: [1, 10, 0, 0] });
    const o = h.outcomes[0]!;
    expect('result' in o && o.result.state.sessions).toBe(2);
    expect('result' in o && o.result.malformed).toEqual({
      count: 1,
      first: [{ at: [0, 2, 0], reason: 'not an object', context: { file: FILE.path, line: 25 } }],
    });
  });

  type Host = ReturnType<typeof fakeHost>;
  it.each([
    [
      'a range fails',
      (h: Host) => h.sent[1]!.reply({ type: 'error', error: toWire(new AnalyzerError('FP_INPUT', 'Invalid JSON: x')) }),
      /^shard 1: Invalid JSON: x$/,
    ],
    [
      'the skeleton disagrees on the live ranges',
      async (h: Host) => {
        await h.sent[1]!.reply(done(stateOf(1, 1)));
        await h.sent[2]!.reply({ type: 'skeleton', liveFrom: 1, gapNewlines: [] });
      },
      /^skeleton: the live ranges start at 1, the plan says 0$/,
    ],
  ] as const)('%s: the file is read again whole (urgent), and that run decides', async (_what, trigger, why) => {
    const h = fakeHost();
    const job = new FileJob(0, FILE, h.host);
    job.accept(range(0, 1, 500));
    job.accept(range(1, 501, 998));
    job.accept(planEnd([1, 500], [501, 998]));
    await h.sent[0]!.reply(done(stateOf(0, 1)));
    expect(h.fallbacks).toEqual([]);
    await trigger(h);
    expect(h.fallbacks).toHaveLength(1);
    expect(h.fallbacks[0]).toMatch(why);
    expect(h.cancels()).toBe(1);
    const whole = h.sent.at(-1)!;
    expect(whole).toMatchObject({ urgent: true, task: { kind: 'whole' } });
    expect(job.wantsPlan).toBe(false);
    // late replies of the split are ignored; the whole run's error is the file's
    const err = new AnalyzerError('FP_INPUT', 'Invalid JSON: x, at byte 700 in /data/a.json', { file: FILE.path, offset: 700 });
    await whole.reply({ type: 'error', error: toWire(err) });
    expect(h.outcomes).toEqual([{ error: err }]);
  });

  it('a cancelled task says nothing; a crashed one is the file error (FP_INTERNAL)', async () => {
    const h = fakeHost();
    new FileJob(0, FILE, h.host).accept({ kind: 'whole', fileIndex: 0, reason: 'small' });
    await h.sent[0]!.fail(new Cancelled());
    expect(h.outcomes).toEqual([]);
    const h2 = fakeHost();
    new FileJob(0, FILE, h2.host).accept({ kind: 'whole', fileIndex: 0, reason: 'small' });
    await h2.sent[0]!.fail(new TypeError('boom'));
    expect(h2.outcomes).toHaveLength(1);
    expect((h2.outcomes[0] as { error: AnalyzerError }).error).toMatchObject({ code: 'FP_INTERNAL', message: 'TypeError: boom' });
  });

  it("the input's only file is read on this thread, once every file before it is merged", async () => {
    const f = writeFile(
      tmpDir(),
      'lone.json',
      JSON.stringify([
        { session_id: 'a', tool_calls: [] },
        { session_id: 'b', tool_calls: [] },
      ]),
    );
    let oldest = false;
    const h = fakeHost({ lone: true, isOldestUnmerged: () => oldest });
    const [input] = await classifyInputs([f]);
    const job = new FileJob(0, input!, h.host);
    job.accept({ kind: 'whole', fileIndex: 0, reason: 'small' });
    job.startInThread();
    await new Promise((r) => setTimeout(r, 20));
    expect(h.outcomes).toEqual([]);
    oldest = true;
    job.startInThread();
    for (let i = 0; i < 50 && h.outcomes.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(h.sent).toEqual([]);
    expect((h.outcomes[0] as { result: { state: AnalyzerState } }).result.state.sessions).toBe(2);
  });
});
