/**
 * What a worker does with a job, without BullMQ (unit-tested without Redis).
 *
 * Shard job: a whole file (read as a local run reads it) or bytes [start, end)
 * of a JSON Lines file; the state goes back with ranked ordinals. An input
 * error is a result, not a job failure: it is deterministic, so retrying it
 * elsewhere would only repeat it (no retry storm); the merge decides.
 *
 * Merge job (the flow's parent, run once every shard is done): per file in
 * input order, the shard states placed at [file, shard, ...] and merged, line
 * numbers of skipped records moved from shard lines to file lines (the
 * newlines of the shards before). A file with a failed range is read again
 * whole, here: that run's outcome is authoritative, as in the local worker pool,
 * so the error is the local run's, byte for byte. The first file that fails,
 * in input order, fails the run.
 */
import { classifyInputs } from '../input/sources.js';
import { AnalyzerError, toWire } from '../errors.js';
import { analyzeJsonlRange, analyzeWholeFile, emptyResult, mergeResults, placeFileState, type AnalysisResult } from '../cache/engine.js';
import type { MergeJobData, MergeResult, ShardJobData, ShardResult } from './_jobs.js';
import { getState, putState } from './_state-ref.js';
import { loadProfile } from '../profiles/index.js';

export class VersionMismatch extends AnalyzerError {}

/** Refuse a job of another version (the queue name carries the version; this is the second lock). */
export function checkVersion(data: { tool: string; stateVersion: number }, tool: string, stateVersion: number): void {
  if (data.tool !== tool || data.stateVersion !== stateVersion) {
    throw new VersionMismatch(
      'FP_USAGE',
      `Version mismatch: this worker is fleet-proposals ${tool} (state version ${stateVersion}), the job was submitted by ${data.tool} (state version ${data.stateVersion}); run the same version everywhere`,
    );
  }
}

export async function processShard(d: ShardJobData, onBytes?: (n: number) => void): Promise<ShardResult> {
  const base = { fileIndex: d.fileIndex, shardIndex: d.shardIndex, shards: d.shards, kind: d.kind, path: d.path, display: d.display, size: d.size };
  let bytes = 0;
  const count = (n: number) => {
    bytes += n;
    onBytes?.(n);
  };
  try {
    await loadProfile(d.profile); // imported on the first job that names it
    // the file is named as the user gave it (messages), read at its absolute path (workers have their own cwd)
    const [file] = await classifyInputs([{ path: d.path, size: d.size }], d.from);
    let result: AnalysisResult;
    let newlines = 0;
    if (d.kind === 'whole') {
      result = renamed(
        await analyzeWholeFile(file!, { parser: d.parser, strict: d.strict, from: d.from, profile: d.profile, onBytes: count }),
        d.path,
        d.display,
      );
    } else {
      const r = await analyzeJsonlRange(file!, d.start, d.end, [], { parser: d.parser, strict: d.strict, profile: d.profile, onBytes: count });
      result = renamed({ state: r.state, malformed: r.malformed }, d.path, d.display);
      newlines = r.newlines;
    }
    const state = await putState(result, d.spillDir, d.spillBytes, `shard-${d.fileIndex}-${d.shardIndex}.state`);
    return { ...base, bytes, ok: true, state, newlines };
  } catch (err) {
    return { ...base, bytes, ok: false, error: renamedError(toWire(err), d.path, d.display) };
  }
}

/** Messages name the file as the user gave it: swap the absolute path the worker read for it. */
function renamed(r: AnalysisResult, abs: string, display: string): AnalysisResult {
  if (abs === display || r.malformed.first.length === 0) return r;
  return {
    state: r.state,
    malformed: {
      count: r.malformed.count,
      first: r.malformed.first.map((m) => (m.context.file === abs ? { ...m, context: { ...m.context, file: display } } : m)),
    },
  };
}

function renamedError(e: ReturnType<typeof toWire>, abs: string, display: string): ReturnType<typeof toWire> {
  if (abs === display) return e;
  return { code: e.code, message: e.message.split(abs).join(display), context: e.context.file === abs ? { ...e.context, file: display } : e.context };
}

export async function processMerge(d: MergeJobData, children: readonly ShardResult[], onBytes?: (n: number) => void): Promise<MergeResult> {
  const byFile = new Map<number, ShardResult[]>();
  for (const c of children) {
    const list = byFile.get(c.fileIndex) ?? [];
    list.push(c);
    byFile.set(c.fileIndex, list);
  }
  await loadProfile(d.profile);
  let merged = emptyResult(d.profile);
  let bytes = 0;
  for (let f = 0; f < d.files; f++) {
    const shards = (byFile.get(f) ?? []).sort((a, b) => a.shardIndex - b.shardIndex);
    const expected = shards[0]?.shards ?? 1;
    if (shards.length !== expected || shards.some((s, k) => s.shardIndex !== k)) {
      return {
        ok: false,
        error: { code: 'FP_INTERNAL', message: `Distributed run: file ${f} has ${shards.length} of ${expected} shard results`, context: {} },
      };
    }
    for (const s of shards) bytes += s.bytes;
    let fileResult: AnalysisResult;
    if (shards.every((s) => s.ok)) {
      fileResult = await mergeShards(shards, d.profile);
    } else {
      const first = shards[0]!;
      const failed = shards.find((s) => !s.ok)!;
      if (first.kind === 'whole' && !failed.ok) return { ok: false, error: failed.error };
      // a range failed: the whole-file read decides, as in the local worker pool
      try {
        const [input] = await classifyInputs([{ path: first.path, size: first.size }], d.from);
        const r = await analyzeWholeFile(input!, { parser: d.parser, strict: d.strict, from: d.from, profile: d.profile, onBytes });
        fileResult = renamed(r, first.path, first.display);
      } catch (err) {
        return { ok: false, error: renamedError(toWire(err), first.path, first.display) };
      }
    }
    merged = mergeResults(merged, placeFileState(fileResult, [f]));
  }
  return { ok: true, state: await putState(merged, d.spillDir, d.spillBytes, 'merged.state'), bytes };
}

async function mergeShards(shards: readonly ShardResult[], profile: string): Promise<AnalysisResult> {
  let r = emptyResult(profile);
  let lines = 0;
  for (const s of shards) {
    if (!s.ok) throw new Error('unreachable');
    const st = placeFileState(await getState(s.state), [s.shardIndex]);
    const base = lines;
    const first =
      base === 0
        ? st.malformed.first
        : st.malformed.first.map((m) => (m.context.line === undefined ? m : { ...m, context: { ...m.context, line: m.context.line + base } }));
    r = mergeResults(r, { state: st.state, malformed: { count: st.malformed.count, first } });
    lines += s.newlines;
  }
  return r;
}
