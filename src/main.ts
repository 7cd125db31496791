/**
 * main(options, io): inputs -> sessions -> accumulators -> patterns -> proposals -> report.
 * Returns the exit code; only cli.ts calls process.exit.
 */
import { promises as fsp } from 'node:fs';
import { mergeStates, rebaseState, initState } from './accumulators/index.js';
import { analyzeSequential, type AnalysisResult } from './analyze.js';
import { AnalyzerError } from './errors.js';
import { emptyMalformed, formatMalformed, mergeMalformed, type MalformedSummary } from './input/malformed.js';
import { describeFsError, resolveInputs } from './input/sources.js';
import { MALFORMED_SHOWN, type ResolvedOptions } from './options.js';
import { checkWritable, writeFileAtomic } from './output.js';
import { createProgress, NO_PROGRESS, type Progress } from './progress.js';
import { buildReport, renderReport } from './report/index.js';
import { parseState, serializeState } from './state-file.js';
import { analyzeWithCache, formatCacheSummary } from './cache/index.js';

export interface Io {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WriteStream | NodeJS.WritableStream;
  now(): Date;
  /** analysis backend for more than one worker (set by cli.ts; tests may replace it) */
  analyzeParallel?: (files: Parameters<typeof analyzeSequential>[0], opts: ResolvedOptions, progress: Progress) => Promise<AnalysisResult>;
}

export const NO_SESSIONS_MESSAGE = 'No sessions found in input file.';

function warn(io: Io, opts: { quiet: boolean }, line: string): void {
  if (!opts.quiet) io.stderr.write(line + '\n');
}

function reportMalformed(io: Io, opts: { quiet: boolean }, m: MalformedSummary): void {
  if (m.count === 0 || opts.quiet) return;
  for (const r of m.first) io.stderr.write(formatMalformed(r) + '\n');
  const more = m.count > m.first.length ? ` (first ${MALFORMED_SHOWN} shown)` : '';
  io.stderr.write(`Skipped ${m.count} malformed session record${m.count === 1 ? '' : 's'}${more}; use --strict to stop at the first.\n`);
}

async function emitReport(io: Io, o: ResolvedOptions, result: AnalysisResult): Promise<number> {
  if (result.state.sessions === 0) {
    io.stderr.write(NO_SESSIONS_MESSAGE + '\n');
    return 1;
  }
  const report = buildReport(result.state, o);
  const text = renderReport(report, o.format, io.now());
  if (o.output !== undefined) {
    await writeFileAtomic(o.output, text);
    io.stderr.write(`Wrote ${report.proposals.length} proposals to ${o.output}\n`);
  } else {
    io.stdout.write(text + '\n');
  }
  return 0;
}

/** The default command: analyse inputs and write the report (or the state). */
export async function runAnalyze(o: ResolvedOptions, io: Io): Promise<number> {
  const target = o.emitState ?? o.output;
  if (target !== undefined) await checkWritable(target);
  const { files, skipped } = await resolveInputs(o.input);
  for (const s of skipped) warn(io, o, `Skipped ${s.path}: ${s.reason}`);

  const total = files.every((f) => f.size !== undefined) ? files.reduce((n, f) => n + (f.size ?? 0), 0) : undefined;
  const showProgress = !o.quiet && (o.progress || ('isTTY' in io.stderr && io.stderr.isTTY === true));
  const progress = showProgress && o.redis === undefined ? createProgress(total, io.stderr as NodeJS.WriteStream) : NO_PROGRESS;
  let result: AnalysisResult;
  let cacheLine: string | undefined;
  const analyzeFiles = (fs: Parameters<typeof analyzeSequential>[0]) =>
    o.workers > 1 && io.analyzeParallel !== undefined
      ? io.analyzeParallel(fs, o, progress)
      : analyzeSequential(fs, {
          parser: o.parser,
          from: o.from,
          strict: o.strict,
          onBytes: (n) => progress.bytes(n),
          onSession: () => progress.sessions(1),
        });
  try {
    if (o.redis !== undefined) {
      // loaded only here: importing BullMQ costs ~0.5 s of CPU (measured), too much for every run
      const { analyzeDistributed, createProgressLine } = await import('./distributed/index.js');
      const line = showProgress ? createProgressLine(io.stderr, 'isTTY' in io.stderr && io.stderr.isTTY === true) : undefined;
      result = await analyzeDistributed(files, { redis: o.redis, shardBytes: o.shardSize, parser: o.parser, strict: o.strict, from: o.from, progress: line, warn: (l) => warn(io, o, l) });
    } else if (o.cache !== undefined) {
      const profile = (o as { profile?: string }).profile ?? 'seed';
      const cached = await analyzeWithCache(
        files,
        { dir: o.cache, profile, from: o.from, parser: o.parser, strict: o.strict },
        { analyzeFiles, warn: (line) => warn(io, o, line), onBytes: (n) => progress.bytes(n) },
      );
      result = cached.result;
      cacheLine = formatCacheSummary(cached.summary);
    } else result = await analyzeFiles(files);
  } finally {
    progress.stop();
  }
  if (cacheLine !== undefined) warn(io, o, cacheLine);
  reportMalformed(io, o, result.malformed);

  if (o.emitState !== undefined) {
    await writeFileAtomic(o.emitState, serializeState(result));
    warn(io, o, `Wrote the state of ${result.state.sessions} sessions to ${o.emitState}`);
    return 0;
  }
  return emitReport(io, o, result);
}

/** `merge STATE...`: the report of the union of separately analysed parts, in argument order. */
export async function runMerge(statePaths: readonly string[], o: ResolvedOptions, io: Io): Promise<number> {
  if (o.output !== undefined) await checkWritable(o.output);
  let state = initState();
  let malformed = emptyMalformed();
  for (let i = 0; i < statePaths.length; i++) {
    const p = statePaths[i]!;
    let text: string;
    try {
      text = await fsp.readFile(p, 'utf8');
    } catch (err) {
      throw new AnalyzerError('FP_INPUT', `Cannot read state file: ${describeFsError(err)}, in ${p}`, { file: p }, { cause: err });
    }
    const doc = parseState(text, p);
    state = mergeStates(state, rebaseState(doc.state, [i]));
    malformed = mergeMalformed(malformed, {
      count: doc.malformed.count,
      first: doc.malformed.first.map((r) => ({ ...r, at: [i, ...r.at] })),
    });
  }
  reportMalformed(io, o, malformed);
  if (o.emitState !== undefined) {
    await writeFileAtomic(o.emitState, serializeState({ state, malformed }));
    warn(io, o, `Wrote the state of ${state.sessions} sessions to ${o.emitState}`);
    return 0;
  }
  return emitReport(io, o, { state, malformed });
}
