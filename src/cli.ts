#!/usr/bin/env node
/**
 * yargs wiring only: commands `analyze` (default, the reference's flags) and
 * `merge`; every error becomes one line on stderr and a documented exit code.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { createRequire } from 'node:module';
import type { default as YargsFactory, InferredOptionTypes, Options } from 'yargs';
import { AnalyzerError, EXIT_CODES } from './errors.js';
import { AGENT_FORMAT_NAMES } from './input/adapters/formats.js';
import type { Io } from './main.js';
import { checkFleetHourlyRate, DEFAULT_OPTIONS, type ResolvedOptions } from './options.js';
import { PROFILE_REGISTRY } from './profiles/registry.js';
import { parsePyFloat } from './python/py-float.js';
import { SCALE_OPTIONS, scaleOptions, WORKER_OPTIONS, workerConcurrency } from './distributed/cli-options.js';
import { endBySignal, listenToSignals, signalsToWorker } from './signals.js';

/**
 * yargs' CommonJS build: its ESM build lays out --help with cliui's ESM shim, which cuts lines every
 * N characters, mid-word; the CommonJS build wraps at spaces (wrap-ansi). Same yargs otherwise.
 */
const yargs = createRequire(import.meta.url)('yargs/yargs') as typeof YargsFactory;

/**
 * Every flag is defined once, here: yargs reads these definitions, and the prefix expansion
 * (`LONG_OPTIONS`) and `resolve` derive from them, so a new flag cannot be forgotten in one place.
 */
const REPORT_OPTIONS = {
  output: { type: 'string', requiresArg: true, describe: 'Output file path (default: stdout); written to a temporary file and renamed' },
  format: { choices: ['markdown', 'json', 'html'] as const, default: 'markdown', describe: 'Output format' },
  'hourly-rate': {
    type: 'string',
    requiresArg: true,
    defaultDescription: '50.0',
    describe: 'Developer hourly rate: unused by the seed profile (as in the reference); the fleet profile prices hours lost with it',
  },
  threshold: { type: 'string', requiresArg: true, defaultDescription: '2.0', describe: 'Min monthly hours to include proposal' },
  quiet: { type: 'boolean', describe: 'No progress, no warnings on stderr' },
  'emit-state': { type: 'string', requiresArg: true, describe: 'Write the mergeable analysis state to FILE instead of a report' },
  prices: { type: 'string', requiresArg: true, describe: "The fleet profile's token price table (JSON) instead of the shipped one" },
} as const satisfies Record<string, Options>;

const ANALYZE_OPTIONS = {
  input: {
    type: 'string',
    array: true,
    requiresArg: true,
    describe: "Session archive(s): files, folders or '-' for stdin (default: stdin when piped)",
  },
  ...REPORT_OPTIONS,
  strict: { type: 'boolean', describe: 'Stop at the first record that is not a session (exit 3)' },
  progress: { type: 'boolean', describe: 'Show progress on stderr even when it is not a terminal' },
  workers: {
    type: 'string',
    requiresArg: true,
    describe:
      'Most threads, this one and N-1 workers (default: available cores; at most twice that; one per 128 MB of input, long-message files at most half the cores: see README, Workers)',
  },
  parser: { choices: ['fast', 'stream-json'] as const, default: 'fast', describe: 'JSON decoder' },
  'default-input': { type: 'string', hidden: true, describe: 'The input when no --input is given (npm start: the bundled sample)' },
  ...SCALE_OPTIONS,
  profile: {
    choices: PROFILE_REGISTRY.map((p) => p.name),
    default: 'seed',
    describe: `Analysis profile: ${PROFILE_REGISTRY.map((p) => `${p.name} (${p.description})`).join(' or ')}`,
  },
  from: {
    choices: ['auto', 'sessions', ...AGENT_FORMAT_NAMES],
    default: 'auto',
    describe: "Input format: detected per file (auto), the reference's session archives (sessions), or an agent's own logs",
  },
} as const satisfies Record<string, Options>;

/** The long options a prefix may stand for: every visible flag of either command. */
export const LONG_OPTIONS: readonly string[] = [
  ...Object.entries(ANALYZE_OPTIONS)
    .filter(([, o]) => !('hidden' in o && o.hidden))
    .map(([name]) => name),
  'help',
  'version',
];

