/**
 * One input file -> Analyzer state. The single-thread path and every worker
 * call this; nothing here keeps a session after `addSession` returns.
 */
import { addSession, initState, profileNamed, type AnalyzerState } from '../accumulators/index.js';
import { AnalyzerError, inputError } from '../errors.js';
import type { ParserKind } from '../options.js';
import { decodeWithStreamJson } from './stream-json-decoder.js';
import { decodeWithFastDecoder } from './fast-decoder.js';
import { emptyMalformed, noteMalformed, type MalformedSummary } from './malformed.js';
import { isJsonlName, openSource, type InputFile } from './sources.js';
import type { DecodeEvent } from './types.js';
import { adapterByName, detectFileFormat, skipCollector, type AgentAdapter } from './adapters/index.js';

export interface ShardResult {
  state: AnalyzerState;
  malformed: MalformedSummary;
  /** decoded bytes */
  bytes: number;
}

export interface ReadOptions {
  parser: ParserKind;
  /** 'auto' (detect per file), 'sessions' (the reference's format) or an adapter name */
  from?: string;
  strict: boolean;
  /** the analysis profile ('seed', 'fleet'): how records are read and which detectors they feed */
  profile: string;
  /** called with the number of raw bytes read, as they are read */
  onBytes?: (n: number) => void;
  /** called after every session (for progress) */
  onSession?: () => void;
}

export type Decoder = (source: AsyncIterable<Buffer>, opts: { file: string; shape: 'auto' | 'jsonl' }) => AsyncIterable<DecodeEvent>;

export function decoderFor(kind: ParserKind): Decoder {
  return kind === 'fast' ? decodeWithFastDecoder : decodeWithStreamJson;
}

/** Analyse decoded events of one source; `prefix` is the ordinal prefix of this shard. */
export async function analyzeEvents(
  events: AsyncIterable<DecodeEvent>,
  file: string,
  prefix: readonly number[],
  opts: Pick<ReadOptions, 'strict' | 'profile' | 'onSession'>,
): Promise<{ state: AnalyzerState; malformed: MalformedSummary }> {
  const profile = profileNamed(opts.profile);
  let state = initState(opts.profile);
  let malformed = emptyMalformed();
  let index = 0;
  for await (const ev of events) {
    if (ev.kind === 'reset') {
      state = initState(opts.profile);
      malformed = emptyMalformed();
      continue;
    }
    const at = [...prefix, index++];
    const checked = profile.fromRecord(ev.record.value, { file, line: ev.record.line ?? 1 });
    if (checked.ok) {
      addSession(state, checked.record, at);
      opts.onSession?.();
      continue;
    }
    const context = { file, offset: ev.record.offset, line: ev.record.line };
    if (opts.strict) throw inputError(`Invalid session: ${checked.reason}`, context, 'FP_MALFORMED');
    state.skipped++;
    noteMalformed(malformed, { at, reason: checked.reason, context });
  }
  return { state, malformed };
}

/** The agent-log adapter for a file, or undefined for the reference's own format. */
export async function adapterFor(file: InputFile, from: string | undefined): Promise<AgentAdapter | undefined> {
  if (from === 'sessions') return undefined;
  if (from !== undefined && from !== 'auto') {
    if (file.path === '-') {
      throw new AnalyzerError('FP_USAGE', `--from ${from} reads log files by path; stdin can only carry session archives (--from auto or sessions)`);
    }
    return adapterByName(from);
  }
  if (file.path === '-') return undefined;
  return detectFileFormat(file.path);
}

/** Read and analyse one whole file. */
export async function analyzeFile(file: InputFile, fileIndex: number, opts: ReadOptions): Promise<ShardResult> {
  const adapter = await adapterFor(file, opts.from);
  if (adapter !== undefined) {
    const profile = profileNamed(opts.profile);
    const state = initState(opts.profile);
    const skips = skipCollector(opts.strict, fileIndex);
    let i = 0;
    for await (const session of adapter.sessions(file.path, skips)) {
      addSession(state, profile.fromAgentSession(session), [fileIndex, 0, i++]);
      opts.onSession?.();
    }
    state.skipped += skips.malformed.count;
    opts.onBytes?.(file.size ?? 0);
    return { state, malformed: skips.malformed, bytes: file.size ?? 0 };
  }
  let bytes = 0;
  async function* counted(): AsyncGenerator<Buffer> {
    for await (const chunk of openSource(file, opts.onBytes)) {
      bytes += chunk.length;
      yield chunk;
    }
  }
  const decode = decoderFor(opts.parser);
  const shape = isJsonlName(file.path) ? 'jsonl' : 'auto';
  const r = await analyzeEvents(decode(counted(), { file: file.path, shape }), file.path, [fileIndex, 0], opts);
  return { ...r, bytes };
}
