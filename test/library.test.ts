/**
 * The library as a user gets it: `npm pack` (without scripts: `npm test` has just
 * built dist/), unpacked into a consumer project's node_modules, imported by name
 * through the package's exports map, type-checked with the package's own .d.ts, and run on worker threads.
 * The consumer borrows this checkout's node_modules for the package's dependencies.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXED_NOW, runCli } from './helpers.js';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '..');
const SAMPLE = path.join(ROOT, 'fixtures/sample/sessions.json');
let dir = '';
let consumer = '';

const CONSUMER_TS = `import { analyzeInputs, renderReport, AnalyzerError, type AnalyzeInputsOptions, type InputsReport } from 'fleet-proposals';

const options: AnalyzeInputsOptions = { workers: 2, threshold: 0.5 };
const [input, missing] = process.argv.slice(2) as [string, string];
const report: InputsReport = await analyzeInputs([input], options);
const sessions: number = report.sessions;
let error = '';
try {
  await analyzeInputs([missing], { workers: 1 });
} catch (err) {
  if (err instanceof AnalyzerError) error = err.code + ' ' + err.exitCode;
}
process.stdout.write(JSON.stringify({ sessions, error, markdown: renderReport(report, 'markdown', new Date(${JSON.stringify(FIXED_NOW.toISOString())})) }));
`;

beforeAll(async () => {
  if (!existsSync(path.join(ROOT, 'dist/index.js'))) throw new Error('dist/ is missing: run npm run build (npm test does)');
  dir = mkdtempSync(path.join(os.tmpdir(), 'fp-library-'));
  const { stdout } = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: ROOT });
  const tarball = path.join(dir, (JSON.parse(stdout) as [{ filename: string }])[0].filename);
  consumer = path.join(dir, 'consumer');
  const modules = path.join(consumer, 'node_modules');
  mkdirSync(modules, { recursive: true });
  await run('tar', ['-xzf', tarball, '-C', modules]);
  renameSync(path.join(modules, 'package'), path.join(modules, 'fleet-proposals'));
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(modules, 'fleet-proposals/node_modules'), 'dir');
  writeFileSync(path.join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  writeFileSync(path.join(consumer, 'index.ts'), CONSUMER_TS);
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the library as packed by npm', () => {
  it('ships dist/ only, with the worker entry', () => {
    const pkg = path.join(consumer, 'node_modules/fleet-proposals');
    expect(existsSync(path.join(pkg, 'dist/index.d.ts'))).toBe(true);
    expect(existsSync(path.join(pkg, 'dist/workers/shard-worker.js'))).toBe(true);
    expect(existsSync(path.join(pkg, 'src'))).toBe(false);
    expect(existsSync(path.join(pkg, 'test'))).toBe(false);
  });

  it('type-checks a consumer and runs it: analyzeInputs on worker threads gives the CLI report', async () => {
    // one compile: a type error fails it; else index.js is the consumer's source without its types
    const tsc = path.join(ROOT, 'node_modules/typescript/bin/tsc');
    const flags = ['--strict', '--skipLibCheck', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--types', 'node'];
    await run(process.execPath, [tsc, ...flags, '--typeRoots', path.join(ROOT, 'node_modules/@types'), 'index.ts'], { cwd: consumer }).catch(
      (err: { stdout?: string }) => {
        throw new Error(`the consumer does not type-check:\n${err.stdout ?? String(err)}`);
      },
    );
    const { stdout } = await run(process.execPath, ['index.js', SAMPLE, path.join(consumer, 'missing.json')], { cwd: consumer });
    const got = JSON.parse(stdout) as { sessions: number; error: string; markdown: string };
    const cli = await runCli(['--input', SAMPLE, '--threshold', '0.5', '--workers', '1']);
    expect(got.markdown + '\n').toBe(cli.stdout);
    expect(got.sessions).toBe((JSON.parse(readFileSync(SAMPLE, 'utf8')) as unknown[]).length);
    expect(got.error).toBe('FP_INPUT 3');
  }, 120_000);
});