/**
 * argparse accepts unambiguous prefixes of long options (`--thr 5`); so do we. A prefix of
 * several options is a usage error naming them, as argparse says it.
 */
export function expandAbbreviations(argv: readonly string[]): string[] {
  const out: string[] = [];
  let rest = false;
  for (const a of argv) {
    if (rest || !a.startsWith('--') || a === '--') {
      if (a === '--') rest = true;
      out.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = a.slice(2, eq < 0 ? undefined : eq);
    if (LONG_OPTIONS.includes(name)) {
      out.push(a);
      continue;
    }
    const matches = name.length > 0 ? LONG_OPTIONS.filter((o) => o.startsWith(name)) : [];
    if (matches.length > 1) {
      throw new AnalyzerError('FP_USAGE', `ambiguous option: --${name} could match ${matches.map((m) => `--${m}`).join(', ')}`);
    }
    out.push(matches.length === 1 ? `--${matches[0]}${eq < 0 ? '' : a.slice(eq)}` : a);
  }
  return out;
}

/** A negative number after a flag that takes a value is that value (`--threshold -5`), as in argparse. */
function joinNegativeValues(argv: readonly string[]): string[] {
  const out: string[] = [];
  const merge = argv[0] === 'merge';
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const next = argv[i + 1];
    if (a === '-' && merge) {
      // a state read from stdin, in its place among the states (yargs drops a bare '-' positional)
      out.push('/dev/stdin');
      continue;
    }
    if (a === '-') {
      // stdin, as `--input -` or among several inputs
      if (out[out.length - 1] === '--input') out.pop();
      out.push('--input=-');
      continue;
    }
    if ((a === '--threshold' || a === '--hourly-rate') && next !== undefined && /^-\d|^-\.\d|^-inf|^-nan/i.test(next)) {
      out.push(`${a}=${next}`);
      i++;
    } else out.push(a);
  }
  return out;
}

/** argparse keeps the last of a repeated flag; yargs collects them (needed for variadic positionals). */
function last<T>(v: Repeated<T>): T | undefined {
  return Array.isArray(v) ? v[v.length - 1] : v;
}

/** A path flag's value: an empty one would name the working folder (`path.resolve('')`) or nothing. */
function pathOption<T extends string | undefined>(name: string, v: T): T {
  if (v === '') throw new AnalyzerError('FP_USAGE', `argument ${name}: expected a path, got an empty string`);
  return v;
}

function pyFloatOption(name: string, v: string): number {
  const n = parsePyFloat(v);
  if (n === undefined) throw new AnalyzerError('FP_USAGE', `argument --${name}: invalid float value: '${v}'`);
  return n;
}

/** This package's version, from its own package.json (one folder above src/ and dist/), never the
 * host project's: yargs' `.version()` looks next to the entry script or the working directory. */
function ownVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : 'unknown';
  } catch {
    return 'unknown'; // a damaged install; --version must still answer
  }
}

/**
 * Examples as a description line over the whole command: yargs' two-column examples give the
 * command at most half the width and cut it mid-word.
 */
const EXAMPLES = [
  'Examples:',
  ...[
    ['Markdown report on stdout', '$0 --input fixtures/sample/sessions.json'],
    ['A folder of archives, JSON to a file', '$0 --input exports/ --format json --output proposals.json'],
    ['Analyse one part of an archive, then report on the parts', '$0 --input part1.jsonl --emit-state part1.state.json'],
    ['', '$0 merge part1.state.json part2.state.json'],
  ].flatMap(([what, command]) => (what ? [`  ${what}:`, `    ${command}`] : [`    ${command}`])),
].join('\n');

type AnalyzeArgs = InferredOptionTypes<typeof ANALYZE_OPTIONS>;
/** What yargs hands over: with 'duplicate-arguments-array' a repeated flag arrives as a list. */
type Repeated<T> = T | T[] | undefined;
type Repeatable<T> = { [K in keyof T]?: K extends 'input' ? T[K] : Repeated<NonNullable<T[K]>> };

/**
 * `--workers N`: a decimal integer of at least 1 (said as typed: yargs' number type turns `abc` into
 * NaN). More threads than twice the cores only cost memory (each one holds a decoder and its
 * state: 1000 threads passed 4 GB), so N is capped there, with one warning.
 */
