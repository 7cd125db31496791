/**
 * main(options, io): inputs -> sessions -> accumulators -> patterns -> proposals -> report.
 * Returns the exit code; only cli.ts calls process.exit.
 */
import { createReadStream } from 'node:fs';
import type { AnalysisResult } from './analyze.js';
import { analyzeFiles } from './engine.js';
import { AnalyzerError } from './errors.js';
import { emptyMalformed, formatMalformed, mergeMalformed, type MalformedSummary } from './input/malformed.js';
import { describeFsError, resolveInputs } from './input/sources.js';
import { MALFORMED_SHOWN, type ResolvedOptions } from './options.js';
import { checkWritable, writeOutput, writeToStream } from './output.js';
import { createProgress, NO_PROGRESS } from './progress.js';
import { buildReport, renderReport, type Report } from './report/index.js';
import { DEFAULT_PROFILE, findProfile, initState, mergeStates, rebaseState, type ProfileState } from './profiles/index.js';
import { readState, serializeStateChunks, type StateDocument } from './state-file.js';

/** The run's edges: where the report and the messages go, and the clock of the report's date. */
export interface Io {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WriteStream | NodeJS.WritableStream;
  now(): Date;
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
  const text = o.format === 'html' ? await renderHtmlReport(report, result.state.sessions, o, io.now()) : renderReport(report, o.format, io.now());
  if (o.output !== undefined) {
    await writeOutput(o.output, text);
    warn(io, o, `Wrote ${report.proposals.length} proposals to ${o.output}`);
  } else {
    await writeToStream(io.stdout, text + '\n');
  }
  return 0;
}

/** Loaded only for --format html: Plot and linkedom take most of a second to import. */
async function renderHtmlReport(report: Report, sessions: number, o: ResolvedOptions, now: Date): Promise<string> {
  const { renderSeedHtml, shellQuote } = await import('./report/html/index.js');
  return renderSeedHtml({ report, sessions }, { command: shellQuote(o.command ?? ['fleet-proposals']), inputs: o.input, generatedAt: now.toISOString() });
}

/** The default command: analyse inputs and write the report (or the state). */
export async function runAnalyze(o: ResolvedOptions, io: Io): Promise<number> {
  const target = o.emitState ?? o.output;
  if (target !== undefined) await checkWritable(target);
  const { files, skipped } = await resolveInputs(o.input);
  for (const s of skipped) warn(io, o, `Skipped ${s.path}: ${s.reason}`);

  const total = files.every((f) => f.size !== undefined) ? files.reduce((n, f) => n + (f.size ?? 0), 0) : undefined;
  const showProgress = !o.quiet && (o.progress || ('isTTY' in io.stderr && io.stderr.isTTY === true));
  const progress = showProgress ? createProgress(total, io.stderr as NodeJS.WriteStream) : NO_PROGRESS;
  let result: AnalysisResult;
  try {
    result = await analyzeFiles(files, o, progress);
  } finally {
    progress.stop();
  }
  reportMalformed(io, o, result.malformed);

  if (o.emitState !== undefined) {
    await writeOutput(o.emitState, serializeStateChunks(result));
    warn(io, o, `Wrote the state of ${result.state.sessions} sessions to ${o.emitState}`);
    return 0;
  }
  return emitReport(io, o, result);
}

/** `merge STATE...`: the report of the union of separately analysed parts, in argument order. */
export async function runMerge(statePaths: readonly string[], o: ResolvedOptions, io: Io): Promise<number> {
  if (o.output !== undefined) await checkWritable(o.output);
  let state: ProfileState | undefined;
  let malformed = emptyMalformed();
  for (let i = 0; i < statePaths.length; i++) {
    const p = statePaths[i]!;
    let doc: StateDocument;
    try {
      doc = await readState(createReadStream(p), p);
    } catch (err) {
      if (err instanceof AnalyzerError) throw err;
      throw new AnalyzerError('FP_INPUT', `Cannot read state file: ${describeFsError(err)}, in ${p}`, { file: p }, { cause: err });
    }
    const profile = findProfile(doc.state.profile)!;
    if (state !== undefined && doc.state.profile !== state.profile) {
      throw new AnalyzerError('FP_INPUT', `Invalid state file: profile '${doc.state.profile}' cannot merge with profile '${state.profile}' of ${statePaths[0]}, in ${p}`, { file: p });
    }
    const rebased = rebaseState(profile, doc.state, [i]);
    state = state === undefined ? rebased : mergeStates(profile, state, rebased);
    malformed = mergeMalformed(malformed, {
      count: doc.malformed.count,
      first: doc.malformed.first.map((r) => ({ ...r, at: [i, ...r.at] })),
    });
  }
  if (state === undefined) state = initState(DEFAULT_PROFILE);
  reportMalformed(io, o, malformed);
  if (o.emitState !== undefined) {
    await writeOutput(o.emitState, serializeStateChunks({ state, malformed }));
    warn(io, o, `Wrote the state of ${state.sessions} sessions to ${o.emitState}`);
    return 0;
  }
  return emitReport(io, { ...o, input: [...statePaths] }, { state, malformed }); // the HTML report lists the state files as its inputs
}
