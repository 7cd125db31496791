/**
 * Every call the cache makes into the analysis engine, in one file, so that the
 * engine can move (the analysis loop is leaving src/input/, the accumulators are
 * becoming a registry) and only these few lines follow it.
 *
 * A per-file state goes through the state-file form (`serializeState` +
 * `parseState`) before it is used or stored: that ranks its ordinals (order kept,
 * raw form dropped), so a state read now and one read back from the cache next
 * week are the same value, and `placeFileState` then puts the file at its current
 * index in the input order.
 */
import { createReadStream } from 'node:fs';
import { initState, mapStateOrdinals, mergeStates, type Ordinal } from '../accumulators/index.js';
import type { AnalysisResult } from '../analyze.js';
import { AnalyzerError } from '../errors.js';
import { emptyMalformed, mergeMalformed } from '../input/malformed.js';
import { adapterFor, analyzeEvents, decoderFor } from '../input/read-sessions.js';
import { describeFsError, type InputFile } from '../input/sources.js';
import type { ParserKind } from '../options.js';
import { parseState, serializeState, STATE_VERSION } from '../state-file.js';

export { STATE_VERSION };
export type { AnalysisResult };

/** The state document of one file, as text (what a cache entry stores). */
export function stateText(r: AnalysisResult): string {
  return serializeState(r);
}

/** Parse and validate a stored state (throws AnalyzerError on anything foreign or damaged). */
export function readStateText(text: string, where: string): AnalysisResult {
  return parseState(text, where);
}

function mapResult(r: AnalysisResult, f: (o: Ordinal) => Ordinal): AnalysisResult {
  return {
    state: mapStateOrdinals(r.state, f),
    malformed: { count: r.malformed.count, first: r.malformed.first.map((m) => ({ ...m, at: f(m.at) })) },
  };
}

export function emptyResult(): AnalysisResult {
  return { state: initState(), malformed: emptyMalformed() };
}

/** A file's (ranked) state placed at position `prefix` of the input order. */
export function placeFileState(r: AnalysisResult, prefix: readonly number[]): AnalysisResult {
  return mapResult(r, (o) => [...prefix, ...o]);
}

/** Merge in input order (`a` before `b`). */
export function mergeResults(a: AnalysisResult, b: AnalysisResult): AnalysisResult {
  return { state: mergeStates(a.state, b.state), malformed: mergeMalformed(a.malformed, b.malformed) };
}

/** True when the file is read as the reference's own format (not an agent log): only those are resumed. */
export async function isSessionArchive(file: InputFile, from: string): Promise<boolean> {
  return (await adapterFor(file, from)) === undefined;
}

/**
 * Analyse bytes [start, end) of a JSON Lines file as records that come after
 * every record before `start`. The bytes get one leading space so that a BOM
 * there is not taken for the file's own (as the pool does for its ranges).
 */
export async function analyzeJsonlTail(
  file: InputFile,
  start: number,
  end: number,
  opts: { parser: ParserKind; strict: boolean; onBytes?: (n: number) => void },
): Promise<AnalysisResult> {
  async function* source(): AsyncGenerator<Buffer> {
    yield Buffer.from(' ');
    if (end <= start) return;
    try {
      for await (const chunk of createReadStream(file.path, { start, end: end - 1, highWaterMark: 1 << 20 })) {
        opts.onBytes?.((chunk as Buffer).length);
        yield chunk as Buffer;
      }
    } catch (err) {
      throw new AnalyzerError('FP_INPUT', `Cannot read input: ${describeFsError(err)}, in ${file.path}`, { file: file.path }, { cause: err });
    }
  }
  const events = decoderFor(opts.parser)(source(), { file: file.path, shape: 'jsonl' });
  // the tail's records sort after the prefix's: the prefix is placed at [0], the tail at [1]
  return analyzeEvents(events, file.path, [1], { strict: opts.strict });
}
