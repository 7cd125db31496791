/**
 * What the bench runs: the archives the flags ask for, and for one archive its scenarios (our CLI
 * for each --profile x --decoder x --workers, the reference, DuckDB), each with its command line,
 * output file, and the times, peak RSS and failure its runs add up.
 */
import { join } from 'node:path';
import { DUCKDB_SHAPES, type DuckdbShape } from '../duckdb.js';
import { type ArchiveSpec, DENSE_SESSIONS } from './archives.js';
import type { Command } from './measure.js';
import type { RunOptions } from './options.js';
import { PROJECT_ROOT } from './paths.js';
import type { ArchiveInfo, RunFailure } from './results.js';

export interface Scenario {
  impl: 'fleet-proposals' | 'reference' | 'duckdb';
  workers: number | null;
  parser: string | null;
  profile?: string;
  cmd: Command;
  times: number[];
  peakRssKb: number | null;
  failure: RunFailure | null;
  skipped: string | null;
  outputFile: string;
}

/** The archives of a bench run, in the order they are run: archive profile, then shape, then size. */
export function archiveSpecs(opts: RunOptions): ArchiveSpec[] {
  const specs: ArchiveSpec[] = [];
  for (const profile of opts.archiveProfiles) {
    for (const shape of opts.shapes) {
      const base = { profile, shape, gzip: opts.gzip, files: opts.files, seed: opts.seed };
      if (opts.sessions !== undefined) specs.push({ ...base, sessions: opts.sessions });
      else if (profile === 'dense') specs.push({ ...base, sessions: DENSE_SESSIONS });
      else for (const size of opts.sizes) specs.push({ ...base, size });
    }
  }
  return specs;
}

/**
 * The scenarios of one archive, in the order of a round (ours, then the reference, then DuckDB);
 * `reference` is also returned alone, since every row of ours is compared with it.
 */
export function scenariosOf(
  info: ArchiveInfo,
  opts: RunOptions,
  vsDuckdb: boolean,
  workDir: string,
): { scenarios: Scenario[]; reference: Scenario | undefined } {
  const scenarios: Scenario[] = [];
  let n = 0;
  const outFile = (): string => join(workDir, `out-${n++}.json`);
  if (!opts.referenceOnly) {
    for (const profile of opts.profiles.length > 0 ? opts.profiles : [undefined]) {
      for (const parser of opts.decoders) {
        for (const workers of opts.workers) {
          const profileArgs = profile === undefined ? [] : ['--profile', profile];
          scenarios.push({
            impl: 'fleet-proposals',
            workers,
            parser,
            ...(profile === undefined ? {} : { profile }),
            cmd: {
              kind: 'node',
              exe: opts.node,
              pre: opts.nodeArgs,
              script: opts.cli,
              args: ['--input', info.path, '--format', 'json', '--workers', String(workers), '--parser', parser, ...profileArgs, ...opts.cliArgs],
            },
            times: [],
            peakRssKb: null,
            failure: null,
            skipped: null,
            outputFile: outFile(),
          });
        }
      }
    }
  }
  let reference: Scenario | undefined;
  if (opts.vsReference) {
    reference = {
      impl: 'reference',
      workers: null,
      parser: null,
      cmd: { kind: 'python', exe: opts.python, pre: [], script: opts.reference, args: ['--input', info.path, '--format', 'json'] },
      times: [],
      peakRssKb: null,
      failure: null,
      skipped:
        info.gzip || info.shape === 'jsonl' || info.shape === 'folder' ? `skipped: the reference reads only a JSON array or wrapper file` : null,
      outputFile: outFile(),
    };
    scenarios.push(reference);
  }
  if (vsDuckdb) {
    const script = join(PROJECT_ROOT, 'bench', 'duckdb.ts');
    scenarios.push({
      impl: 'duckdb',
      workers: null,
      parser: null,
      cmd: {
        kind: 'node',
        exe: opts.node,
        pre: ['--import', 'tsx'],
        script,
        args: ['--input', info.path, '--shape', info.shape, '--threads', '2'],
      },
      times: [],
      peakRssKb: null,
      failure: null,
      skipped: DUCKDB_SHAPES.includes(info.shape as DuckdbShape) ? null : 'skipped: the DuckDB query reads one file, not a folder',
      outputFile: outFile(),
    });
  }
  return { scenarios, reference };
}
