/**
 * Inputs -> one merged Analyzer state. With one worker the files are read here,
 * one after another; with more, shards go to worker threads (workers/pool.ts).
 * Either way the result is the same state (ordinals carry the input order).
 */
import { initState, mergeStates, type AnalyzerState } from './accumulators/index.js';
import { emptyMalformed, mergeMalformed, type MalformedSummary } from './input/malformed.js';
import { analyzeFile, type ReadOptions } from './input/read-sessions.js';
import type { InputFile } from './input/sources.js';

export interface AnalysisResult {
  state: AnalyzerState;
  malformed: MalformedSummary;
}

export async function analyzeSequential(files: readonly InputFile[], opts: ReadOptions): Promise<AnalysisResult> {
  let state = initState(opts.profile);
  let malformed = emptyMalformed();
  for (let i = 0; i < files.length; i++) {
    const r = await analyzeFile(files[i]!, i, opts);
    state = files.length === 1 ? r.state : mergeStates(state, r.state);
    malformed = mergeMalformed(malformed, r.malformed);
  }
  return { state, malformed };
}
