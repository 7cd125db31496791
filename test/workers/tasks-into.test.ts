/**
 * A byte range run on the calling thread with a state to add to (`TaskHooks.into`): its
 * records go into that very state, ranges one after another add up to the whole file,
 * and a "sessions" array that starts inside such a range is refused rather than undoing
 * the ranges before it.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { initState } from '../../src/accumulators/index.js';
import { analyzeBatches, analyzeSequential } from '../../src/analyze.js';
import { classifyInputs } from '../../src/input/sources.js';
import { serializeState } from '../../src/state-file.js';
import { emptyMalformed } from '../../src/malformed.js';
import type { AnalyzerState } from '../../src/accumulators/index.js';
import { planShards } from '../../src/workers/plan-shards.js';
import { runTask, type LocalTask } from '../../src/workers/_tasks.js';
import { removeTmpDirs, tmpDir, writeFile } from './_archive.js';

afterAll(removeTmpDirs);

const asFile = (state: AnalyzerState): string => serializeState({ state, malformed: emptyMalformed() });

const sessions = Array.from({ length: 60 }, (_, i) => ({
  session_id: `s${i}`,
  repo: `r${i % 3}`,
  errors: [{ message: `Error ${i % 7} at line ${i}` }],
  tool_calls: [{ tool: `T${i % 4}`, latency_ms: 1000 + i }],
  duration_minutes: i,
}));

describe('a range task given a state to add to', () => {
  it("adds each range's records to that state, and the ranges together make the file's state", async () => {
    const file = writeFile(tmpDir(), 'a.json', JSON.stringify({ sessions }, null, 1));
    const [input] = await classifyInputs([file]);
    const ranges = [];
    for await (const item of planShards([input!], { shardBytes: 1500 })) if (item.kind === 'range') ranges.push(item);
    expect(ranges.length).toBeGreaterThan(2);
    const into = initState();
    let records = 0;
    for (const r of ranges) {
      const task: LocalTask = {
        id: r.shardIndex + 1,
        kind: 'array-range',
        file: file.path,
        parser: 'fast',
        strict: false,
        profile: 'seed',
        start: r.start,
        end: r.end,
        prefix: [0, r.shardIndex],
      };
      const reply = await runTask(task, { progress: () => {}, into });
      if (reply.type !== 'done') throw new Error(`range ${r.shardIndex}: ${reply.type}`);
      // the reply holds the state itself, and counts this range's records alone
      expect(reply.shard.state).toBe(into);
      expect(reply.shard.records).toBeLessThan(sessions.length);
      records += reply.shard.records;
    }
    expect(records).toBe(sessions.length);
    const whole = await analyzeSequential([input!], { parser: 'fast', strict: false, profile: 'seed' });
    expect(into.sessions).toBe(sessions.length);
    expect(asFile(into)).toBe(asFile(whole.state));
  });

  it('refuses a "sessions" array that starts inside it (FP_INTERNAL): what was added before cannot be undone', async () => {
    const into = initState();
    const batches = (async function* () {
      yield [{ kind: 'reset' as const }];
    })();
    await expect(analyzeBatches(batches, [0, 0], { strict: false, profile: 'seed', into })).rejects.toMatchObject({ code: 'FP_INTERNAL' });
    // without a state to add to, a reset starts the shard's state afresh, as before
    const fresh = await analyzeBatches(
      (async function* () {
        yield [{ kind: 'reset' as const }];
      })(),
      [0, 0],
      { strict: false, profile: 'seed' },
    );
    expect(fresh.state.sessions).toBe(0);
  });
});
