/**
 * main(options, io): inputs -> sessions -> accumulators -> patterns -> proposals -> report.
 * Returns the exit code; only cli.ts calls process.exit.
 *
 * What only some runs use is imported by the run that uses it: the fleet profile and its report
 * (`--profile fleet`, or a merge of fleet states), `--prices`, `--cache`, `--redis`, `--format html`,
 * state files (`--emit-state`, `merge`). A seed run of one file loads none of them.
 */
import { createReadStream } from 'node:fs';
import { finalizeState } from './accumulators/index.js';
import type { PriceTable } from './fleet/pricing.js';
import type { AnalysisResult } from './analyze.js';
import { analyzeFiles } from './engine.js';
import { AnalyzerError } from './errors.js';
import { emptyMalformed, formatMalformed, mergeMalformed, onlyIncompleteLastLines, type MalformedSummary } from './malformed.js';
import { describeFsError, resolveInputs, STDIN_NAME } from './input/sources.js';
import { checkFleetHourlyRate, MALFORMED_SHOWN, type ResolvedOptions } from './options.js';
import { checkNotAnInput, checkWritable, writeOutput, writeToStream } from './output.js';
import { createProgress, NO_PROGRESS } from './progress.js';
import { buildReport, renderReport } from './report/index.js';
import { DEFAULT_PROFILE, findProfile, initState, loadProfile, mergeStates, rebaseState, type ProfileState } from './profiles/index.js';
import type { StateDocument } from './state-file.js';

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
  if (onlyIncompleteLastLines(m)) return;
  const more = m.count > m.first.length ? ` (first ${MALFORMED_SHOWN} shown)` : '';
  io.stderr.write(`Skipped ${m.count} malformed session record${m.count === 1 ? '' : 's'}${more}; use --strict to stop at the first.\n`);
}

async function emitReport(io: Io, o: ResolvedOptions, result: Pick<AnalysisResult, 'state' | 'malformed'>, prices?: PriceTable): Promise<number> {
  if (result.state.sessions === 0) {
    io.stderr.write(NO_SESSIONS_MESSAGE + '\n');
    return 1;
  }
  const { text, count, what } =
    result.state.profile === 'fleet' ? await renderFleet(result, o, io.now(), prices) : await renderSeed(result, o, io.now());
  if (o.output !== undefined) {
    if (await writeOutput(o.output, text)) warn(io, o, `Wrote ${count} ${what} to ${o.output}`);
  } else {
    await writeToStream(io.stdout, text + '\n');
  }
  return 0;
}

interface Rendered {
  text: string;
  count: number;
  what: string;
}

function pageContext(o: ResolvedOptions, now: Date, shellQuote: (argv: readonly string[]) => string) {
  return { command: shellQuote(o.command ?? ['fleet-proposals']), inputs: o.input, generatedAt: now.toISOString() };
}

async function renderSeed(result: Pick<AnalysisResult, 'state'>, o: ResolvedOptions, now: Date): Promise<Rendered> {
  const report = buildReport(result.state, o);
  let text: string;
  if (o.format === 'html') {
    // loaded only for --format html: Plot and linkedom take most of a second to import
    const { renderSeedHtml, shellQuote } = await import('./report/html/index.js');
    text = renderSeedHtml({ report, sessions: result.state.sessions }, pageContext(o, now, shellQuote));
  } else text = renderReport(report, o.format, now);
  return { text, count: report.proposals.length, what: 'proposals' };
}

async function renderFleet(result: Pick<AnalysisResult, 'state'>, o: ResolvedOptions, now: Date, prices: PriceTable | undefined): Promise<Rendered> {
  const [{ fleetProfile }, { renderFleetJson }, { renderFleetMarkdown }] = await Promise.all([
    import('./fleet/profile.js'),
    import('./fleet/report/json.js'),
    import('./fleet/report/markdown.js'),
  ]);
  const report = fleetProfile.report(finalizeState(result.state), { hourlyRate: o.hourlyRate, ...(prices ? { prices } : {}) });
  let text: string;
  if (o.format === 'html') {
    const { renderFleetHtml, shellQuote } = await import('./report/html/index.js');
    text = renderFleetHtml(report, pageContext(o, now, shellQuote));
  } else text = o.format === 'json' ? renderFleetJson(report) : renderFleetMarkdown(report);
  return { text, count: report.findings.length, what: 'findings' };
}

