/**
 * The reference's answers, recorded by fixtures/golden/make_goldens.py, against ours:
 * JSON deep-equal (and byte-equal after Infinity -> null), Markdown identical but the
 * Generated: line, same exit code and message. Every case runs with both decoders.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseReferenceJson, runCli, withoutGenerated } from './helpers.js';

interface GoldenCase {
  name: string;
  input: string;
  args: string[];
  exit: number;
  json: string | null;
  markdown: string | null;
  stderr?: string;
  note?: string;
}

/** argparse rejects these as values of a separate word; we accept them (documented). */
const ACCEPTED_USAGE = new Set(['usage_threshold_minus_inf_separate', 'usage_threshold_negative_exponent_separate']);

const dir = path.resolve(import.meta.dirname, '../fixtures/golden');
const cases = JSON.parse(readFileSync(path.join(dir, 'cases.json'), 'utf8')) as GoldenCase[];
const read = (f: string) => readFileSync(path.join(dir, f), 'utf8');

describe('golden cases recorded from the reference', () => {
  it('has cases', () => {
    expect(cases.length).toBeGreaterThan(30);
    for (const name of ACCEPTED_USAGE) expect(cases.map((c) => c.name)).toContain(name);
  });
  it.each(cases.filter((c) => c.json !== null && c.exit === 0).map((c) => [c.name, c] as const))(
    '%s with --workers 2, split into ~300-byte shards, equals the reference',
    async (_name, c) => {
      // tiny shards: every golden input is cut into element ranges decoded by worker threads
      process.env['FLEET_PROPOSALS_SHARD_BYTES'] = '300';
      let r;
      try {
        r = await runCli(['--input', path.join(dir, c.input), '--format', 'json', '--workers', '2', ...c.args]);
      } finally {
        delete process.env['FLEET_PROPOSALS_SHARD_BYTES'];
      }
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout)).toEqual(parseReferenceJson(read(c.json!)));
    },
  );

  describe.each(['fast', 'stream-json'] as const)('--parser %s', (parser) => {
    it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
      const input = path.join(dir, c.input);
      if (c.exit === 2) {
        // argparse's usage text is not ours to copy: same exit code, one line of our own
        const r = await runCli(['--input', input, '--parser', parser, ...c.args]);
        if (ACCEPTED_USAGE.has(c.name)) expect(r.code).toBe(0);
        else {
          expect(r.stdout).toBe('');
          expect(r.code).toBe(2);
          expect(r.stderr).toMatch(/^fleet-proposals: error: [^\n]*\n$/);
        }
        return;
      }
      if (c.json !== null) {
        const r = await runCli(['--input', input, '--format', 'json', '--workers', '1', '--parser', parser, ...c.args]);
        expect(r.stderr).toBe('');
        expect(r.code).toBe(c.exit);
        const expected = read(c.json);
        expect(JSON.parse(r.stdout)).toEqual(parseReferenceJson(expected));
        expect(r.stdout).toBe(expected.replace(/(?<=: )-?Infinity(?=,?\n)/g, 'null'));
      }
      if (c.markdown !== null) {
        const r = await runCli(['--input', input, '--workers', '1', '--parser', parser, ...c.args]);
        expect(r.code).toBe(c.exit);
        expect(withoutGenerated(r.stdout)).toBe(withoutGenerated(read(c.markdown)));
      }
      if (c.json === null && c.markdown === null) {
        const r = await runCli(['--input', input, '--workers', '1', '--parser', parser, ...c.args]);
        expect(r.code).toBe(c.exit);
        expect(r.stdout).toBe('');
        if (c.stderr !== undefined) expect(r.stderr).toBe(c.stderr);
      }
    });
  });
});