export function resolveWorkers(raw: string | undefined, warn: (line: string) => void): number {
  const cores = Math.max(1, os.availableParallelism());
  if (raw === undefined) return cores;
  const n = /^\s*\+?\d+\s*$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(n) || n < 1) throw new AnalyzerError('FP_USAGE', `argument --workers: must be a positive integer, got '${raw}'`);
  const max = cores * 2;
  if (n <= max) return n;
  warn(`--workers ${n} is more than twice the ${cores} available cores: using ${max}`);
  return max;
}

/**
 * `--profile`. The fleet profile's evidence names each record's line, which only the fast
 * decoder knows (stream-json reports where its parser was, not where a record starts).
 */
function profileOf(argv: { profile?: Repeated<string> }, parser: string): string {
  const profile = last(argv.profile) ?? DEFAULT_OPTIONS.profile;
  if (profile !== 'seed' && parser !== 'fast') {
    throw new AnalyzerError(
      'FP_USAGE',
      `argument --parser: the ${profile} profile needs record lines for its evidence, which only --parser fast gives`,
    );
  }
  return profile;
}

function resolve(argv: Repeatable<AnalyzeArgs>, warn: (line: string) => void): ResolvedOptions {
  const quiet = last(argv.quiet) === true;
  const workers = resolveWorkers(last(argv.workers), (line) => {
    if (!quiet) warn(line);
  });
  const hourlyRate = last(argv['hourly-rate']);
  const threshold = last(argv.threshold);
  const scale = scaleOptions(argv as Record<string, unknown>);
  pathOption('--cache', scale.cache);
  const profile = profileOf(argv as { profile?: Repeated<string> }, last(argv.parser) ?? DEFAULT_OPTIONS.parser);
  const rate = hourlyRate === undefined ? DEFAULT_OPTIONS.hourlyRate : pyFloatOption('hourly-rate', hourlyRate);
  if (profile === 'fleet') checkFleetHourlyRate(rate, hourlyRate ?? String(rate));
  return {
    input: (argv.input ?? []).map((p) => pathOption('--input', p)),
    output: pathOption('--output', last(argv.output)),
    format: last(argv.format) ?? DEFAULT_OPTIONS.format,
    hourlyRate: rate,
    threshold: threshold === undefined ? DEFAULT_OPTIONS.threshold : pyFloatOption('threshold', threshold),
    strict: last(argv.strict) === true,
    quiet,
    progress: last(argv.progress) === true,
    workers,
    parser: last(argv.parser) ?? DEFAULT_OPTIONS.parser,
    from: last(argv.from) ?? DEFAULT_OPTIONS.from,
    emitState: pathOption('--emit-state', last(argv['emit-state'])),
    profile,
    prices: pathOption('--prices', last(argv.prices)),
    ...scale,
  };
}

/** Set once a command has imported output.ts: the temporary files a signal must remove (none before). */
let output: typeof import('./output.js') | undefined;
/** Set with it: the private temporary folders (inflated agent logs) a signal must remove. */
let scratch: typeof import('./input/scratch.js') | undefined;

/** What a signal must remove before the process ends by it (signals.ts). */
function removeTempFiles(): void {
  output?.removeTempFilesSync();
  scratch?.removeScratchSync();
}

/**
 * The modules that run a command, imported by its handler: `--help`, `--version` and usage
 * errors load none of them (the analysis, the decoder, the profiles: most of start-up's CPU).
 */
async function runModules(): Promise<typeof import('./main.js')> {
  const [main, out, tmp] = await Promise.all([import('./main.js'), import('./output.js'), import('./input/scratch.js')]);
  output = out;
  scratch = tmp;
  return main;
}

