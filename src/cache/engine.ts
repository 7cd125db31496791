/**
 * Every call the cache and the distributed runs make into the analysis engine,
 * in one file, so that the
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
import { initState, mapStateOrdinals, messageReadersOf, mergeStates, type Ordinal } from '../accumulators/index.js';
import { analyzeEvents, analyzeInput, type AnalysisResult as RunResult } from '../analyze.js';
import { AnalyzerError } from '../errors.js';
import type { Input } from '../input/classify.js';
import { decoderFor, recordEvents } from '../input/read-sessions.js';
import type { DecodeEvent } from '../input/types.js';
import { describeFsError } from '../input/sources.js';
import { emptyMalformed, mergeMalformed } from '../malformed.js';
import type { ParserKind } from '../options.js';
import { parseState, serializeState, STATE_VERSION } from '../state-file.js';

export { STATE_VERSION };

/** What a cache entry or a shard job carries: a state and its malformed records (the
 * keyless-file warning of a run is not kept: it is a hint on stderr, not part of the report). */
export type AnalysisResult = Pick<RunResult, 'state' | 'malformed'>;

/** A result of the cache or a distributed run as the CLI reports it. */
export function asRunResult(r: AnalysisResult): RunResult {
  return { ...r, keyless: { count: 0, first: [] } };
}

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

export function emptyResult(profile: string): AnalysisResult {
  return { state: initState(profile), malformed: emptyMalformed() };
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
export async function isSessionArchive(file: Input, _from: string): Promise<boolean> {
  return file.kind !== 'agent';
}

/** A whole file, exactly as a run without cache or Redis reads it (ordinals [0, 0, record]). */
export async function analyzeWholeFile(
  file: Input,
  opts: { parser: ParserKind; strict: boolean; from: string; profile: string; onBytes?: (n: number) => void },
): Promise<AnalysisResult> {
  const r = await analyzeInput(file, 0, opts);
  return { state: r.state, malformed: r.malformed };
}

/**
 * Analyse bytes [start, end) of a JSON Lines file, whose records get ordinals
 * [...prefix, record]. Byte offsets in the result are the file's; line numbers
 * count from the range's start (`newlines` says how many the range holds). A
 * range after the file's start gets one leading space so that a BOM there is
 * not taken for the file's own (as the worker pool does for its ranges).
 */
export async function analyzeJsonlRange(
  file: Input,
  start: number,
  end: number,
  prefix: readonly number[],
  opts: { parser: ParserKind; strict: boolean; profile: string; onBytes?: (n: number) => void },
): Promise<AnalysisResult & { newlines: number }> {
  const lead = start > 0 ? ' ' : '';
  let newlines = 0;
  async function* source(): AsyncGenerator<Buffer> {
    if (lead !== '') yield Buffer.from(lead);
    if (end <= start) return;
    try {
      for await (const c of createReadStream(file.path, { start, end: end - 1, highWaterMark: 1 << 20 })) {
        const chunk = c as Buffer;
        for (let i = chunk.indexOf(0x0a); i >= 0; i = chunk.indexOf(0x0a, i + 1)) newlines++;
        opts.onBytes?.(chunk.length);
        yield chunk;
      }
    } catch (err) {
      throw new AnalyzerError('FP_INPUT', `Cannot read input: ${describeFsError(err)}, in ${file.path}`, { file: file.path }, { cause: err });
    }
  }
  const delta = start - lead.length;
  async function* shifted(): AsyncGenerator<DecodeEvent> {
    const decoding = {
      file: file.path,
      shape: 'jsonl' as const,
      seedSessions: opts.profile === 'seed',
      messageReaders: messageReadersOf(opts.profile),
    };
    for await (const ev of decoderFor(opts.parser)(source(), decoding)) {
      yield ev.kind === 'record' && delta !== 0 ? { kind: 'record', record: { ...ev.record, offset: ev.record.offset + delta } } : ev;
    }
  }
  const r = await analyzeEvents(recordEvents(shifted(), file.path), prefix, { strict: opts.strict, profile: opts.profile });
  return { state: r.state, malformed: r.malformed, newlines };
}
