/**
 * The versioned state document (`--emit-state`, `merge`). Maps and Sets are
 * written as tagged arrays so the document is plain JSON:
 *   {"format":"fleet-proposals-state","version":1,"sessions":N,"skipped":M,
 *    "state":{...accumulator states...},"malformed":{...}}
 */
import { compareOrdinal, mapStateOrdinals, type AnalyzerState, type Ordinal } from './accumulators/index.js';
import { AnalyzerError } from './errors.js';
import type { MalformedSummary } from './malformed.js';

export const STATE_FORMAT = 'fleet-proposals-state';
export const STATE_VERSION = 1;

export interface StateDocument {
  state: AnalyzerState;
  malformed: MalformedSummary;
}

function byValue<T>(a: T, b: T): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function replacer(_key: string, value: unknown): unknown {
  // sorted, so that the bytes do not depend on the order things were merged in
  if (value instanceof Map) return { $map: [...value.entries()].sort((a, b) => byValue(a[0], b[0])) };
  if (value instanceof Set) return { $set: [...value.values()].sort(byValue) };
  if (typeof value === 'number' && (!Number.isFinite(value) || Object.is(value, -0))) return { $num: Object.is(value, -0) ? '-0' : String(value) };
  return value;
}

function reviver(_key: string, value: unknown): unknown {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const v = value as Record<string, unknown>;
    if (Array.isArray(v['$map'])) return new Map(v['$map'] as [unknown, unknown][]);
    if (Array.isArray(v['$set'])) return new Set(v['$set'] as unknown[]);
    if (typeof v['$num'] === 'string') return Number(v['$num']);
  }
  return value;
}

/**
 * The same document with every ordinal replaced by its rank among the document's
 * ordinals. Ordinals only need to order things, and their raw form depends on the
 * shard plan ([file, shard, record] with any worker count): ranks do not, so the
 * state file of an input is the same bytes whatever the workers and shards.
 */
function canonical(doc: StateDocument): StateDocument {
  const all: Ordinal[] = [];
  mapStateOrdinals(doc.state, (o) => (all.push(o), o));
  for (const r of doc.malformed.first) all.push(r.at);
  all.sort(compareOrdinal);
  const rank = new Map<string, number>();
  for (const o of all) if (!rank.has(o.join())) rank.set(o.join(), rank.size);
  const f = (o: Ordinal): Ordinal => [rank.get(o.join())!];
  return {
    state: mapStateOrdinals(doc.state, f),
    malformed: { count: doc.malformed.count, first: doc.malformed.first.map((r) => ({ ...r, at: f(r.at) })) },
  };
}

export function serializeState(raw: StateDocument): string {
  const doc = canonical(raw);
  return JSON.stringify(
    {
      format: STATE_FORMAT,
      version: STATE_VERSION,
      sessions: doc.state.sessions,
      skipped: doc.state.skipped,
      state: doc.state,
      malformed: doc.malformed,
    },
    replacer,
  );
}

export function parseState(text: string, file: string): StateDocument {
  let doc: unknown;
  try {
    doc = JSON.parse(text, reviver);
  } catch (err) {
    throw new AnalyzerError('FP_INPUT', `Invalid state file: ${(err as Error).message}, in ${file}`, { file });
  }
  const d = doc as Record<string, unknown> | null;
  if (d === null || typeof d !== 'object' || d['format'] !== STATE_FORMAT) {
    throw new AnalyzerError('FP_INPUT', `Invalid state file: not a fleet-proposals state (written by --emit-state), in ${file}`, { file });
  }
  if (d['version'] !== STATE_VERSION) {
    throw new AnalyzerError('FP_INPUT', `Invalid state file: version ${String(d['version'])}, this build reads version ${STATE_VERSION}, in ${file}`, { file });
  }
  const s = d['state'] as AnalyzerState | undefined;
  const ok =
    s !== undefined &&
    typeof s.sessions === 'number' &&
    s.repeated_errors instanceof Map &&
    s.slow_tools instanceof Map &&
    s.retry_streaks instanceof Map &&
    typeof s.manual_processes === 'object' &&
    s.manual_processes.hours instanceof Map;
  if (!ok) throw new AnalyzerError('FP_INPUT', `Invalid state file: missing or damaged accumulator state, in ${file}`, { file });
  const malformed = (d['malformed'] as MalformedSummary | undefined) ?? { count: 0, first: [] };
  return { state: s, malformed };
}
