/** The runner's command line: its flags parsed and checked into RunOptions (exit 2 on a bad one). */
import os from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { type ArchiveProfile, type ArchiveShape, PROFILES as ARCHIVE_PROFILES, SHAPES } from '../generate/archive-kinds.js';
import { parseSize } from '../generate/sizes.js';
import type { RssMethod } from './measure.js';
import { PROJECT_ROOT } from './paths.js';

export interface RunOptions {
  /** generate.ts --profile of the archives */
  archiveProfiles: ArchiveProfile[];
  /** our CLI's --profile values (empty: the flag is not passed, the CLI's default) */
  profiles: string[];
  sizes: number[];
  sessions?: number;
  shapes: ArchiveShape[];
  gzip: boolean;
  files: number;
  seed: number;
  workers: number[];
  decoders: string[];
  runs: number;
  warmup: number;
  vsReference: boolean;
  referenceOnly: boolean;
  vsDuckdb: boolean;
  reference: string;
  python: string;
  cli: string;
  node: string;
  nodeArgs: string[];
  cliArgs: string[];
  build: boolean;
  timeout?: number;
  rss: 'auto' | RssMethod;
  cacheDir: string;
  keep: boolean;
  clean: boolean;
  json: boolean;
  quiet: boolean;
  help: boolean;
}

const list = (v: string | string[] | undefined, dflt: string): string[] =>
  (Array.isArray(v) ? v : [v ?? dflt])
    .flatMap((x) => x.split(','))
    .map((x) => x.trim())
    .filter(Boolean);

function intOpt(name: string, v: string, min: number): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer ≥ ${min}: '${v}'`);
  return n;
}

export function parseRunArgs(argv: string[]): RunOptions {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      size: { type: 'string', multiple: true },
      sessions: { type: 'string' },
      'archive-profile': { type: 'string', multiple: true },
      profile: { type: 'string', multiple: true },
      shape: { type: 'string', multiple: true },
      gzip: { type: 'boolean', default: false },
      files: { type: 'string', default: '8' },
      seed: { type: 'string', default: '1' },
      workers: { type: 'string', multiple: true },
      decoder: { type: 'string', multiple: true },
      parser: { type: 'string', multiple: true },
      runs: { type: 'string', default: '3' },
      warmup: { type: 'string', default: '1' },
      'vs-reference': { type: 'boolean', default: false },
      'reference-only': { type: 'boolean', default: false },
      'vs-duckdb': { type: 'boolean', default: false },
      reference: { type: 'string', default: '../shared/reference/improvement_proposals.py' },
      python: { type: 'string', default: 'python3' },
      cli: { type: 'string', default: 'dist/cli.js' },
      node: { type: 'string', default: process.execPath },
      'node-arg': { type: 'string', multiple: true },
      'cli-arg': { type: 'string', multiple: true },
      build: { type: 'boolean', default: false },
      timeout: { type: 'string' },
      rss: { type: 'string', default: 'auto' },
      'cache-dir': { type: 'string', default: join(os.tmpdir(), 'fleet-proposals-bench') },
      keep: { type: 'boolean', default: false },
      clean: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const shapes = list(values.shape, 'array') as ArchiveShape[];
  for (const s of shapes) if (!SHAPES.includes(s)) throw new Error(`--shape must be among ${SHAPES.join(', ')}: '${s}'`);
  const archiveProfiles = list(values['archive-profile'], 'transcript') as ArchiveProfile[];
  for (const p of archiveProfiles)
    if (!ARCHIVE_PROFILES.includes(p)) throw new Error(`--archive-profile must be among ${ARCHIVE_PROFILES.join(', ')}: '${p}'`);
  const rss = values.rss;
  if (rss !== 'auto' && rss !== 'time' && rss !== 'wrapper') throw new Error(`--rss must be auto, time or wrapper: '${rss}'`);
  const decoders = [...list(values.decoder, ''), ...list(values.parser, '')];
  const opts: RunOptions = {
    archiveProfiles,
    profiles: list(values.profile, ''),
    sizes: list(values.size, '100MB').map(parseSize),
    shapes,
    gzip: values.gzip,
    files: intOpt('files', values.files, 1),
    seed: intOpt('seed', values.seed, 0),
    workers: list(values.workers, '1').map((w) => intOpt('workers', w, 1)),
    decoders: decoders.length > 0 ? decoders : ['fast'],
    runs: intOpt('runs', values.runs, 1),
    warmup: intOpt('warmup', values.warmup, 0),
    vsReference: values['vs-reference'] || values['reference-only'],
    referenceOnly: values['reference-only'],
    vsDuckdb: values['vs-duckdb'],
    reference: resolve(PROJECT_ROOT, values.reference),
    python: values.python,
    cli: resolve(PROJECT_ROOT, values.cli),
    node: values.node,
    nodeArgs: values['node-arg'] ?? [],
    cliArgs: values['cli-arg'] ?? [],
    build: values.build,
    rss,
    cacheDir: resolve(values['cache-dir']),
    keep: values.keep,
    clean: values.clean,
    json: values.json,
    quiet: values.quiet,
    help: values.help,
  };
  if (values.sessions !== undefined) opts.sessions = intOpt('sessions', values.sessions, 1);
  if (values.timeout !== undefined) {
    const t = Number(values.timeout);
    if (!(t > 0)) throw new Error(`--timeout must be a positive number of seconds: '${values.timeout}'`);
    opts.timeout = t;
  }
  return opts;
}
