/**
 * What travels through Redis: job data and results, all small JSON. A state
 * travels inline when its text is at most `spillBytes`, else as the path of a
 * file in the run's folder on the shared storage (Redis holds states, never data,
 * and not big states either).
 */
import type { WireError } from '../errors.js';
import type { ParserKind } from '../options.js';

/** Versions go into the queue name: a worker of another version never sees the jobs. */
export function queueName(toolVersion: string): string {
  return `fleet-proposals-${toolVersion.replace(/[^0-9A-Za-z.-]/g, '_')}`;
}

/** States (serialised) above this many bytes go to the shared folder instead of Redis. */
export const DEFAULT_SPILL_BYTES = 256 * 1024;

interface Stamped {
  /** the submitter's tool and state versions: a worker of another version refuses the job */
  tool: string;
  stateVersion: number;
  runId: string;
  /** the run's folder on the shared storage, for spilled states */
  spillDir: string;
  spillBytes: number;
  parser: ParserKind;
  strict: boolean;
  from: string;
  /** the analysis profile ('seed', 'fleet') */
  profile: string;
}

export interface ShardJobData extends Stamped {
  /** absolute path, as every worker sees it on the shared storage */
  path: string;
  /** the path as the user gave it: messages name it, as a local run does */
  display: string;
  size: number | undefined;
  fileIndex: number;
  shardIndex: number;
  /** shards of this file: the merge checks that it has them all */
  shards: number;
  /** 'whole': read like a local run; 'jsonl': bytes [start, end) */
  kind: 'whole' | 'jsonl';
  start: number;
  end: number;
}

export interface MergeJobData extends Stamped {
  files: number;
}

/** A state, inline or spilled. */
export type StateRef = { text: string } | { file: string };

export type ShardResult = {
  fileIndex: number;
  shardIndex: number;
  shards: number;
  kind: 'whole' | 'jsonl';
  path: string;
  display: string;
  size: number | undefined;
  bytes: number;
} & ({ ok: true; state: StateRef; newlines: number } | { ok: false; error: WireError });

export type MergeResult = { ok: true; state: StateRef; bytes: number } | { ok: false; error: WireError };
