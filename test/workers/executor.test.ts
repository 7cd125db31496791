/**
 * The executor on real worker threads running a stand-in worker (written to a
 * temporary file): it replies after `size` ms with its thread id in `newlines`,
 * posts progress first, and crashes on the file name "crash".
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { initState } from '../../src/accumulators/index.js';
import { AnalyzerError } from '../../src/errors.js';
import { Cancelled, Executor, type ExecutorOptions, type TaskInput } from '../../src/workers/_executor.js';
import type { FinalReply } from '../../src/workers/_protocol.js';
import type { TaskHooks } from '../../src/workers/_tasks.js';
import { removeTmpDirs, tmpDir } from './_archive.js';

const script = path.join(tmpDir(), 'stand-in-worker.mjs');
writeFileSync(
  script,
  `import { parentPort, threadId } from 'node:worker_threads';
parentPort.on('message', (t) => {
  if ('type' in t) return;
  if (t.file === 'crash') throw new Error('stand-in crash');
  parentPort.postMessage({ id: t.id, type: 'progress', bytes: 10, sessions: 1 });
  const shard = 'into' in t ? t.file + ' with into' : t.file;
  setTimeout(() => parentPort.postMessage({ id: t.id, type: 'done', shard, newlines: threadId }), t.input.size);
});
`,
);
afterAll(removeTmpDirs);

const task = (name: string, ms = 5): TaskInput => ({
  kind: 'whole',
  file: name,
  parser: 'fast',
  strict: false,
  profile: 'seed',
  fileIndex: 0,
  input: { path: name, size: ms, kind: 'json', transport: 'file', gzip: false, format: 'sessions', shape: 'auto' },
});

function executor(over: Partial<ExecutorOptions> = {}) {
  const progress = { bytes: 0, sessions: 0 };
  const ex = new Executor({
    max: 2,
    script: pathToFileURL(script),
    onProgress: (b, s) => {
      progress.bytes += b;
      progress.sessions += s;
    },
    canStart: () => true,
    ...over,
  });
  return { ex, progress };
}

const nameOf = (r: FinalReply) => (r.type === 'done' ? (r.shard as unknown as string) : r.type);
const threadOf = (r: FinalReply) => (r.type === 'done' ? r.newlines : -1);

describe(Executor.name, () => {
  it('runs every task on at most `max` workers, each reply to its task, progress passed on', async () => {
    const { ex, progress } = executor({ max: 2 });
    try {
      const replies = await Promise.all(Array.from({ length: 8 }, (_, i) => ex.run(task(`t${i}`, 10), i)));
      expect(replies.map(nameOf)).toEqual(Array.from({ length: 8 }, (_, i) => `t${i}`));
      expect(new Set(replies.map(threadOf)).size).toBeLessThanOrEqual(2);
      expect(progress).toEqual({ bytes: 80, sessions: 8 });
    } finally {
      await ex.close();
    }
  });

  it('starts queued tasks in FIFO order, urgent ones first', async () => {
    const { ex } = executor({ max: 1 });
    const started: string[] = [];
    const track = (name: string, urgent = false) => ex.run(task(name), 0, urgent).then((r) => void started.push(nameOf(r)));
    try {
      await Promise.all([track('first'), track('a'), track('b'), track('urgent', true)]);
      expect(started).toEqual(['first', 'urgent', 'a', 'b']);
    } finally {
      await ex.close();
    }
  });

  it('holds the queue head while canStart says no, until pumped', async () => {
    let allowed = 0;
    const { ex } = executor({ canStart: (g) => g <= allowed });
    try {
      let doneLater = false;
      const now = ex.run(task('now'), 0);
      const later = ex.run(task('later'), 1).then(() => (doneLater = true));
      await now;
      await new Promise((r) => setTimeout(r, 30));
      expect(doneLater).toBe(false);
      allowed = 1;
      ex.pump();
      await later;
      expect(doneLater).toBe(true);
    } finally {
      await ex.close();
    }
  });

  it('cancels queued tasks of a group, and with `running` terminates the workers running one', async () => {
    const { ex } = executor({ max: 1 });
    try {
      const running = ex.run(task('running', 2000), 7);
      const queued = ex.run(task('queued'), 7);
      const other = ex.run(task('other'), 8);
      ex.cancel((g) => g === 7, false);
      await expect(queued).rejects.toBeInstanceOf(Cancelled);
      ex.cancel((g) => g === 7, true);
      await expect(running).rejects.toBeInstanceOf(Cancelled);
      expect(nameOf(await other)).toBe('other');
    } finally {
      await ex.close();
    }
  });

  it('a worker that dies fails its task with FP_INTERNAL; the next task gets a new worker', async () => {
    const { ex } = executor({ max: 1 });
    try {
      const crashed = ex.run(task('crash'), 0);
      const next = ex.run(task('next'), 0);
      await expect(crashed).rejects.toSatisfy((e) => e instanceof AnalyzerError && e.code === 'FP_INTERNAL' && /stand-in crash/.test(e.message));
      expect(nameOf(await next)).toBe('next');
    } finally {
      await ex.close();
    }
  });

  it('waitForRoom resolves once the queue is shorter than the limit; close cancels the rest', async () => {
    const { ex } = executor({ max: 1 });
    const tasks = Array.from({ length: 4 }, (_, i) => ex.run(task(`t${i}`, 20), 0).catch((e: unknown) => e));
    let roomy = false;
    const room = ex.waitForRoom(2).then(() => (roomy = true));
    expect(roomy).toBe(false);
    await room;
    expect(roomy).toBe(true);
    await ex.close();
    const outcomes = await Promise.all(tasks);
    expect(outcomes.some((o) => o instanceof Cancelled)).toBe(true);
    await expect(ex.run(task('after'), 0)).rejects.toBeInstanceOf(Cancelled);
  });

  describe('with the calling thread as one of the threads (inThread)', () => {
    /** A stand-in for runTask on this thread: replies after `size` ms with thread -1, stops when aborted. */
    function local(log: { ran: string[]; stopped: string[]; into?: unknown[] }) {
      return (t: TaskInput & { id: number }, hooks: TaskHooks): Promise<FinalReply> =>
        new Promise((resolve) => {
          if (t.kind === 'stream') throw new Error('a stream task on the calling thread');
          log.ran.push(t.file);
          log.into?.push(hooks.into);
          hooks.progress(10, 1);
          const ms = t.kind === 'whole' ? (t.input.size ?? 0) : 0;
          const timer = setTimeout(() => resolve({ id: t.id, type: 'done', shard: t.file as never, newlines: -1 }), ms);
          hooks.signal?.addEventListener('abort', () => {
            clearTimeout(timer);
            // the task notices at its next chunk: a little later
            setTimeout(() => {
              log.stopped.push(t.file);
              resolve({ id: t.id, type: 'error', error: { code: 'FP_INTERNAL', message: 'cancelled', context: {} } });
            }, 30);
          });
        });
    }

    it('runs tasks on this thread and on at most max - 1 workers, each reply to its task', async () => {
      const log = { ran: [] as string[], stopped: [] as string[] };
      const { ex, progress } = executor({ max: 2, inThread: local(log) });
      try {
        const replies = await Promise.all(Array.from({ length: 8 }, (_, i) => ex.run(task(`t${i}`, 10), i)));
        expect(replies.map(nameOf)).toEqual(Array.from({ length: 8 }, (_, i) => `t${i}`));
        const threads = new Set(replies.map(threadOf));
        expect(threads.has(-1)).toBe(true);
        expect(threads.size).toBe(2);
        expect(log.ran.length).toBeGreaterThan(0);
        expect(progress).toEqual({ bytes: 80, sessions: 8 });
      } finally {
        await ex.close();
      }
    });

    it("asks a task's offer for a state to add to (`into`) when the task runs on this thread, never for a worker", async () => {
      const log = { ran: [] as string[], stopped: [] as string[], into: [] as unknown[] };
      const { ex } = executor({ max: 2, inThread: local(log) });
      const into = initState();
      try {
        const replies = await Promise.all(
          Array.from({ length: 8 }, (_, i) => ex.run(task(`t${i}`, 10), i, false, undefined, i % 2 === 0 ? () => into : undefined)),
        );
        const onWorkers = replies.filter((r) => threadOf(r) !== -1);
        expect(onWorkers.length).toBeGreaterThan(0);
        // the worker replies with its task's file name, followed by ' with into' if the task it got held one
        expect(onWorkers.map(nameOf).every((n) => /^t\d$/.test(n))).toBe(true);
        expect(log.ran.length).toBeGreaterThan(0);
        expect(log.into).toContain(into);
        expect(log.into).toEqual(log.ran.map((f) => (Number(f.slice(1)) % 2 === 0 ? into : undefined)));
      } finally {
        await ex.close();
      }
    });

    it('never runs a stream task on this thread', async () => {
      const log = { ran: [] as string[], stopped: [] as string[] };
      const { ex } = executor({ max: 2, inThread: local(log) });
      try {
        // the stand-in worker answers a stream task like any other
        const stream = { ...task('s'), kind: 'stream', fileIndex: 0, shape: 'auto' } as TaskInput;
        const reply = await ex.run(stream, 0);
        expect(threadOf(reply)).not.toBe(-1);
        expect(log.ran).toEqual([]);
      } finally {
        await ex.close();
      }
    });

    it('cancelling its running task rejects it at once, and this thread takes no task before that one stopped', async () => {
      const log = { ran: [] as string[], stopped: [] as string[] };
      const { ex } = executor({ max: 2, inThread: local(log) });
      try {
        const running = ex.run(task('long', 5000), 7);
        await new Promise((r) => setTimeout(r, 20));
        expect(log.ran).toEqual(['long']);
        ex.cancel((g) => g === 7, true);
        await expect(running).rejects.toBeInstanceOf(Cancelled);
        expect(log.stopped).toEqual([]);
        const next = await ex.run(task('next', 1), 8);
        // the worker took it, or this thread once 'long' had stopped
        expect(threadOf(next) !== -1 || log.stopped.includes('long')).toBe(true);
      } finally {
        await ex.close();
      }
    });

    it('close waits until the task on this thread has stopped', async () => {
      const log = { ran: [] as string[], stopped: [] as string[] };
      const { ex } = executor({ max: 2, inThread: local(log) });
      const running = ex.run(task('long', 5000), 0).catch((e: unknown) => e);
      await new Promise((r) => setTimeout(r, 20));
      await ex.close();
      expect(log.stopped).toEqual(['long']);
      expect(await running).toBeInstanceOf(Cancelled);
    });

    it('max 1: no thread of its own, the one worker runs everything', async () => {
      const log = { ran: [] as string[], stopped: [] as string[] };
      const { ex } = executor({ max: 1, inThread: local(log) });
      try {
        const replies = await Promise.all([ex.run(task('a'), 0), ex.run(task('b'), 0)]);
        expect(replies.map(threadOf).every((t) => t > 0)).toBe(true);
        expect(log.ran).toEqual([]);
      } finally {
        await ex.close();
      }
    });
  });
});
