/**
 * The bench loop: for each archive, generate it or take it from the cache, run its scenarios
 * round-robin (warm-ups, then the timed runs, each timed run after an untimed read of the
 * archive), and turn their runs into results; --json writes each result as its archive ends.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { DUCKDB_SKIPPED, loadDuckdb } from '../duckdb.js';
import { ensureArchive } from './archives.js';
import { type RssMethod, measure } from './measure.js';
import type { RunOptions } from './options.js';
import { PROJECT_ROOT, TIME_BIN } from './paths.js';
import { type ScenarioResult, describeFailure, formatJsonLine, machineInfo } from './results.js';
import { scenarioResults } from './scenario-results.js';
import { type Scenario, archiveSpecs, scenariosOf } from './scenarios.js';
import { describeArchive, fmtRss } from './table.js';
import { warmRead } from './warm-read.js';

/** One run of one scenario; a timed run (`record`) first reads the archive untimed (warm-read.ts). */
async function runScenario(
  s: Scenario,
  label: string,
  record: boolean,
  ctx: { archive: string; workDir: string; method: RssMethod; timeout: number | undefined; log: (line: string) => void },
): Promise<void> {
  const { workDir, method, log } = ctx;
  if (s.failure || s.skipped) return;
  if (record) warmRead(ctx.archive);
  const m = await measure(s.cmd, s.outputFile, workDir, method, ctx.timeout);
  const name = s.impl !== 'fleet-proposals' ? s.impl : `ours ${s.profile ? `--profile ${s.profile} ` : ''}${s.parser} w=${s.workers}`;
  if (m.exitCode !== 0 || m.signal || m.timedOut) {
    s.failure = { exitCode: m.exitCode, signal: m.signal, timedOut: m.timedOut, stderrTail: m.stderrTail };
    log(
      `  ${name} ${label}: FAILED (${describeFailure(s.failure)}) after ${m.wallSeconds.toFixed(1)} s${m.stderrTail ? `\n    ${m.stderrTail.trim().split('\n').slice(-5).join('\n    ')}` : ''}`,
    );
    if (m.peakRssKb !== null) s.peakRssKb = Math.max(s.peakRssKb ?? 0, m.peakRssKb);
    return;
  }
  if (record) {
    s.times.push(m.wallSeconds);
    if (m.peakRssKb !== null) s.peakRssKb = Math.max(s.peakRssKb ?? 0, m.peakRssKb);
  }
  log(`  ${name} ${label}: ${m.wallSeconds.toFixed(2)} s, peak RSS ${fmtRss(m.peakRssKb)}`);
}

export async function runBench(opts: RunOptions): Promise<ScenarioResult[]> {
  const log = (s: string): void => {
    if (!opts.quiet) process.stderr.write(`${s}\n`);
  };
  const method: RssMethod = opts.rss === 'auto' ? (existsSync(TIME_BIN) ? 'time' : 'wrapper') : opts.rss;
  if (method === 'time' && !existsSync(TIME_BIN)) throw new Error(`${TIME_BIN} not found (use --rss wrapper)`);
  if (opts.build && !opts.referenceOnly) {
    log('building: npm run build');
    const r = spawnSync('npm', ['run', 'build'], { cwd: PROJECT_ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
    if (r.status !== 0) throw new Error('npm run build failed');
  }
  if (!opts.referenceOnly && !existsSync(opts.cli))
    throw new Error(`${opts.cli} not found: run \`npm run build\` (or pass --build / --cli PATH / --reference-only)`);
  if (opts.vsReference && !existsSync(opts.reference)) throw new Error(`reference script ${opts.reference} not found (--reference PATH)`);

  let vsDuckdb = opts.vsDuckdb;
  if (vsDuckdb && !(await loadDuckdb())) {
    process.stderr.write(`\n*** ${DUCKDB_SKIPPED} ***\n\n`); // loud even with --quiet
    vsDuckdb = false;
  }
  const machine = machineInfo(opts.vsReference ? opts.python : undefined);
  const date = new Date().toISOString();
  const workDir = join(opts.cacheDir, `run-${process.pid}`);
  mkdirSync(workDir, { recursive: true });
  const generated: string[] = [];
  const results: ScenarioResult[] = [];
  try {
    for (const spec of archiveSpecs(opts)) {
      const { info, generated: fresh } = await ensureArchive(spec, opts.cacheDir, log);
      if (fresh) generated.push(info.path, `${info.path}.meta.json`);
      const { scenarios, reference } = scenariosOf(info, opts, vsDuckdb, workDir);
      const ctx = { archive: info.path, workDir, method, timeout: opts.timeout, log };
      log(`${describeArchive(info)}: ${scenarios.length} scenario(s), ${opts.warmup} warm-up + ${opts.runs} run(s) each, round-robin`);
      for (let i = 0; i < opts.warmup; i++) for (const s of scenarios) await runScenario(s, `warm-up ${i + 1}/${opts.warmup}`, false, ctx);
      for (let i = 0; i < opts.runs; i++) for (const s of scenarios) await runScenario(s, `run ${i + 1}/${opts.runs}`, true, ctx);

      for (const result of scenarioResults(info, scenarios, reference, { method, machine, date })) {
        results.push(result);
        if (opts.json) process.stdout.write(formatJsonLine(result) + '\n');
      }
    }
  } finally {
    if (!opts.keep) {
      rmSync(workDir, { recursive: true, force: true });
      for (const p of generated) rmSync(p, { recursive: true, force: true });
    } else {
      log(`kept: archives in ${opts.cacheDir}, outputs in ${workDir}`);
    }
  }
  return results;
}