export async function cli(rawArgv: readonly string[], io: Io): Promise<number> {
  let argv: string[];
  try {
    argv = joinNegativeValues(expandAbbreviations(rawArgv));
  } catch (err) {
    return handleError(err, io);
  }
  let exit: number | undefined;
  const warn = (line: string) => void io.stderr.write(line + '\n');
  const parser = yargs(argv)
    .scriptName('fleet-proposals')
    .parserConfiguration({ 'duplicate-arguments-array': true, 'strip-aliased': true })
    .command(
      ['$0', 'analyze'],
      'Analyse session archives and write improvement proposals',
      (y) => y.options(ANALYZE_OPTIONS).epilogue(EXAMPLES).conflicts('output', 'emit-state'),
      async (a) => {
        const o = { ...resolve(a, warn), command: ['fleet-proposals', ...rawArgv] };
        const fallback = last(a.defaultInput);
        if (o.input.length === 0 && fallback !== undefined) o.input = [fallback];
        if (o.input.length === 0) {
          if (process.stdin.isTTY)
            throw new AnalyzerError('FP_USAGE', 'the following arguments are required: --input (or pipe an archive into stdin)');
          o.input = ['-'];
        }
        const { runAnalyze } = await runModules();
        exit = await runAnalyze(o, io);
      },
    )
    .command(
      'merge <states..>',
      'Render the report of several state files (from --emit-state), as if their inputs were one archive in argument order',
      (y) =>
        y.positional('states', { type: 'string', array: true, describe: 'State files' }).options(REPORT_OPTIONS).conflicts('output', 'emit-state'),
      async (a) => {
        const o = { ...resolve(a, warn), command: ['fleet-proposals', ...rawArgv] };
        const { runMerge } = await runModules();
        exit = await runMerge(
          (a.states ?? []).map((p) => pathOption('STATE', p)),
          o,
          io,
        );
      },
    )
    .command(
      'worker',
      'Run shard jobs of distributed runs (--redis) until stopped with SIGINT or SIGTERM',
      (y) => y.options(WORKER_OPTIONS),
      async (a) => {
        const redis = last(a['redis'] as string | string[])!;
        const concurrency = workerConcurrency(a as Record<string, unknown>);
        // BullMQ: loaded only here; scratch: the temporary copies of the jobs' agent logs, for endBySignal
        const [{ runWorkerUntil }, tmp] = await Promise.all([import('./distributed/run-worker.js'), import('./input/scratch.js')]);
        scratch = tmp;
        const { signals, release } = signalsToWorker();
        try {
          await runWorkerUntil(redis, concurrency, io.stderr, signals);
        } finally {
          release();
        }
        // as every command a signal stops (130, 143); also ends reconnect timers of a Redis that is gone
        endBySignal(signals.first!, removeTempFiles);
      },
    )
    .strict()
    .help()
    .version(ownVersion())
    .wrap(Math.min(100, (io.stdout as { columns?: number }).columns ?? 100))
    .exitProcess(false)
    .fail((msg, err) => {
      if (err instanceof AnalyzerError) throw err;
      throw new AnalyzerError('FP_USAGE', (msg ?? err?.message ?? 'invalid arguments').replace(/:?\s*\n\s*/g, ': '));
    });
  let helpShown = false;
  parser.showHelpOnFail(false);
  try {
    await parser.parseAsync(argv, {}, (err, _argv, output) => {
      if (output && !err) {
        helpShown = true;
        io.stdout.write(output + '\n');
      }
    });
  } catch (err) {
    return handleError(err, io);
  }
  if (helpShown) return 0;
  return exit ?? 0;
}

export function handleError(err: unknown, io: Io): number {
  if (err instanceof AnalyzerError) {
    const prefix = err.code === 'FP_USAGE' ? 'fleet-proposals: error: ' : 'fleet-proposals: ';
    io.stderr.write(prefix + err.message + (err.code === 'FP_USAGE' ? ' (see --help)' : '') + '\n');
    return err.exitCode;
  }
  const e = err as Error;
  io.stderr.write(
    `fleet-proposals: internal error: ${e?.name ?? 'Error'}: ${e?.message ?? String(err)} — please report this at the project's issue tracker\n`,
  );
  if (process.env['FLEET_PROPOSALS_DEBUG']) io.stderr.write(String(e?.stack) + '\n');
  return EXIT_CODES.FP_INTERNAL;
}

const io: Io = { stdout: process.stdout, stderr: process.stderr, now: () => new Date() };

const isMain =
  process.argv[1] !== undefined &&
  import.meta.url === (await import('node:url')).pathToFileURL((await import('node:fs')).realpathSync(process.argv[1])).href;
if (isMain) {
  // a signal must not leave a temporary file behind (signals.ts: and the worker command's stop)
  listenToSignals(removeTempFiles);
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
  });
  const code = await cli(process.argv.slice(2), io).catch((err: unknown) => handleError(err, io));
  process.exitCode = code;
}
