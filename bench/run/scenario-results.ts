/**
 * What the runs of one archive's scenarios add up to: a ScenarioResult per scenario (median,
 * MB/s, sessions/s, calls/s, peak RSS), our outputs compared with the reference's, DuckDB's
 * calls checked against the archive's.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { checkDuckdbOutput } from '../duckdb.js';
import { type Comparison, compareProposals } from './compare.js';
import type { RssMethod } from './measure.js';
import { type ArchiveInfo, type MachineInfo, type ScenarioResult, describeFailure } from './results.js';
import type { Scenario } from './scenarios.js';
import { median } from './table.js';

export function scenarioResults(
  info: ArchiveInfo,
  scenarios: readonly Scenario[],
  reference: Scenario | undefined,
  measured: { method: RssMethod; machine: MachineInfo; date: string },
): ScenarioResult[] {
  const { method, machine, date } = measured;
  const results: ScenarioResult[] = [];
  const refOk = reference !== undefined && !reference.failure && !reference.skipped && reference.times.length > 0;
  const refMedian = reference ? median(reference.times) : null;
  const refText = refOk && reference ? readFileSync(reference.outputFile, 'utf8') : null;
  for (const s of scenarios) {
    const med = median(s.times);
    const ok = !s.failure && !s.skipped && med !== null;
    const outputSha256 = ok ? createHash('sha256').update(readFileSync(s.outputFile)).digest('hex') : null;
    const result: ScenarioResult = {
      impl: s.impl,
      archive: info,
      workers: s.workers,
      parser: s.parser,
      ...(s.profile === undefined ? {} : { profile: s.profile }),
      runs: s.times.length,
      wallSeconds: s.times.map((t) => Math.round(t * 1000) / 1000),
      medianSeconds: med,
      mbPerSec: ok && med ? info.bytes / 1e6 / med : null,
      sessionsPerSec: ok && med ? info.sessions / med : null,
      callsPerSec: ok && med && info.toolCalls !== undefined ? info.toolCalls / med : null,
      peakRssKb: s.peakRssKb,
      rssMethod: method,
      ok,
      failure: s.skipped ?? (s.failure ? describeFailure(s.failure) : null),
      outputSha256,
      machine,
      date,
    };
    if (s.impl === 'duckdb' && ok) result.duckdb = checkDuckdbOutput(readFileSync(s.outputFile, 'utf8'), info.toolCalls);
    if (reference && s.impl === 'fleet-proposals') {
      let cmp: Comparison | null = null;
      let cmpError: string | null = null;
      // only the seed profile's report is the reference's
      if (ok && refText !== null && (s.profile === undefined || s.profile === 'seed')) {
        try {
          cmp = compareProposals(readFileSync(s.outputFile, 'utf8'), refText);
        } catch (err) {
          cmpError = err instanceof Error ? err.message : String(err);
        }
      }
      result.reference = {
        ok: refOk,
        failure: reference.skipped ?? (reference.failure ? describeFailure(reference.failure) : null),
        medianSeconds: refMedian,
        peakRssKb: reference.peakRssKb,
        speedup: ok && refOk && med && refMedian ? refMedian / med : null,
        rssRatio: ok && refOk && s.peakRssKb && reference.peakRssKb ? s.peakRssKb / reference.peakRssKb : null,
        outputsEqual: cmp ? cmp.equal : cmpError ? false : null,
        proposals: cmp ? { ours: cmp.ours, reference: cmp.reference } : null,
        mismatches: cmp ? cmp.mismatches : cmpError ? [cmpError] : [],
      };
    }
    results.push(result);
  }
  return results;
}
