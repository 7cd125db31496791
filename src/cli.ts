#!/usr/bin/env node
/**
 * yargs wiring only: commands `analyze` (default, the reference's flags) and
 * `merge`; every error becomes one line on stderr and a documented exit code.
 */
import os from 'node:os';
import yargs from 'yargs';
import { AnalyzerError, EXIT_CODES } from './errors.js';
import { ADAPTERS } from './input/adapters/index.js';
import { runAnalyze, runMerge, type Io } from './main.js';
import { DEFAULT_OPTIONS, type Format, type ParserKind, type ResolvedOptions } from './options.js';
import { parsePyFloat } from './python/py-float.js';
import { analyzeParallel } from './workers/pool.js';
import { SCALE_OPTIONS, scaleOptions, WORKER_OPTIONS, workerConcurrency } from './distributed/cli-options.js';


const LONG_OPTIONS = [
  'input', 'output', 'format', 'hourly-rate', 'threshold', 'strict', 'quiet', 'progress', 'workers',
  'parser', 'from', 'emit-state', 'help', 'version', 'cache', 'redis', 'shard-size', 'concurrency',
];

/** argparse accepts unambiguous prefixes of long options (`--thr 5`); so do we. */
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
    const matches = LONG_OPTIONS.filter((o) => o.startsWith(name));
    out.push(matches.length === 1 && name.length > 0 ? `--${matches[0]}${eq < 0 ? '' : a.slice(eq)}` : a);
  }
  return out;
}

