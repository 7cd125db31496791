/**
 * The existing shard planner, narrowed to what a distributed run sends: whole
 * files, and byte ranges of JSON Lines files. A file the planner cuts as a JSON
 * array (which needs the local pool's skeleton check) goes as one whole shard;
 * its boundary pass is abandoned as soon as that is known.
 */
import type { Input as InputFile } from '../input/classify.js';
import { planShards } from '../workers/plan-shards.js';

export type PlannedShard = { kind: 'whole' } | { kind: 'jsonl'; start: number; end: number };

export async function planDistributed(files: readonly InputFile[], shardBytes: number, _from: string): Promise<PlannedShard[][]> {
  const plan: PlannedShard[][] = files.map(() => []);
  const whole = new Set<number>();
  for await (const item of planShards(files, { shardBytes, abandon: (f) => whole.has(f) })) {
    const f = item.fileIndex;
    if (whole.has(f)) continue;
    if (item.kind === 'whole' || item.kind === 'reset' || (item.kind === 'range' && item.format !== 'jsonl')) {
      whole.add(f);
      plan[f] = [{ kind: 'whole' }];
    } else if (item.kind === 'range') plan[f]!.push({ kind: 'jsonl', start: item.start, end: item.end });
  }
  for (let f = 0; f < files.length; f++) if (plan[f]!.length === 0) plan[f] = [{ kind: 'whole' }];
  return plan;
}
