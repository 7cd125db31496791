/**
 * Start-up loads what the run uses. Each case runs the built CLI (dist/) in a child process with a
 * module customization hook (Node's `module.register`, a `load` hook) that writes the URL of every
 * ES module loaded, in any thread, to a file; CommonJS packages are seen by their entry (what an ES
 * module imports). A seed run of one JSON file must not load the fleet profile, the agent adapters,
 * the cache, the state files, the worker pool, stream-json or the progress bar; each of them must
 * load when its flag or input asks for it.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DIST = path.join(ROOT, 'dist') + path.sep;
const CLI = path.join(DIST, 'cli.js');
const SAMPLE = path.join(ROOT, 'fixtures/sample/sessions.json');
const dir = mkdtempSync(path.join(os.tmpdir(), 'fp-loading-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const HOOKS = path.join(dir, 'hooks.mjs');
writeFileSync(
  HOOKS,
  `import { appendFileSync } from 'node:fs';
export async function load(url, context, next) {
  if (url.startsWith('file:')) appendFileSync(process.env.FP_MODULE_LOG, url + '\\n');
  return next(url, context);
}
`,
);
const PRICES = path.join(dir, 'prices.json');
writeFileSync(PRICES, JSON.stringify({ models: { 'claude-sonnet-4': { input: 3, output: 15 } } }));
const REGISTER = path.join(dir, 'register.mjs');
writeFileSync(REGISTER, `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(HOOKS).href)});\n`);

let runs = 0;

/** The modules a `node ARGS` run loaded: files of dist/ relative to it, packages as `pkg:NAME`. */
function modulesOf(
  args: readonly string[],
  env: Record<string, string> = {},
): { modules: string[]; status: number | null; stdout: string; stderr: string } {
  const log = path.join(dir, `modules-${runs++}.log`);
  writeFileSync(log, '');
  const r = spawnSync(process.execPath, ['--import', pathToFileURL(REGISTER).href, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    // the engine's own thread rule (vitest.config.ts sets every test's minimum thread bytes to 0)
    env: { ...process.env, FLEET_PROPOSALS_MIN_THREAD_BYTES: '', ...env, FP_MODULE_LOG: log },
  });
  const modules = readFileSync(log, 'utf8')
    .split('\n')
    .filter((u) => u !== '')
    .map((u) => fileURLToPath(u))
    .map((f) => (f.startsWith(DIST) ? f.slice(DIST.length) : `pkg:${/node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(f)?.[1] ?? f}`));
  return { modules: [...new Set(modules)], status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** What a seed run of one plain JSON file has no use for. */
const UNUSED_BY_SEED = [
  /^fleet\//,
  /^input\/adapters\/(claude-code|codex|otlp|openhands|swe-agent|mini-swe-agent)\.js$/,
  /^cache\//,
  /^distributed\/(?!cli-options\.js)/,
  /^report\/html\//,
  /^state-file\.js$/,
  /^workers\/(pool|shard-worker)\.js$/,
  /^input\/stream-json-decoder\.js$/,
  /^pkg:(cli-progress|stream-json|bullmq|ioredis|linkedom|@observablehq\/plot)$/,
];
const unused = (modules: readonly string[]) => modules.filter((m) => UNUSED_BY_SEED.some((re) => re.test(m)));

describe('module loading', () => {
  it('a seed run of one JSON file loads neither the fleet profile, the adapters, the cache, the pool nor stream-json', () => {
    for (const workers of [['--workers', '1'], []]) {
      const r = modulesOf([CLI, '--input', SAMPLE, '--format', 'json', ...workers]);
      expect(r.status).toBe(0);
      expect(JSON.parse(r.stdout)).toEqual(JSON.parse(readFileSync(path.join(ROOT, 'fixtures/sample/sessions.expected.json'), 'utf8')));
      expect(r.modules).toContain('profiles/seed/index.js');
      expect(unused(r.modules)).toEqual([]);
    }
  });

  it('--version and --help load no profile and nothing of the analysis', () => {
    for (const flag of ['--version', '--help']) {
      const r = modulesOf([CLI, flag]);
      expect(r.status).toBe(0);
      expect(r.modules.filter((m) => /^(main|engine|analyze|output)\.js$|^profiles\/(seed|engine)|^input\/(sources|fast-decoder)/.test(m))).toEqual(
        [],
      );
    }
    expect(modulesOf([CLI, '--help']).stdout).toMatch(/fleet \(findings\s+with evidence, cost, per week\)/);
  });

  it('worker threads load the pool', () => {
    const r = modulesOf([CLI, '--input', SAMPLE, '--format', 'json', '--workers', '2'], { FLEET_PROPOSALS_MIN_THREAD_BYTES: '0' });
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(JSON.parse(readFileSync(path.join(ROOT, 'fixtures/sample/sessions.expected.json'), 'utf8')));
    // (the worker may be ended before it imports its script: this thread takes tasks too)
    expect(r.modules).toContain('workers/pool.js');
  });

  /** The modules of a run of one worker thread given one whole-file task of `profile` on the sample, and its reply. */
  function workerRun(profile: string) {
    const script = path.join(dir, `worker-${profile}.mjs`);
    const input = { path: SAMPLE, size: statSync(SAMPLE).size, kind: 'json', transport: 'file', gzip: false, format: 'sessions', shape: 'auto' };
    const task = { id: 1, kind: 'whole', file: SAMPLE, parser: 'fast', strict: false, profile, fileIndex: 0, input };
    writeFileSync(
      script,
      `import { Worker } from 'node:worker_threads';
const w = new Worker(${JSON.stringify(path.join(DIST, 'workers/shard-worker.js'))});
w.on('message', (m) => { if (m.type !== 'progress') { console.log(m.type); w.terminate(); } });
w.postMessage(${JSON.stringify(task)});
`,
    );
    return modulesOf([script]);
  }

  it('a worker thread imports neither the fleet profile, the adapters nor stream-json for a seed task, and the fleet profile for a fleet task', () => {
    const seed = workerRun('seed');
    expect(seed.stdout).toBe('done\n');
    expect(seed.modules).toContain('workers/shard-worker.js');
    const notForSeed =
      /^fleet\/|^input\/adapters\/(claude-code|codex|otlp|openhands|swe-agent|mini-swe-agent)\.js$|^input\/stream-json-decoder\.js$|^pkg:stream-json$/;
    expect(seed.modules.filter((m) => notForSeed.test(m))).toEqual([]);
    const fleet = workerRun('fleet');
    expect(fleet.stdout).toBe('done\n');
    expect(fleet.modules).toContain('fleet/profile.js');
  });

  // every lazily loaded part is loaded when asked for, and the run works (its output is tested elsewhere)
  it.each([
    ['--profile fleet', ['--input', SAMPLE, '--profile', 'fleet', '--format', 'json'], ['fleet/profile.js', 'fleet/report/json.js']],
    ['a Codex log', ['--input', 'fixtures/agents/codex/rollout-no-git-no-tools.jsonl'], ['input/adapters/codex.js']],
    ['--parser stream-json', ['--input', SAMPLE, '--parser', 'stream-json'], ['input/stream-json-decoder.js', 'pkg:stream-json']],
    ['--progress', ['--input', SAMPLE, '--progress'], ['pkg:cli-progress']],
    ['--format html', ['--input', SAMPLE, '--format', 'html'], ['report/html/index.js']],
    ['--prices', ['--input', SAMPLE, '--profile', 'fleet', '--prices', PRICES], ['fleet/pricing.js']],
  ] as const)('%s loads its modules', (_what, args, expected) => {
    const r = modulesOf([CLI, ...args, '--workers', '1']);
    expect(r.stderr.replace(/.*\r/g, '')).not.toMatch(/error/i);
    expect(r.status).toBe(0);
    expect(r.modules).toEqual(expect.arrayContaining([...expected]));
  });

  it('--emit-state, merge and --cache load the state files and the cache', () => {
    const state = path.join(dir, 'sample.state.json');
    const emit = modulesOf([CLI, '--input', SAMPLE, '--emit-state', state, '--workers', '1', '--quiet']);
    expect(emit.status).toBe(0);
    expect(emit.modules).toContain('state-file.js');
    const fleetState = path.join(dir, 'fleet.state.json');
    expect(modulesOf([CLI, '--input', SAMPLE, '--profile', 'fleet', '--emit-state', fleetState, '--workers', '1', '--quiet']).status).toBe(0);
    const merge = modulesOf([CLI, 'merge', fleetState, fleetState, '--format', 'json']);
    expect(merge.stderr).toBe('');
    expect(merge.status).toBe(0);
    expect(merge.modules).toEqual(expect.arrayContaining(['state-file.js', 'fleet/profile.js']));
    const cached = modulesOf([CLI, '--input', SAMPLE, '--cache', path.join(dir, 'cache'), '--workers', '1', '--quiet']);
    expect(cached.status).toBe(0);
    expect(cached.modules).toContain('cache/index.js');
  });
});