/** A negative number after a flag that takes a value is that value (`--threshold -5`), as in argparse. */
function joinNegativeValues(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const next = argv[i + 1];
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
function last<T>(v: T | T[]): T {
  return Array.isArray(v) ? (v[v.length - 1] as T) : v;
}

function pyFloatOption(name: string) {
  return (raw: unknown): number => {
    const v = last(raw);
    const n = parsePyFloat(String(v));
    if (n === undefined) throw new AnalyzerError('FP_USAGE', `argument --${name}: invalid float value: '${String(v)}'`);
    return n;
  };
}

function resolve(argv: Record<string, unknown>): ResolvedOptions {
  for (const k of Object.keys(argv)) if (k !== 'input' && k !== 'states' && k !== '_') argv[k] = last(argv[k]);
  const workers = argv['workers'] as number | undefined;
  if (workers !== undefined && (!Number.isInteger(workers) || workers < 1)) {
    throw new AnalyzerError('FP_USAGE', `argument --workers: must be a positive integer, got '${String(argv['workers'])}'`);
  }
  return {
    input: (argv['input'] as string[] | undefined) ?? [],
    output: argv['output'] as string | undefined,
    format: (argv['format'] as Format | undefined) ?? DEFAULT_OPTIONS.format,
    hourlyRate: argv['hourlyRate'] === undefined ? DEFAULT_OPTIONS.hourlyRate : pyFloatOption('hourly-rate')(argv['hourlyRate']),
    threshold: argv['threshold'] === undefined ? DEFAULT_OPTIONS.threshold : pyFloatOption('threshold')(argv['threshold']),
    strict: argv['strict'] === true,
    quiet: argv['quiet'] === true,
    progress: argv['progress'] === true,
    workers: workers ?? Math.max(1, os.availableParallelism()),
    parser: (argv['parser'] as ParserKind | undefined) ?? DEFAULT_OPTIONS.parser,
    from: (argv['from'] as string | undefined) ?? DEFAULT_OPTIONS.from,
    emitState: argv['emitState'] as string | undefined,
    ...scaleOptions(argv),
  };
}

export async function cli(rawArgv: readonly string[], io: Io): Promise<number> {
  const argv = joinNegativeValues(expandAbbreviations(rawArgv));
  let exit: number | undefined;
  const reportOptions = {
    output: { type: 'string', requiresArg: true, describe: 'Output file path (default: stdout); written to a temporary file and renamed' },
    format: { choices: ['markdown', 'json'] as const, default: 'markdown', describe: 'Output format' },
    'hourly-rate': { type: 'string', requiresArg: true, describe: 'Developer hourly rate for ROI calc (accepted, unused, as in the reference) [default: 50.0]' },
    threshold: { type: 'string', requiresArg: true, describe: 'Min monthly hours to include proposal [default: 2.0]' },
    quiet: { type: 'boolean', describe: 'No progress, no warnings on stderr' },
    'emit-state': { type: 'string', requiresArg: true, describe: 'Write the mergeable analysis state to FILE instead of a report' },
  } as const;
  const parser = yargs(argv)
    .scriptName('fleet-proposals')
    .parserConfiguration({ 'duplicate-arguments-array': true, 'strip-aliased': true })
    .command(
      ['$0', 'analyze'],
      'Analyse session archives and write improvement proposals',
      (y) =>
        y
          .options({
            input: { type: 'string', array: true, requiresArg: true, describe: "Session archive(s): files, folders or '-' for stdin (default: stdin when piped)" },
            ...reportOptions,
            strict: { type: 'boolean', describe: 'Stop at the first record that is not a session (exit 3)' },
            progress: { type: 'boolean', describe: 'Show progress on stderr even when it is not a terminal' },
            workers: { type: 'number', requiresArg: true, describe: 'Worker threads (default: available cores)' },
            parser: { choices: ['fast', 'stream-json'] as const, default: 'fast', describe: 'JSON decoder' },
            'default-input': { type: 'string', hidden: true, describe: 'The input when no --input is given (npm start: the bundled sample)' },
            ...SCALE_OPTIONS,
            from: {
              choices: ['auto', 'sessions', ...ADAPTERS.map((a) => a.name)],
              default: 'auto',
              describe: "Input format: detected per file (auto), the reference's session archives (sessions), or an agent's own logs",
            },
          })
          .example('$0 --input fixtures/sample/sessions.json', 'Markdown report on stdout')
          .example('$0 --input exports/ --format json --output proposals.json', 'A folder of archives, JSON to a file')
          .example('$0 --input part1.jsonl --emit-state part1.state.json', 'Analyse one part of an archive')
          .conflicts('output', 'emit-state'),
      async (a) => {
        const o = resolve(a as Record<string, unknown>);
        const fallback = last(a['defaultInput'] as string | string[] | undefined);
        if (o.input.length === 0 && fallback !== undefined) o.input = [fallback];
        if (o.input.length === 0) {
          if (process.stdin.isTTY) throw new AnalyzerError('FP_USAGE', 'the following arguments are required: --input (or pipe an archive into stdin)');
          o.input = ['-'];
        }
        exit = await runAnalyze(o, io);
      },
    )
    .command(
      'merge <states..>',
      'Render the report of several state files (from --emit-state), as if their inputs were one archive in argument order',
      (y) => y.positional('states', { type: 'string', array: true, describe: 'State files' }).options(reportOptions).conflicts('output', 'emit-state'),
      async (a) => {
        const o = resolve(a as Record<string, unknown>);
        exit = await runMerge((a['states'] as string[] | undefined) ?? [], o, io);
      },
    )
    .command(
      'worker',
      'Run shard jobs of distributed runs (--redis) until stopped with SIGINT or SIGTERM',
      (y) => y.options(WORKER_OPTIONS),
      async (a) => {
        const { runWorkerUntilSignal } = await import('./distributed/run-worker.js'); // BullMQ: loaded only here
        exit = await runWorkerUntilSignal(last(a['redis'] as string | string[]), workerConcurrency(a as Record<string, unknown>), io.stderr);
        // a worker whose Redis is gone keeps reconnect timers alive: end the process (it writes no report)
        process.exit(exit);
      },
    )
    .strict()
    .help()
    .version()
    .wrap(Math.min(100, process.stdout.columns ?? 100))
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
  io.stderr.write(`fleet-proposals: internal error: ${e?.name ?? 'Error'}: ${e?.message ?? String(err)} — please report this at the project's issue tracker\n`);
  if (process.env['FLEET_PROPOSALS_DEBUG']) io.stderr.write(String(e?.stack) + '\n');
  return EXIT_CODES.FP_INTERNAL;
}

const io: Io = { stdout: process.stdout, stderr: process.stderr, now: () => new Date(), analyzeParallel };

const isMain = process.argv[1] !== undefined && import.meta.url === (await import('node:url')).pathToFileURL((await import('node:fs')).realpathSync(process.argv[1])).href;
if (isMain) {
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
  });
  const code = await cli(process.argv.slice(2), io).catch((err: unknown) => handleError(err, io));
  process.exitCode = code;
}
