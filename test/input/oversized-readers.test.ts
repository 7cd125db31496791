/**
 * Each profile gives the decoder its own message readers (input/message-readers.ts): a
 * huge message is kept as a stand-in proven for the readers of the profile that runs,
 * not for another profile's. Before, the decoder imported the fleet's readers and proved
 * every stand-in for both profiles, so a seed run refused a message that only the
 * fleet's key could not read from a prefix (no newline in it).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fleetMessageReaders } from '../../src/fleet/message-readers.js';
import { FastDecoder } from '../../src/input/fast-decoder.js';
import type { MessageReaders } from '../../src/input/message-readers.js';
import { oversized } from '../../src/input/_oversized.js';
import { readMessage, reduceMessage } from '../../src/input/_oversized-message.js';
import { seedMessageReaders } from '../../src/profiles/seed/message-readers.js';
import { runCli } from '../helpers.js';

// one line, no newline: the seed's key is settled by a prefix, the fleet's key (three lines) is not
const ONE_LINE = `Error: disk quota exceeded ${'on volume '.repeat(10_000)}`;
// the fleet's key is settled by its first lines, and so is the seed's
const LINES = `Error: disk quota exceeded\\n${'on volume\\n'.repeat(10_000)}`;

const saved = { ...oversized };
beforeEach(() => {
  oversized.bytes = 50_000;
  oversized.messageUnits = 20_000;
  oversized.pieceBytes = 7_001;
});
afterEach(() => Object.assign(oversized, saved));

function messageOf(json: string, readers: readonly MessageReaders[] | undefined): string {
  const out: Array<{ errors: Array<{ message: string }> }> = [];
  const d = new FastDecoder((e) => e.kind === 'record' && out.push(e.record.value as (typeof out)[number]), {
    file: 'x.json',
    ...(readers === undefined ? {} : { messageReaders: readers }),
  });
  d.push(Buffer.from(`[{"errors": [{"message": "${json}"}]}]`));
  d.end();
  return out[0]!.errors[0]!.message;
}

describe('the stand-in is proven for the readers given', () => {
  const text = ONE_LINE;
  it('a prefix that settles the seed key only: kept for the seed, refused for the fleet and for both', () => {
    const pieces = () => [text.slice(0, 30_000), text.slice(30_000)];
    const seed = reduceMessage(pieces(), 20_000, [seedMessageReaders]);
    expect(seed).toBeDefined();
    expect(seed!.length).toBeLessThan(text.length);
    expect(readMessage(seed!, [seedMessageReaders])).toEqual(readMessage(text, [seedMessageReaders]));
    expect(reduceMessage(pieces(), 20_000, [fleetMessageReaders])).toBeUndefined();
    expect(reduceMessage(pieces(), 20_000, [seedMessageReaders, fleetMessageReaders])).toBeUndefined();
  });

  it('without readers nothing says what may be dropped: refused', () => {
    expect(reduceMessage([text], 20_000, [])).toBeUndefined();
    expect(() => messageOf(ONE_LINE, undefined)).toThrow(/^Value too large: an error message of \d+ bytes at byte 25 in x.json$/);
  });

  it('the decoder keeps the stand-in its readers read alike', () => {
    const whole = LINES.replaceAll('\\n', '\n');
    for (const readers of [[seedMessageReaders], [fleetMessageReaders], [seedMessageReaders, fleetMessageReaders]]) {
      const kept = messageOf(LINES, readers);
      expect(kept.length).toBeLessThan(whole.length);
      expect(readMessage(kept, readers)).toEqual(readMessage(whole, readers));
    }
    expect(messageOf(ONE_LINE, [seedMessageReaders]).length).toBeLessThan(ONE_LINE.length);
    expect(() => messageOf(ONE_LINE, [fleetMessageReaders])).toThrow(/^Value too large: an error message/);
  });
});

describe('the CLI gives the decoder the running profile readers', () => {
  const dir = mkdtempSync(join(tmpdir(), 'oversized-readers-'));
  const file = join(dir, 'one-line.jsonl');
  writeFileSync(file, `{"session_id": "a", "errors": [{"message": "${ONE_LINE}"}, {"message": "${ONE_LINE}"}, {"message": "${ONE_LINE}"}]}\n`);

  it('seed keeps the one-line message and reports it as usual; fleet refuses it, located (1 and 2 workers)', async () => {
    const usual = (await runCli(['--input', file, '--format', 'json', '--threshold', '0'])).stdout;
    expect(usual).toContain('error: disk quota exceeded on volume');
    const old = process.env['FLEET_PROPOSALS_OVERSIZED_BYTES'];
    process.env['FLEET_PROPOSALS_OVERSIZED_BYTES'] = '50000';
    try {
      for (const workers of ['1', '2']) {
        const seed = await runCli(['--input', file, '--format', 'json', '--threshold', '0', '--workers', workers]);
        expect([workers, seed.code, seed.stdout]).toEqual([workers, 0, usual]);
        const fleet = await runCli(['--input', file, '--profile', 'fleet', '--format', 'json', '--workers', workers]);
        expect([workers, fleet.code]).toEqual([workers, 3]);
        expect(fleet.stderr).toMatch(/^fleet-proposals: Value too large: an error message of \d+ bytes at byte 43 in .*one-line\.jsonl\n$/);
      }
    } finally {
      if (old === undefined) delete process.env['FLEET_PROPOSALS_OVERSIZED_BYTES'];
      else process.env['FLEET_PROPOSALS_OVERSIZED_BYTES'] = old;
    }
  }, 120_000);
});
