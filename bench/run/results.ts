/**
 * What the bench reports: the archive, one scenario's result (with the reference's and DuckDB's
 * columns), the machine, and the JSON line (--json) that carries a result whole.
 */
import os from 'node:os';
import { spawnSync } from 'node:child_process';
import type { ArchiveProfile, ArchiveShape } from '../generate/archive-kinds.js';
import type { RssMethod } from './measure.js';

export interface ArchiveInfo {
  path: string;
  label: string;
  /** what the sessions look like (generate.ts --profile); absent: transcript */
  profile?: ArchiveProfile;
  shape: ArchiveShape;
  gzip: boolean;
  files: number;
  seed: number;
  /** bytes on disk */
  bytes: number;
  decodedBytes: number;
  sessions: number;
  /** tool calls in all sessions (absent for an archive cached before they were counted) */
  toolCalls?: number;
}

export interface RunFailure {
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  stderrTail: string;
}

export interface ScenarioResult {
  impl: 'fleet-proposals' | 'reference' | 'duckdb';
  archive: ArchiveInfo;
  workers: number | null;
  parser: string | null;
  /** our CLI's --profile when the bench passed one */
  profile?: string;
  runs: number;
  wallSeconds: number[];
  medianSeconds: number | null;
  mbPerSec: number | null;
  sessionsPerSec: number | null;
  /** tool calls / median wall (issue 13's dense goal: >= 3M calls/s); absent in older results */
  callsPerSec?: number | null;
  peakRssKb: number | null;
  rssMethod: RssMethod;
  ok: boolean;
  /** "exit 3", "killed (SIGKILL)", "timeout", "skipped: ..." */
  failure: string | null;
  outputSha256: string | null;
  reference?: {
    ok: boolean;
    failure: string | null;
    medianSeconds: number | null;
    peakRssKb: number | null;
    /** reference median / ours */
    speedup: number | null;
    /** ours / reference */
    rssRatio: number | null;
    outputsEqual: boolean | null;
    proposals: { ours: number; reference: number } | null;
    mismatches: string[];
  };
  /** --vs-duckdb row: its per-tool calls summed and checked against the archive's count */
  duckdb?: { ok: boolean; text: string };
  machine: MachineInfo;
  date: string;
}

export interface MachineInfo {
  cpu: string;
  cpus: number;
  memGb: number;
  platform: string;
  node: string;
  python?: string;
  /** 1-minute load average when the bench started (other work on the machine skews times) */
  load1?: number;
}

const JSON_LINE_TYPE = 'fleet-proposals-bench';
const JSON_LINE_VERSION = 1;

export function formatJsonLine(result: ScenarioResult): string {
  return JSON.stringify({ type: JSON_LINE_TYPE, version: JSON_LINE_VERSION, ...result });
}

/** Inverse of formatJsonLine; throws on a line that is not a bench result. */
export function parseJsonLine(line: string): ScenarioResult {
  const value: unknown = JSON.parse(line);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not a JSON object');
  const { type, version, ...rest } = value as Record<string, unknown>;
  if (type !== JSON_LINE_TYPE) throw new Error(`not a bench result line (type ${JSON.stringify(type)})`);
  if (version !== JSON_LINE_VERSION) throw new Error(`unsupported bench result version ${JSON.stringify(version)}`);
  for (const key of ['impl', 'archive', 'runs', 'wallSeconds', 'ok'] as const) {
    if (!(key in rest)) throw new Error(`bench result line without '${key}'`);
  }
  return rest as unknown as ScenarioResult;
}

export function machineInfo(python?: string): MachineInfo {
  const info: MachineInfo = {
    cpu: os.cpus()[0]?.model.trim() ?? 'unknown',
    cpus: os.cpus().length,
    memGb: Math.round(os.totalmem() / 1e8) / 10,
    platform: `${os.platform()} ${os.release()}`,
    node: process.version,
    load1: Math.round((os.loadavg()[0] ?? 0) * 100) / 100,
  };
  if (python) {
    const r = spawnSync(python, ['--version'], { encoding: 'utf8' });
    if (r.status === 0) info.python = (r.stdout || r.stderr).trim();
  }
  return info;
}

export function describeFailure(f: RunFailure): string {
  if (f.timedOut) return 'timeout';
  if (f.signal) return `killed by ${f.signal}`;
  return `exit ${f.exitCode ?? '?'}`;
}
