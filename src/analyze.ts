/**
 * The analysis loop: input events -> one merged Analyzer state. This is the one
 * place that feeds the accumulators, merges their states and counts malformed
 * records, for the main thread and the shard workers alike (issue 11). `input/`
 * only turns bytes into events (read-sessions.ts); the pool (workers/pool.ts)
 * only decides where each shard runs and hands results back here, in input order.
 *
 *   analyzeEvents   events of one shard -> ShardResult (ordinals [...prefix, i])
 *   analyzeInput    the same for one whole input, read in batches (a chunk's records)
 *   mergeShards     consecutive shards of one input -> one ShardResult
 *   fileResult      a whole input's ShardResult -> its AnalysisResult (keyless note)
 *   appendResult    results of inputs, in input order -> the run's AnalysisResult
 *   analyzeSequential  all of the above, one input after another, on this thread
 */
import { initState, mergeStatesInto, messageReadersOf, profileNamed, type AnalyzerState } from './accumulators/index.js';
import { AnalyzerError, inputError } from './errors.js';
import type { Input } from './input/classify.js';
import { isKeyless, RecordBatch, readInputBatches, type ReadOptions } from './input/read-sessions.js';
import type { InputEvent } from './input/types.js';
import { emptyMalformed, mergeMalformed, noteMalformed, type MalformedSummary } from './malformed.js';
import { MALFORMED_SHOWN } from './options.js';
import { addRecord } from './profiles/engine.js';
import { ordinalAt } from './ordinal.js';
import type { AnyProfile, Ordinal } from './profiles/types.js';

/** The analysis of one shard (a whole input, or a byte range of one). Plain data: it crosses threads. */
export interface ShardResult {
  state: AnalyzerState;
  malformed: MalformedSummary;
  /** valid sessions read from the session format, and how many of them had none of the session keys */
  records: number;
  keyless: number;
}

/** An input whose every record had none of the session keys: probably an agent log read as sessions. */
export interface KeylessInput {
  file: string;
  records: number;
}

export interface AnalysisResult {
  state: AnalyzerState;
  malformed: MalformedSummary;
  /** inputs with only keyless records: how many, and the first few in input order */
  keyless: { count: number; first: KeylessInput[] };
}

export interface LoopOptions {
  strict: boolean;
  /** the analysis profile: how records are read and which detectors they feed */
  profile: string;
  /** called after every session (for progress) */
  onSession?: () => void;
  /**
   * the state to add the records to, instead of a fresh one: the shard's result then holds
   * this very state (a byte range read on the calling thread goes straight into its file's
   * state, workers/_file-job.ts). A `reset` (a later "sessions" array) cannot undo what is in
   * it: it throws FP_INTERNAL, and the file is read whole instead.
   */
  into?: AnalyzerState;
}

export type AnalyzeOptions = ReadOptions & LoopOptions;

export function emptyShard(profile: string): ShardResult {
  return { state: initState(profile), malformed: emptyMalformed(), records: 0, keyless: 0 };
}

export function emptyResult(profile: string): AnalysisResult {
  return { state: initState(profile), malformed: emptyMalformed(), keyless: { count: 0, first: [] } };
}

/**
 * The accumulators fed one event at a time, synchronously: the one loop body for every
 * caller (`analyzeEvents` over events, `analyzeInput` over the decoder's batches).
 */
class ShardLoop {
  private readonly profile: AnyProfile;
  private r: ShardResult;
  private index = 0;

  constructor(
    private readonly prefix: readonly number[],
    private readonly opts: LoopOptions,
  ) {
    this.profile = profileNamed(opts.profile);
    this.r = { state: opts.into ?? initState(opts.profile), malformed: emptyMalformed(), records: 0, keyless: 0 };
  }

  get result(): ShardResult {
    return this.r;
  }

  add(ev: InputEvent): void {
    const { opts, profile } = this;
    if (ev.kind === 'reset') return this.reset();
    const r = this.r;
    const at = ordinalAt(this.prefix, this.index++);
    if (ev.kind === 'agent-session') {
      addRecord(profile, r.state, profile.fromAgentSession(ev.session), at);
      opts.onSession?.();
      return;
    }
    if (ev.kind === 'record') {
      this.addRecord(ev.value, ev.keyless, at, ev.context.file, ev.context.line, ev.context.offset, ev.context);
      return;
    }
    // an odd line of an agent log: its reader wrote the whole message
    if (opts.strict) throw ev.error ?? inputError(`Invalid record: ${ev.reason}`, ev.context, 'FP_MALFORMED');
    r.state.skipped++;
    noteMalformed(r.malformed, { at, reason: ev.reason, context: ev.context, ...(ev.message !== undefined ? { message: ev.message } : {}) });
  }

