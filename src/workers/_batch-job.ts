/**
 * A batch: small whole files, consecutive in input order, read by one worker task that
 * answers with one merged state (`BatchTask`). A folder of 20,000 tiny files cost, per
 * file, a task message, a reply with a whole state to clone and a merge on this thread:
 * two workers took 2x the time of one (issue 9).
 *
 * Each file of the batch still comes to its own outcome, the one a `FileJob` would give it:
 * its malformed records and keyless note are its own; the batch's state rides with the
 * first file's outcome and the others carry an empty state (merging is associative and
 * commutative, ordinals carry the order, so where the state rides changes nothing). A
 * failing file ends the batch: the files before it are settled, then its error, and the
 * run stops there (it is the first failure of the batch in input order).
 */
import { initState } from '../accumulators/index.js';
import { fileResult } from '../analyze.js';
import { AnalyzerError, asAnalyzerError, fromWire } from '../errors.js';
import type { Input } from '../input/classify.js';
import { readOptionsOf, type AnalysisOptions } from '../options.js';
import { Cancelled, type TaskInput } from './_executor.js';
import type { Outcome } from './_ordered-merge.js';
import type { FinalReply } from './_protocol.js';

/** Files up to this size may join a batch (bigger ones are worth a task of their own). */
export const BATCH_FILE_BYTES = 256 * 1024;
/** A batch closes at this many files or bytes: enough to make the per-task cost small, few enough to balance the workers. */
export const BATCH_MAX_FILES = 64;
export const BATCH_MAX_BYTES = 1024 * 1024;

/** A file that may be read in a batch: a regular file, read whole, small. */
export function batchable(file: Input): boolean {
  return file.transport === 'file' && file.size !== undefined && file.size <= BATCH_FILE_BYTES;
}

export interface BatchJobHost {
  readonly opts: AnalysisOptions;
  /** queue the batch's task; `group`: its first file */
  run(task: TaskInput, group: number): Promise<FinalReply>;
  /** file `index` came to its outcome (called once per file, in input order, up to the first failure) */
  settled(index: number, outcome: Outcome): void;
}

/** Collects consecutive batchable files; `take` hands them over as one batch. */
export class BatchBuilder {
  private files: { index: number; input: Input }[] = [];
  private bytes = 0;

  get size(): number {
    return this.files.length;
  }

  /** Add file `index`; true when the batch is full (take it). */
  add(index: number, input: Input): boolean {
    this.files.push({ index, input });
    this.bytes += input.size ?? 0;
    return this.files.length >= BATCH_MAX_FILES || this.bytes >= BATCH_MAX_BYTES;
  }

  take(): { index: number; input: Input }[] {
    const files = this.files;
    this.files = [];
    this.bytes = 0;
    return files;
  }
}

/** Submit one batch and turn its reply into one outcome per file. */
export function runBatch(files: readonly { index: number; input: Input }[], host: BatchJobHost): void {
  const task: TaskInput = {
    kind: 'batch',
    file: files[0]!.input.path,
    ...readOptionsOf(host.opts),
    files: files.map(({ index, input }) => {
      const { stream: _stream, ...wire } = input;
      return { fileIndex: index, input: wire };
    }),
  };
  const pathOf = new Map(files.map((f) => [f.index, f.input.path]));
  host.run(task, files[0]!.index).then(
    (reply) => settleReply(reply, files[0]!.index, pathOf, host),
    (err: unknown) => {
      // dropped (an earlier file failed, or the run stops): nothing to say
      if (err instanceof Cancelled) return;
      host.settled(files[0]!.index, { error: asAnalyzerError(err) });
    },
  );
}

function settleReply(reply: FinalReply, first: number, pathOf: ReadonlyMap<number, string>, host: BatchJobHost): void {
  if (reply.type === 'error') return host.settled(first, { error: fromWire(reply.error) });
  if (reply.type !== 'batch') {
    return host.settled(first, { error: new AnalyzerError('FP_INTERNAL', `Unexpected worker reply '${reply.type}' for a batch of files`) });
  }
  reply.files.forEach((f, i) => {
    const { fileIndex, ...rest } = f;
    const state = i === 0 ? reply.state : initState(host.opts.profile);
    host.settled(fileIndex, { result: fileResult(pathOf.get(fileIndex)!, { ...rest, state }) });
  });
  if (reply.failed !== undefined) host.settled(reply.failed.fileIndex, { error: fromWire(reply.failed.error) });
}
