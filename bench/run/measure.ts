/**
 * One timed run of a child process (ours, the reference or DuckDB): wall time from spawn to exit,
 * peak RSS through /usr/bin/time -v or a preload that reports it at exit, and how it ended.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT, TIME_BIN } from './paths.js';
import { parseTimeV } from './time-v.js';

export type RssMethod = 'time' | 'wrapper';

interface Measured {
  wallSeconds: number;
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  peakRssKb: number | null;
  stderrTail: string;
}

const NODE_PRELOAD = `import { writeFileSync } from 'node:fs';
const file = process.env.FP_BENCH_RSS_FILE;
if (file) process.on('exit', () => { try { writeFileSync(file, String(process.resourceUsage().maxRSS)); } catch {} });
`;
const PYTHON_WRAPPER = `import atexit, os, resource, runpy, sys
def _rss():
    with open(os.environ["FP_BENCH_RSS_FILE"], "w") as f:
        f.write(str(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))
atexit.register(_rss)
sys.argv = sys.argv[1:]
runpy.run_path(sys.argv[0], run_name="__main__")
`;

export interface Command {
  kind: 'node' | 'python';
  exe: string;
  /** interpreter options (before the script) */
  pre: string[];
  script: string;
  args: string[];
}

export async function measure(
  cmd: Command,
  stdoutFile: string,
  workDir: string,
  method: RssMethod,
  timeoutSec: number | undefined,
): Promise<Measured> {
  const rssFile = join(workDir, `rss-${process.pid}.txt`);
  const timeFile = join(workDir, `time-${process.pid}.txt`);
  rmSync(rssFile, { force: true });
  rmSync(timeFile, { force: true });
  let exe: string;
  let argv: string[];
  const env = { ...process.env };
  if (method === 'time') {
    exe = TIME_BIN;
    argv = ['-v', '-o', timeFile, cmd.exe, ...cmd.pre, cmd.script, ...cmd.args];
  } else if (cmd.kind === 'node') {
    const preload = join(workDir, 'rss-preload.mjs');
    writeFileSync(preload, NODE_PRELOAD);
    exe = cmd.exe;
    argv = ['--import', preload, ...cmd.pre, cmd.script, ...cmd.args];
    env.FP_BENCH_RSS_FILE = rssFile;
  } else {
    exe = cmd.exe;
    argv = [...cmd.pre, '-c', PYTHON_WRAPPER, cmd.script, ...cmd.args];
    env.FP_BENCH_RSS_FILE = rssFile;
  }

  const out = openSync(stdoutFile, 'w');
  const t0 = performance.now();
  let stderrTail = '';
  let timedOut = false;
  const { code, signal } = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolvePromise, reject) => {
    const child = spawn(exe, argv, { cwd: PROJECT_ROOT, env, stdio: ['ignore', out, 'pipe'], detached: true });
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (d: string) => {
      stderrTail = (stderrTail + d).slice(-4000);
    });
    const timer =
      timeoutSec === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            if (child.pid !== undefined) {
              try {
                process.kill(-child.pid, 'SIGKILL'); // the group this run started
              } catch {
                /* already gone */
              }
            }
          }, timeoutSec * 1000);
    child.on('error', reject);
    child.on('close', (c, s) => {
      if (timer) clearTimeout(timer);
      resolvePromise({ code: c, signal: s });
    });
  }).finally(() => closeSync(out));
  const wallSeconds = (performance.now() - t0) / 1000;

  let exitCode = code;
  let sig: string | null = signal;
  let peakRssKb: number | null = null;
  if (method === 'time') {
    const stats = existsSync(timeFile) ? parseTimeV(readFileSync(timeFile, 'utf8')) : {};
    peakRssKb = stats.maxRssKb ?? null;
    if (stats.signal !== undefined) {
      sig = signalName(stats.signal);
      exitCode = null;
    } else if (stats.exitStatus !== undefined) exitCode = stats.exitStatus;
  } else if (existsSync(rssFile)) {
    const kb = Number(readFileSync(rssFile, 'utf8').trim());
    peakRssKb = Number.isFinite(kb) ? kb : null;
  }
  return { wallSeconds, exitCode, signal: sig, timedOut, peakRssKb, stderrTail };
}

function signalName(n: number): string {
  const entry = Object.entries(os.constants.signals).find(([, v]) => v === n);
  return entry ? entry[0] : `signal ${n}`;
}