  /** `add` of the record events of a batch, read from its decoded records (no event is made for a valid one). */
  addBatch(batch: RecordBatch): void {
    const { events, file } = batch;
    for (let i = 0; i < events.length; i++) {
      const ev = events[i]!;
      if (ev.kind === 'reset') {
        this.reset();
        continue;
      }
      const { value, offset, line } = ev.record;
      this.addRecord(value, isKeyless(value), ordinalAt(this.prefix, this.index++), file, line, offset, undefined);
    }
  }

  /** A later "sessions" array: what came before it does not count (Python's json.load keeps the last key). */
  private reset(): void {
    if (this.opts.into !== undefined) throw new AnalyzerError('FP_INTERNAL', 'A "sessions" array began inside a shard added to a shared state');
    this.r = emptyShard(this.opts.profile);
  }

  /** A record of the session format at `at`, in `file` at `offset` and `line`: its event's context, or one made if it is malformed. */
  private addRecord(
    value: unknown,
    keyless: boolean,
    at: Ordinal,
    file: string,
    line: number | undefined,
    offset: number | undefined,
    context: RecordContext | undefined,
  ): void {
    const { opts, profile, r } = this;
    const checked = profile.fromRecord(value, { file, line: line ?? 1 });
    if (checked.ok) {
      addRecord(profile, r.state, checked.record, at);
      r.records++;
      if (keyless) r.keyless++;
      opts.onSession?.();
      return;
    }
    const where = context ?? { file, offset, line };
    if (opts.strict) throw inputError(`Invalid session: ${checked.reason}`, where, 'FP_MALFORMED');
    r.state.skipped++;
    noteMalformed(r.malformed, { at, reason: checked.reason, context: where });
  }
}

type RecordContext = Extract<InputEvent, { kind: 'record' }>['context'];

/** Feed one shard's events to the accumulators; `prefix` is the shard's ordinal prefix. */
export async function analyzeEvents(events: AsyncIterable<InputEvent>, prefix: readonly number[], opts: LoopOptions): Promise<ShardResult> {
  const loop = new ShardLoop(prefix, opts);
  for await (const ev of events) loop.add(ev);
  return loop.result;
}

/** `analyzeEvents` of events that come a batch at a time (one async step per batch, not per record). */
export async function analyzeBatches(
  batches: AsyncIterable<Iterable<InputEvent>>,
  prefix: readonly number[],
  opts: LoopOptions,
): Promise<ShardResult> {
  const loop = new ShardLoop(prefix, opts);
  for await (const batch of batches) {
    if (batch instanceof RecordBatch) loop.addBatch(batch);
    else for (const ev of batch) loop.add(ev);
  }
  return loop.result;
}

/**
 * Two consecutive shards of one input, `a` before `b`. Their states are merged in
 * place (`mergeStatesInto`): the caller owns both and uses neither afterwards, as every
 * caller here does (states fresh from a loop or a worker, folded once).
 */
export function mergeShards(a: ShardResult, b: ShardResult): ShardResult {
  return {
    state: mergeStatesInto(a.state, b.state),
    malformed: mergeMalformed(a.malformed, b.malformed),
    records: a.records + b.records,
    keyless: a.keyless + b.keyless,
  };
}

/** A whole input's result. */
export function fileResult(file: string, r: ShardResult): AnalysisResult {
  const all = r.records > 0 && r.keyless === r.records && r.malformed.count === 0;
  return { state: r.state, malformed: r.malformed, keyless: all ? { count: 1, first: [{ file, records: r.records }] } : { count: 0, first: [] } };
}

/**
 * `acc` followed by the next input's result; `only`: it is the run's only input (its
 * state is taken as is). Merged in place, as `mergeShards`: neither is used afterwards.
 */
export function appendResult(acc: AnalysisResult, next: AnalysisResult, only: boolean): AnalysisResult {
  return {
    state: only ? next.state : mergeStatesInto(acc.state, next.state),
    malformed: mergeMalformed(acc.malformed, next.malformed),
    keyless: {
      count: acc.keyless.count + next.keyless.count,
      first: acc.keyless.first.concat(next.keyless.first).slice(0, MALFORMED_SHOWN),
    },
  };
}

/**
 * Read and analyse one whole input (shard 0 of input `fileIndex`), its events a batch
 * (the records of a chunk) at a time: one async step per batch, not per record.
 */
export function analyzeInput(input: Input, fileIndex: number, opts: AnalyzeOptions): Promise<ShardResult> {
  return analyzeBatches(readInputBatches(input, { ...opts, messageReaders: messageReadersOf(opts.profile) }), [fileIndex, 0], opts);
}

/** Every input, one after another, on this thread. */
export async function analyzeSequential(inputs: readonly Input[], opts: AnalyzeOptions): Promise<AnalysisResult> {
  let result = emptyResult(opts.profile);
  for (let i = 0; i < inputs.length; i++) {
    const input = inputs[i]!;
    result = appendResult(result, fileResult(input.path, await analyzeInput(input, i, opts)), inputs.length === 1);
  }
  return result;
}
