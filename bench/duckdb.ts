/**
 * bench/duckdb.ts — issue 13's DuckDB measurement, as a child process of bench/run.ts --vs-duckdb:
 * an in-memory DuckDB with `threads=2` runs ONE query over the archive (read_json, unnest every
 * session's `tool_calls`, per tool: calls and mean latency_ms) and prints the rows as JSON.
 *
 *   node --import tsx bench/duckdb.ts --input FILE --shape array|wrapper|jsonl [--threads 2]
 *
 * @duckdb/node-api is an OPTIONAL bench dependency, never a runtime one (it is not in
 * package.json): `npm i --no-save @duckdb/node-api@1.5.6-r.1`. Without it run.ts prints
 * DUCKDB_SKIPPED on stderr and goes on without the DuckDB rows.
 *
 * The mean is over the calls that have a numeric latency_ms (SQL avg skips NULL); the columns are
 * given explicitly so that the other members of a session are not type-inferred or kept.
 * A wrapper file (`{"sessions": [...]}`) is one JSON object for DuckDB, so its
 * maximum_object_size is raised to the file's size; a folder archive is not read (one file only).
 */
import { statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { exitWithHelpIfAsked } from './_help.js';
import { isMain } from './_is-main.js';

export const DUCKDB_PACKAGE = '@duckdb/node-api';
export const DUCKDB_VERSION = '1.5.6-r.1';
export const DUCKDB_INSTALL = `npm i --no-save ${DUCKDB_PACKAGE}@${DUCKDB_VERSION}`;
export const DUCKDB_SKIPPED = `DuckDB skipped: ${DUCKDB_PACKAGE} is not installed; ${DUCKDB_INSTALL}`;
/** the shapes the DuckDB query reads (a folder archive is skipped) */
export const DUCKDB_SHAPES = ['array', 'wrapper', 'jsonl'] as const;
export type DuckdbShape = (typeof DUCKDB_SHAPES)[number];

export interface ToolRow {
  tool: string | null;
  calls: number;
  mean_latency_ms: number | null;
}

const CALLS = 'STRUCT(tool VARCHAR, latency_ms DOUBLE)[]';
const sqlString = (s: string): string => `'${s.replaceAll("'", "''")}'`;

/** The one query: per tool, calls and mean latency, ordered by tool. */
export function duckdbQuery(path: string, shape: DuckdbShape, bytes = 0): string {
  const file = sqlString(path);
  const calls =
    shape === 'wrapper'
      ? `SELECT unnest(s.tool_calls) AS c FROM (SELECT unnest(sessions) AS s FROM read_json(${file}, format = 'unstructured', ` +
        `columns = {sessions: 'STRUCT(tool_calls ${CALLS})[]'}, maximum_object_size = ${Math.max(16 * 2 ** 20, Math.min(bytes + 1, 2 ** 32 - 1))}))`
      : `SELECT unnest(tool_calls) AS c FROM read_json(${file}, format = '${shape === 'jsonl' ? 'newline_delimited' : 'array'}', ` +
        `columns = {tool_calls: '${CALLS}'})`;
  return `SELECT c.tool AS tool, count(*) AS calls, avg(c.latency_ms) AS mean_latency_ms FROM (${calls}) GROUP BY c.tool ORDER BY c.tool`;
}

/**
 * Our JSON report has no per-tool counts (only proposals), so DuckDB's rows are checked against
 * the archive's own tool-call count (written by the generator): the sum of `calls` must equal it.
 */
export function checkDuckdbOutput(text: string, archiveCalls: number | undefined): { ok: boolean; text: string } {
  let rows: ToolRow[];
  try {
    rows = JSON.parse(text) as ToolRow[];
    if (!Array.isArray(rows)) throw new Error('not an array');
  } catch (err) {
    return { ok: false, text: `DUCKDB OUTPUT UNREADABLE (${err instanceof Error ? err.message : String(err)})` };
  }
  const calls = rows.reduce((sum, r) => sum + r.calls, 0);
  const what = `${rows.length} tools, ${calls.toLocaleString('en-US')} calls`;
  if (archiveCalls === undefined) return { ok: true, text: `${what} (archive's count unknown)` };
  return calls === archiveCalls
    ? { ok: true, text: `${what} (= the archive's)` }
    : { ok: false, text: `CALLS DIFFER: ${what}, the archive has ${archiveCalls.toLocaleString('en-US')}` };
}

interface DuckdbApi {
  DuckDBInstance: {
    create(
      path: string,
      options: Record<string, string>,
    ): Promise<{
      connect(): Promise<{ runAndReadAll(sql: string): Promise<{ getRowObjectsJS(): Record<string, unknown>[] }> }>;
    }>;
  };
}

/** The package, or null when it cannot be loaded (not installed, or no binding for this platform). */
export async function loadDuckdb(specifier: string = DUCKDB_PACKAGE): Promise<DuckdbApi | null> {
  // a variable specifier: the package is optional, typecheck must not need it
  try {
    return (await import(specifier)) as DuckdbApi;
  } catch {
    return null;
  }
}

export async function runDuckdbQuery(api: DuckdbApi, path: string, shape: DuckdbShape, threads = 2): Promise<ToolRow[]> {
  const instance = await api.DuckDBInstance.create(':memory:', { threads: String(threads) });
  const conn = await instance.connect();
  const reader = await conn.runAndReadAll(duckdbQuery(path, shape, statSync(path).size));
  return reader.getRowObjectsJS().map((r) => ({
    tool: r.tool === null ? null : String(r.tool),
    calls: Number(r.calls),
    mean_latency_ms: r.mean_latency_ms === null ? null : Number(r.mean_latency_ms),
  }));
}

async function main(): Promise<void> {
  exitWithHelpIfAsked(import.meta.url);
  const { values } = parseArgs({
    options: { input: { type: 'string' }, shape: { type: 'string', default: 'array' }, threads: { type: 'string', default: '2' } },
  });
  const shape = values.shape as DuckdbShape;
  if (!values.input || !DUCKDB_SHAPES.includes(shape)) {
    process.stderr.write(`usage: bench/duckdb.ts --input FILE --shape ${DUCKDB_SHAPES.join('|')} [--threads N]\n`);
    process.exit(2);
  }
  const api = await loadDuckdb();
  if (!api) {
    process.stderr.write(`${DUCKDB_SKIPPED}\n`);
    process.exit(3);
  }
  const rows = await runDuckdbQuery(api, values.input, shape, Number(values.threads));
  process.stdout.write(`${JSON.stringify(rows)}\n`);
}

if (isMain(import.meta.url)) {
  main().catch((err: unknown) => {
    process.stderr.write(`bench/duckdb: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
