/**
 * bench/tiny-files.ts — the archives of issue 9's "folder of 20k tiny files" and issue 13's
 * "1M distinct tool names", seeded and deterministic.
 *
 *   npx tsx bench/tiny-files.ts --out DIR [--files 20000] [--seed 1]
 *       a folder of FILES files, each a JSON array of one ~400-byte session (repo, 1-2 errors from
 *       a few templates, 3-12 tool calls over 6 tools, a duration; 1 in 10 a manual process);
 *   npx tsx bench/tiny-files.ts --tool-keys N --out FILE [--seed 1]
 *       one JSON Lines file of N/5 sessions with 5 calls each, every call a tool name of its own
 *       (positive latency: a slow-tools key each) — N distinct tool names.
 *
 * Then time the CLI on it, e.g. `node dist/cli.js --input DIR --format json --workers 1`.
 */
import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { exitWithHelpIfAsked } from './_help.js';
import { isMain } from './_is-main.js';

/** A small seeded PRNG (mulberry32): the same flags give the same bytes. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TOOLS = ['Read', 'Edit', 'Bash', 'Grep', 'Write', 'WebFetch'];
const REPOS = ['acme/api', 'acme/web', 'acme/infra', 'tools/cli'];
const ERRORS = ['Error: ENOENT: no such file or directory', 'TypeError: x is undefined', 'Build failed: exit code 2', 'Timeout after 30s'];

/** One tiny session (about 400 bytes of JSON). */
export function tinySession(r: () => number, i: number): Record<string, unknown> {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const manual = i % 10 === 0;
  const n = manual ? 11 : 3 + Math.floor(r() * 10);
  const tools = manual ? [pick(TOOLS)] : TOOLS;
  return {
    session_id: `tiny-${i.toString().padStart(6, '0')}-${Math.floor(r() * 1e9).toString(16)}`,
    repo: pick(REPOS),
    errors: Array.from({ length: 1 + Math.floor(r() * 2) }, () => ({ message: pick(ERRORS) })),
    tool_calls: Array.from({ length: n }, () => ({ tool: pick(tools), latency_ms: Math.round(10 + r() * 9000) })),
    duration_minutes: Math.round(r() * 1200) / 10,
  };
}

export function writeTinyFolder(dir: string, files: number, seed: number): void {
  mkdirSync(dir, { recursive: true });
  const r = rng(seed);
  for (let i = 0; i < files; i++) writeFileSync(join(dir, `s-${i.toString().padStart(6, '0')}.json`), JSON.stringify([tinySession(r, i)]));
}

export async function writeToolKeys(file: string, keys: number, seed: number): Promise<void> {
  const r = rng(seed);
  const out = createWriteStream(file);
  let k = 0;
  for (let s = 0; k < keys; s++) {
    const calls = [];
    for (let j = 0; j < 5 && k < keys; j++) calls.push({ tool: `tool_${(k++).toString(36)}_x`, latency_ms: Math.round(10 + r() * 9000) });
    const line = JSON.stringify({ session_id: `tk-${s}`, repo: 'acme/api', errors: [], tool_calls: calls, duration_minutes: 1.5 }) + '\n';
    if (!out.write(line)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

async function main(): Promise<void> {
  exitWithHelpIfAsked(import.meta.url);
  const { values } = parseArgs({
    options: {
      out: { type: 'string' },
      files: { type: 'string', default: '20000' },
      'tool-keys': { type: 'string' },
      seed: { type: 'string', default: '1' },
    },
  });
  if (values.out === undefined) throw new Error('--out is required');
  const seed = Number(values.seed);
  if (values['tool-keys'] !== undefined) await writeToolKeys(values.out, Number(values['tool-keys']), seed);
  else writeTinyFolder(values.out, Number(values.files), seed);
  process.stdout.write(`wrote ${values.out}\n`);
}

if (isMain(import.meta.url)) {
  main().catch((err: unknown) => {
    process.stderr.write(`tiny-files: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