/** A price table larger than this is not one (LiteLLM's whole model list is ~1.5 MB). */
const MAX_PRICES_BYTES = 64 * 1024 * 1024;

/**
 * `--prices FILE`, read and checked before any input is (a bad table is a usage error, exit 2).
 * At most MAX_PRICES_BYTES: `--prices /dev/zero` filled 512 MB before V8 refused the string.
 */
async function loadPrices(o: ResolvedOptions): Promise<PriceTable | undefined> {
  if (o.prices === undefined) return undefined;
  let bytes: Buffer;
  try {
    const chunks: Buffer[] = [];
    let n = 0;
    for await (const chunk of createReadStream(o.prices, { highWaterMark: 1024 * 1024 }) as AsyncIterable<Buffer>) {
      n += chunk.length;
      if (n > MAX_PRICES_BYTES) throw new AnalyzerError('FP_USAGE', `Invalid price table: larger than 64 MiB, in ${o.prices}`, { file: o.prices });
      chunks.push(chunk);
    }
    bytes = Buffer.concat(chunks);
  } catch (err) {
    if (err instanceof AnalyzerError) throw err;
    throw new AnalyzerError('FP_USAGE', `Cannot read --prices: ${describeFsError(err)}, in ${o.prices}`, { file: o.prices }, { cause: err });
  }
  const text = bytes.toString('utf8');
  const { parsePrices } = await import('./fleet/pricing.js');
  return parsePrices(text, o.prices);
}

/** The default command: analyse inputs and write the report (or the state). */
export async function runAnalyze(o: ResolvedOptions, io: Io): Promise<number> {
  const target = o.emitState ?? o.output;
  if (target !== undefined) await checkWritable(target);
  if (o.cache !== undefined) await (await import('./cache/index.js')).makeCacheFolder(o.cache); // exit 4 before reading, as for the output
  const prices = await loadPrices(o);
  await loadProfile(o.profile);
  // before the inputs are resolved: resolving stdin reads its first bytes
  if (o.redis !== undefined && o.input.some((p) => p === '-' || p === '/dev/stdin')) {
    throw new AnalyzerError('FP_USAGE', 'argument --redis: workers read files from shared storage; stdin cannot be distributed');
  }
  const { files, skipped } = await resolveInputs(o.input, { from: o.from });
  if (target !== undefined)
    await checkNotAnInput(
      target,
      files.filter((f) => f.transport === 'file'),
    );
  for (const s of skipped) warn(io, o, `Skipped ${s.path}: ${s.reason}`);

  const total = files.every((f) => f.size !== undefined) ? files.reduce((n, f) => n + (f.size ?? 0), 0) : undefined;
  const showProgress = !o.quiet && (o.progress || ('isTTY' in io.stderr && io.stderr.isTTY === true));
  const progress = showProgress && o.redis === undefined ? await createProgress(total, io.stderr as NodeJS.WriteStream) : NO_PROGRESS;
  let result: AnalysisResult;
  let cacheLine: string | undefined;
  try {
    if (o.redis !== undefined) {
      // loaded only here: importing BullMQ costs ~0.5 s of CPU (measured), too much for every run
      const [{ analyzeDistributed, createProgressLine }, { asRunResult }] = await Promise.all([
        import('./distributed/index.js'),
        import('./cache/engine.js'),
      ]);
      const line = showProgress ? createProgressLine(io.stderr, 'isTTY' in io.stderr && io.stderr.isTTY === true) : undefined;
      result = asRunResult(
        await analyzeDistributed(files, {
          redis: o.redis,
          shardBytes: o.shardSize,
          parser: o.parser,
          strict: o.strict,
          from: o.from,
          profile: o.profile,
          progress: line,
          warn: (l) => warn(io, o, l),
        }),
      );
    } else if (o.cache !== undefined) {
      const [{ analyzeWithCache, formatCacheSummary }, { asRunResult }] = await Promise.all([
        import('./cache/index.js'),
        import('./cache/engine.js'),
      ]);
      const cached = await analyzeWithCache(
        files,
        { dir: o.cache, profile: o.profile, from: o.from, parser: o.parser, strict: o.strict },
        { analyzeFiles: (fs) => analyzeFiles(fs, o, progress), warn: (line) => warn(io, o, line), onBytes: (n) => progress.bytes(n) },
      );
      result = asRunResult(cached.result);
      cacheLine = formatCacheSummary(cached.summary);
    } else result = await analyzeFiles(files, o, progress);
  } finally {
    progress.stop();
  }
  if (cacheLine !== undefined) warn(io, o, cacheLine);
  reportMalformed(io, o, result.malformed);
  for (const k of result.keyless.first) warn(io, o, `${k.file}: ${k.records} records without any session field: is this an agent log? Try --from`);
  if (result.keyless.count > result.keyless.first.length)
    warn(io, o, `... and ${result.keyless.count - result.keyless.first.length} more files like this`);

  if (o.emitState !== undefined) {
    const { serializeStateChunks } = await import('./state-file.js');
    if (await writeOutput(o.emitState, serializeStateChunks(result)))
      warn(io, o, `Wrote the state of ${result.state.sessions} sessions to ${o.emitState}`);
    return 0;
  }
  return emitReport(io, o, result, prices);
}

