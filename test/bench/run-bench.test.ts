/**
 * The bench loop's order of reads (bench/run/run-bench.ts): every timed run of every scenario is
 * preceded by one untimed read of its archive, and a warm-up run is not (no timing is asserted).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { parseRunArgs } from '../../bench/run/options.js';
import { runBench } from '../../bench/run/run-bench.js';

const events: string[] = [];
vi.mock('../../bench/run/warm-read.js', () => ({
  warmRead: (path: string): number => {
    events.push(`read ${path}`);
    return 0;
  },
}));
vi.mock('../../bench/run/measure.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../bench/run/measure.js')>();
  return {
    ...real,
    measure: (...args: Parameters<typeof real.measure>) => {
      const { kind, args: argv } = args[0];
      events.push(`run ${argv.includes('--workers') ? `w=${argv[argv.indexOf('--workers') + 1]}` : kind}`);
      return real.measure(...args);
    },
  };
});

const tmp = mkdtempSync(join(os.tmpdir(), 'fp-run-bench-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe(runBench.name, () => {
  it('reads the archive once, untimed, before each timed run and not before a warm-up', async () => {
    const cli = join(tmp, 'fake-cli.mjs');
    writeFileSync(cli, 'process.stdout.write("[]\\n");\n');
    const opts = parseRunArgs(
      ['--sessions', '3', '--workers', '1,2', '--runs', '2', '--warmup', '1', '--quiet', '--rss', 'wrapper'].concat([
        '--cli',
        cli,
        '--cache-dir',
        join(tmp, 'cache'),
      ]),
    );
    const results = await runBench(opts);
    const archive = results[0]?.archive.path ?? '?';
    expect(results.map((r) => [r.workers, r.runs, r.ok])).toEqual([
      [1, 2, true],
      [2, 2, true],
    ]);
    const read = `read ${archive}`;
    expect(events).toEqual(['run w=1', 'run w=2', read, 'run w=1', read, 'run w=2', read, 'run w=1', read, 'run w=2']);
  });
});
