/**
 * The law of `--cache`: whatever happened to the files between runs (appends,
 * edits, deletions, renames, touches, new files), a run with the cache writes
 * the same report, the same warnings and the same exit code as a run without.
 */
import { mkdtempSync, promises as fsp, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers.js';
import { jsonLines, recordArb } from './_archive.js';

const root = mkdtempSync(path.join(os.tmpdir(), 'fp-cache-prop-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const LONG = process.env['FLEET_PROPOSALS_LONG_TESTS'] === '1';

type Op =
  | { kind: 'append'; file: number; records: unknown[]; partial: boolean }
  | { kind: 'edit'; file: number; records: unknown[] }
  | { kind: 'delete'; file: number }
  | { kind: 'rename'; file: number; to: string }
  | { kind: 'touch'; file: number; seconds: number }
  | { kind: 'create'; name: string; records: unknown[] }
  | { kind: 'corrupt'; file: number }
  /** lines appended the other way round: a newline first, none at the end (the file's last line stays unterminated) */
  | { kind: 'append-unterminated'; file: number; records: unknown[] }
  /** the first line replaced by another record of the same byte length, then lines appended: looks like growth */
  | { kind: 'rewrite-then-append'; file: number; record: unknown; records: unknown[] };

const nameArb = fc.constantFrom('a', 'b', 'c', 'd', 'e', 'z').chain((n) => fc.constantFrom(`${n}.jsonl`, `${n}.json`));
const recordsArb = fc.array(recordArb, { minLength: 1, maxLength: 6 });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('append' as const), file: fc.nat(), records: recordsArb, partial: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('edit' as const), file: fc.nat(), records: recordsArb }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete' as const), file: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('rename' as const), file: fc.nat(), to: nameArb }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('touch' as const), file: fc.nat(), seconds: fc.integer({ min: 1, max: 1e6 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('create' as const), name: nameArb, records: recordsArb }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('corrupt' as const), file: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('append-unterminated' as const), file: fc.nat(), records: recordsArb }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('rewrite-then-append' as const), file: fc.nat(), record: recordArb, records: recordsArb }) },
);

/** Serialise records in the file's format: JSON Lines, or one JSON array. */
function render(name: string, records: readonly unknown[]): string {
  return name.endsWith('.jsonl') ? jsonLines(records) : JSON.stringify(records, null, 1);
}

async function apply(dir: string, files: Map<string, unknown[]>, op: Op, pending: Map<string, string>): Promise<void> {
  const names = [...files.keys()].sort();
  const pick = (i: number) => names[i % names.length]!;
  if (op.kind === 'create') {
    if (files.has(op.name)) return;
    files.set(op.name, op.records);
    await fsp.writeFile(path.join(dir, op.name), render(op.name, op.records));
    return;
  }
  if (names.length === 0) return;
  const name = pick(op.file);
  const p = path.join(dir, name);
  const records = files.get(name)!;
  switch (op.kind) {
    case 'append':
      if (name.endsWith('.jsonl')) {
        // with `partial`, only the first half goes in now: the next run sees a writer caught
        // mid-line, and the next append to this file writes the rest first
        const text = (pending.get(name) ?? '') + jsonLines(op.records);
        const cut = op.partial ? Math.floor(text.length / 2) : text.length;
        await fsp.appendFile(p, text.slice(0, cut));
        if (cut < text.length) pending.set(name, text.slice(cut));
        else pending.delete(name);
      } else await fsp.writeFile(p, render(name, [...records, ...op.records]));
      files.set(name, [...records, ...op.records]);
      return;
    case 'edit': {
      pending.delete(name);
      const next = [...op.records, ...records.slice(1)];
      files.set(name, next);
      await fsp.writeFile(p, render(name, next));
      return;
    }
    case 'delete':
      files.delete(name);
      pending.delete(name);
      await fsp.rm(p);
      return;
    case 'rename': {
      if (files.has(op.to) || op.to.endsWith('.jsonl') !== name.endsWith('.jsonl')) return;
      files.delete(name);
      files.set(op.to, records);
      if (pending.has(name)) pending.set(op.to, pending.get(name)!);
      pending.delete(name);
      await fsp.rename(p, path.join(dir, op.to));
      return;
    }
    case 'touch': {
      const t = new Date(Date.UTC(2026, 0, 1) + op.seconds * 1000);
      await fsp.utimes(p, t, t);
      return;
    }
    case 'rewrite-then-append': {
      if (!name.endsWith('.jsonl') || pending.has(name)) return;
      const text = await fsp.readFile(p, 'utf8');
      const nl = text.indexOf('\n');
      const line = JSON.stringify(op.record);
      if (nl < 0 || line.length > nl) return;
      await fsp.writeFile(p, line.padEnd(nl, ' ') + text.slice(nl) + jsonLines(op.records));
      files.set(name, [op.record, ...records.slice(1), ...op.records]);
      return;
    }
    case 'append-unterminated': {
      if (!name.endsWith('.jsonl') || pending.has(name)) return;
      const text = await fsp.readFile(p, 'utf8');
      const lead = text.length === 0 || text.endsWith('\n') ? '' : '\n';
      await fsp.appendFile(p, lead + op.records.map((r) => JSON.stringify(r)).join('\n'));
      files.set(name, [...records, ...op.records]);
      return;
    }
    case 'corrupt':
      // invalid JSON: both runs must fail alike; appended, so a later append keeps it invalid
      if (name.endsWith('.jsonl')) await fsp.appendFile(p, '{"session_id": "x", \n');
      return;
  }
}

function withoutCacheLine(stderr: string): string {
  return stderr.replace(/^Reused .* from the cache, read .*\n/m, '');
}

describe('analyzeWithCache (property)', () => {
  it('writes the report of a run without cache, whatever changed between runs', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(nameArb, recordsArb), { minLength: 1, maxLength: 4 }),
        fc.array(fc.array(opArb, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 4 }),
        fc.constantFrom('json', 'markdown'),
        async (initial, steps, format) => {
          const dir = path.join(root, `run${run}`, 'in');
          const cache = path.join(root, `run${run++}`, 'cache');
          await fsp.mkdir(dir, { recursive: true });
          const files = new Map<string, unknown[]>();
          const pending = new Map<string, string>();
          for (const [name, records] of initial) if (!files.has(name)) await apply(dir, files, { kind: 'create', name, records }, pending);
          // threshold 0: every pattern is in the report, so any difference in the state shows
          const args = ['--input', dir, '--format', format, '--workers', '1', '--threshold', '0'];
          const stateArgs = ['--input', dir, '--workers', '1', '--emit-state'];
          const plainState = path.join(dir, '..', 'plain.state');
          const cachedState = path.join(dir, '..', 'cached.state');
          for (const step of [[], ...steps]) {
            for (const op of step) await apply(dir, files, op, pending);
            if (files.size === 0) break;
            const plain = await runCli(args);
            const cached = await runCli([...args, '--cache', cache]);
            expect(cached.code).toBe(plain.code);
            expect(cached.stdout).toBe(plain.stdout);
            expect(withoutCacheLine(cached.stderr)).toBe(plain.stderr);
            // the whole state too (the document --emit-state writes), byte for byte
            const ps = await runCli([...stateArgs, plainState]);
            const cs = await runCli([...stateArgs, cachedState, '--cache', cache]);
            expect(cs.code).toBe(ps.code);
            if (ps.code === 0) expect(await fsp.readFile(cachedState, 'utf8')).toBe(await fsp.readFile(plainState, 'utf8'));
            // a second cached run reads nothing and still agrees
            const again = await runCli([...args, '--cache', cache]);
            expect(again.stdout).toBe(plain.stdout);
            if (plain.code === 0) expect(again.stderr).toMatch(/^Reused \d+ files? \(.*\) from the cache, read 0 \(0 B\)$/m);
          }
        },
      ),
      // up to 25 CLI runs each: npm test runs 15, FLEET_PROPOSALS_LONG_TESTS=1 (README, "Tests") the long count, 30
      { numRuns: LONG ? 30 : 15 },
    );
  }, 240_000);
});