/** `merge -` (cli.ts names it so) or `/dev/stdin`: read from our stdin, which may be a socket that cannot be opened by name. */
const STDIN = '/dev/stdin';

/** A state path as messages name it: stdin as `--input -` is named. */
function nameOfState(p: string): string {
  return p === STDIN ? STDIN_NAME : p;
}

/** `merge STATE...`: the report of the union of separately analysed parts, in argument order. */
export async function runMerge(statePaths: readonly string[], o: ResolvedOptions, io: Io): Promise<number> {
  if (o.output !== undefined) {
    await checkWritable(o.output);
    // a report would replace a state; a merged state may replace one of its parts (it holds it)
    await checkNotAnInput(
      o.output,
      statePaths.map((p) => ({ path: p })),
    );
  }
  if (statePaths.filter((p) => p === STDIN).length > 1) throw new AnalyzerError('FP_USAGE', 'merge: stdin can be read only once');
  const prices = await loadPrices(o);
  const { readState, serializeStateChunks } = await import('./state-file.js');
  let state: ProfileState | undefined;
  let malformed = emptyMalformed();
  for (let i = 0; i < statePaths.length; i++) {
    const p = statePaths[i]!;
    const name = nameOfState(p);
    let doc: StateDocument;
    try {
      doc = await readState(p === STDIN ? process.stdin : createReadStream(p), name);
    } catch (err) {
      if (err instanceof AnalyzerError) throw err;
      throw new AnalyzerError('FP_INPUT', `Cannot read state file: ${describeFsError(err)}, in ${name}`, { file: name }, { cause: err });
    }
    const profile = findProfile(doc.state.profile)!;
    // the first state names the profile: a fleet report prices its hours with the rate
    if (i === 0 && profile.name === 'fleet') checkFleetHourlyRate(o.hourlyRate, String(o.hourlyRate));
    if (state !== undefined && doc.state.profile !== state.profile) {
      throw new AnalyzerError(
        'FP_INPUT',
        `Invalid state file: profile '${doc.state.profile}' cannot merge with profile '${state.profile}' of ${nameOfState(statePaths[0]!)}, in ${name}`,
        { file: name },
      );
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
    if (await writeOutput(o.emitState, serializeStateChunks({ state, malformed })))
      warn(io, o, `Wrote the state of ${state.sessions} sessions to ${o.emitState}`);
    return 0;
  }
  return emitReport(io, { ...o, input: [...statePaths] }, { state, malformed }, prices); // the HTML report lists the state files as its inputs
}
