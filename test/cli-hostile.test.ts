/**
 * The CLI as a careless user meets it: empty values, stdin named twice, odd cache folders, a
 * price table that never ends, file names Node cannot pass through. In process (runCli) unless the
 * case needs a real process.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { runCli } from './helpers.js';

const CLI = path.resolve(import.meta.dirname, '../dist/cli.js');
const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'fp-clih-'));

function archive(dir: string): string {
  const f = path.join(dir, 'in.json');
  writeFileSync(f, JSON.stringify([{ session_id: 'a', errors: [{ message: 'Boom' }] }]));
  return f;
}

describe('an empty path', () => {
  it('is a usage error naming the flag (exit 2), not a file or folder named ""', async () => {
    const dir = tmp();
    const input = archive(dir);
    for (const [flag, args] of [
      ['--input', ['--input', '']],
      ['--input', ['--input', input, '']],
      ['--output', ['--input', input, '--output', '']],
      ['--output', ['--input', input, '--output=']],
      ['--emit-state', ['--input', input, '--emit-state', '']],
      ['--cache', ['--input', input, '--cache', '']],
      ['--prices', ['--input', input, '--profile', 'fleet', '--prices', '']],
      ['STATE', ['merge', '']],
      ['--output', ['merge', input, '--output', '']],
    ] as const) {
      const r = await runCli(args);
      expect(r.stderr, args.join(' ')).toBe(`fleet-proposals: error: argument ${flag}: expected a path, got an empty string (see --help)\n`);
      expect(r.code).toBe(2);
    }
  });
});

describe('stdin named twice', () => {
  it("is a usage error before anything is read: two readers would split one stream ('-' '-', '-' and /dev/stdin)", async () => {
    for (const args of [
      ['--input', '-', '-'],
      ['--input', '-', '--input', '/dev/fd/0'],
    ]) {
      const r = await runCli(args);
      expect(r.stderr, args.join(' ')).toBe(
        `fleet-proposals: error: argument --input: stdin can be read only once, and ${args.at(-1)} names it again (see --help)\n`,
      );
      expect(r.code).toBe(2);
    }
  });
});

describe('--cache DIR that cannot be a folder', () => {
  it('is exit 4 in plain words before any input is read; a missing path is created', async () => {
    const dir = tmp();
    const input = archive(dir);
    const missing = path.join(dir, 'missing.json'); // exit 4 rather than 3: the cache folder was checked first
    for (const [cache, why] of [
      [input, 'not a folder'],
      [path.join(input, 'sub'), 'not a folder'],
      ['/dev/null', 'not a folder'],
    ] as const) {
      const r = await runCli(['--input', missing, '--cache', cache]);
      expect(r.stderr, cache).toBe(`fleet-proposals: Cannot use the cache folder: ${why}, in ${cache}\n`);
      expect(r.code).toBe(4);
    }
    const made = path.join(dir, 'a', 'b', 'cache');
    const ok = await runCli(['--input', input, '--cache', made, '--format', 'json']);
    expect(ok.code).toBe(0);
    expect(statSync(made).isDirectory()).toBe(true);
  });

  it('under /proc (mkdir says ENOENT beneath a folder that exists) is exit 4, where fs.mkdir -p looped forever', () => {
    const r = spawnSync(process.execPath, [CLI, '--input', '/nonexistent.json', '--cache', '/proc/fp-cache-test/x'], {
      encoding: 'utf8',
      timeout: 15_000,
    });
    expect(r.signal).toBe(null); // not killed by the timeout
    expect(r.stderr).toBe('fleet-proposals: Cannot use the cache folder: no such file or folder, in /proc/fp-cache-test/x\n');
    expect(r.status).toBe(4);
  });
});

describe('--prices FILE that never ends', () => {
  it('(/dev/zero) stops at 64 MiB with a usage error, instead of filling memory up to V8 string limit', async () => {
    const r = await runCli(['--input', '/nonexistent.json', '--profile', 'fleet', '--prices', '/dev/zero']);
    expect(r.stderr).toBe('fleet-proposals: error: Invalid price table: larger than 64 MiB, in /dev/zero (see --help)\n');
    expect(r.code).toBe(2);
  });
});

describe('a file name that is not UTF-8', () => {
  // Node.js decodes names (argv, readdir) as UTF-8 and turns other bytes into U+FFFD, so it cannot
  // open such a file by the name it was given: say so, naming the bytes, instead of 'no such file'
  it('in a folder: exit 3 naming its bytes and what to do (the archive is not silently left out)', async () => {
    const dir = tmp();
    archive(dir);
    writeFileSync(Buffer.concat([Buffer.from(`${dir}/b`), Buffer.from([0xff, 0xfe]), Buffer.from('.json')]), '[]');
    const r = await runCli(['--input', dir]);
    expect(r.stderr).toBe(
      `fleet-proposals: Cannot read input: its name is not valid UTF-8, which Node.js cannot open by name (rename it), in ${dir}/b\\xff\\xfe.json\n`,
    );
    expect(r.code).toBe(3);
  });

  it('as an argument (which reaches us with U+FFFD in place of the bytes): exit 3 saying why it is not found', async () => {
    const dir = tmp();
    writeFileSync(Buffer.concat([Buffer.from(`${dir}/b`), Buffer.from([0xff]), Buffer.from('.json')]), '[]');
    const r = await runCli(['--input', `${dir}/b\uFFFD.json`]);
    expect(r.stderr).toBe(
      `fleet-proposals: Cannot read input: no such file or folder (a name holding bytes that are not UTF-8 reaches Node.js with U+FFFD in their place, and cannot be opened: rename it), in ${dir}/b\uFFFD.json\n`,
    );
    expect(r.code).toBe(3);
  });
});

describe('system errors on a path', () => {
  it('say the reason once, in words, without the syscall and a second copy of the path', async () => {
    const long = `${'a'.repeat(300)}.json`;
    const input = await runCli(['--input', long]);
    expect(input.stderr).toBe(`fleet-proposals: Cannot read input: name too long, in ${long}\n`);
    expect(input.code).toBe(3);
    const state = await runCli(['merge', long]);
    expect(state.stderr).toBe(`fleet-proposals: Cannot read state file: name too long, in ${long}\n`);
    expect(state.code).toBe(3);
  });
});

describe('merge -', () => {
  it('reads a state from stdin, in its place among the arguments (it was taken for --input and refused)', async () => {
    const dir = tmp();
    const input = archive(dir);
    const state = path.join(dir, 'a.state');
    expect((await runCli(['--input', input, '--emit-state', state])).code).toBe(0);
    const expected = (await runCli(['merge', state, state, '--format', 'json', '--threshold', '0'])).stdout;
    const r = spawnSync(process.execPath, [CLI, 'merge', '-', state, '--format', 'json', '--threshold', '0'], {
      input: readFileSync(state),
      encoding: 'utf8',
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(expected);
    const twice = await runCli(['merge', '-', '-']);
    expect(twice.stderr).toBe('fleet-proposals: error: merge: stdin can be read only once (see --help)\n');
    expect(twice.code).toBe(2);
  });
});

describe('worker --concurrency', () => {
  it('says what was typed when it is not a positive integer (it said NaN for abc)', async () => {
    for (const bad of ['abc', '0', '1.5', '', '1e3']) {
      const r = await runCli(['worker', '--redis', 'redis://127.0.0.1:1', `--concurrency=${bad}`]);
      expect(r.stderr, bad).toBe(`fleet-proposals: error: argument --concurrency: must be a positive integer, got '${bad}' (see --help)\n`);
      expect(r.code).toBe(2);
    }
  });
});

describe('a temporary folder that cannot be written (TMPDIR)', () => {
  it('is exit 4 naming it: a gzipped agent log is inflated there first (it was exit 70, "internal error")', async () => {
    const dir = tmp();
    const log = path.resolve(import.meta.dirname, '../fixtures/agents/claude-code/-home-dev-alpha');
    const name = readdirSync(log).find((n) => n.endsWith('.jsonl'))!;
    const gz = path.join(dir, `${name}.gz`);
    writeFileSync(gz, gzipSync(readFileSync(path.join(log, name))));
    const saved = process.env['TMPDIR'];
    process.env['TMPDIR'] = path.join(dir, 'missing');
    try {
      const r = await runCli(['--input', gz, '--workers', '1']);
      expect(r.stderr).toBe(
        `fleet-proposals: Cannot write the temporary copy of an agent log: no such file or folder, in ${dir}/missing (TMPDIR: set it to a writable folder)\n`,
      );
      expect(r.code).toBe(4);
    } finally {
      if (saved === undefined) delete process.env['TMPDIR'];
      else process.env['TMPDIR'] = saved;
    }
  });
});

describe('stdin in messages', () => {
  const viaStdin = (args: string[], input: string) => spawnSync(process.execPath, [CLI, ...args], { input, encoding: 'utf8' });

  it("is named <stdin> in errors and warnings, for --input - and merge -: 'in -' read as garbage", () => {
    const bad = viaStdin(['--input', '-'], '[1');
    expect(bad.stderr).toBe('fleet-proposals: Invalid JSON: unexpected end of input (truncated?), at byte 2, line 1 in <stdin>\n');
    expect(bad.status).toBe(3);
    const piped = viaStdin([], '[1'); // no --input: stdin because it is piped
    expect(piped.stderr).toBe(bad.stderr);
    const first = '{"session_id": "a", "errors": [{"message": "x"}]}\n';
    const odd = viaStdin(['--input', '-', '--format', 'json'], `${first}5\n`);
    expect(odd.stderr.split('\n')[0]).toBe(`Invalid session: record is a number, expected an object, at byte ${first.length}, line 2 in <stdin>`);
    expect(odd.status).toBe(0);
    const state = viaStdin(['merge', '-'], 'garbage');
    expect(state.stderr).toMatch(/^fleet-proposals: Invalid state file: .*, in <stdin>\n$/);
    expect(state.status).toBe(3);
  });
});

describe('gzip with bytes after its end', () => {
  it('is exit 3 located at the first byte after the last member, for a file with any workers and for stdin (it was "at byte 0", or where inflating had got)', async () => {
    const dir = tmp();
    const gz = path.join(dir, 'trail.json.gz');
    const doc = JSON.stringify(Array.from({ length: 200 }, (_, i) => ({ session_id: `s${i}`, errors: [{ message: `E${i % 7}` }] })));
    const member = gzipSync(doc);
    // more than the inflater's 16 KB buffer: the writer once waited for a 'drain' that never came (exit 13, no message)
    const bytes = Buffer.concat([member, Buffer.from('GARBAGE'.repeat(4000))]);
    writeFileSync(gz, bytes);
    const message = (name: string) =>
      `fleet-proposals: Invalid gzip data: bytes after the end of the gzip stream, at byte ${member.length} in ${name}\n`;
    for (const workers of ['1', '2']) {
      const r = await runCli(['--input', gz, '--workers', workers]);
      expect(r.stderr, workers).toBe(message(gz));
      expect(r.code).toBe(3);
    }
    const r = spawnSync(process.execPath, [CLI, '--input', '-'], { input: bytes, encoding: 'utf8' });
    expect(r.stderr).toBe(message('<stdin>'));
    expect(r.status).toBe(3);
  });
});

describe('--hourly-rate with the fleet profile', () => {
  it('must be a number from 0 to 1,000,000 (nan gave dollars_per_week null everywhere, -5 negative dollars, 1e308 "$Infinity/week"); the seed profile ignores it, as the reference', async () => {
    const dir = tmp();
    const input = archive(dir);
    for (const bad of ['nan', 'inf', '-5', '1e999', '1e308', '1000000.01']) {
      const r = await runCli(['--input', input, '--profile', 'fleet', '--hourly-rate', bad]);
      expect(r.stderr, bad).toBe(
        `fleet-proposals: error: argument --hourly-rate: the fleet profile prices hours with it: expected a number from 0 to 1,000,000, got '${bad}' (see --help)\n`,
      );
      expect(r.code).toBe(2);
    }
    expect((await runCli(['--input', input, '--hourly-rate', 'nan', '--format', 'json'])).code).toBe(0);
    expect((await runCli(['--input', input, '--profile', 'fleet', '--hourly-rate', '0', '--format', 'json'])).code).toBe(0);
    expect((await runCli(['--input', input, '--profile', 'fleet', '--hourly-rate', '1000000', '--format', 'json'])).code).toBe(0);
  });

  it('is checked in merge too, once the first state names the fleet profile (nan gave null dollars there)', async () => {
    const dir = tmp();
    const state = path.join(dir, 'a.state');
    expect((await runCli(['--input', archive(dir), '--profile', 'fleet', '--emit-state', state])).code).toBe(0);
    const bad = await runCli(['merge', state, state, '--hourly-rate', 'nan']);
    expect(bad.stderr).toBe(
      "fleet-proposals: error: argument --hourly-rate: the fleet profile prices hours with it: expected a number from 0 to 1,000,000, got 'NaN' (see --help)\n",
    );
    expect(bad.code).toBe(2);
    expect((await runCli(['merge', state, '--hourly-rate', '20', '--format', 'json'])).code).toBe(0);
  });
});

describe('inputs that were already handled (README promises, pinned)', () => {
  it('links that lead nowhere, empty and endless devices, odd names: one line, exit 3, or the report', async () => {
    const dir = tmp();
    const input = archive(dir);
    const loop = path.join(dir, 'loop-a.json');
    symlinkSync(path.join(dir, 'loop-b.json'), loop);
    symlinkSync(loop, path.join(dir, 'loop-b.json'));
    const dangling = path.join(dir, 'dangling.json');
    symlinkSync(path.join(dir, 'nowhere.json'), dangling);
    const blank = path.join(dir, 'blank.json');
    writeFileSync(blank, ' \r\n\t\n');
    for (const [file, line] of [
      [loop, `Cannot read input: too many levels of symbolic links, in ${loop}`],
      [dangling, `Cannot read input: no such file or folder, in ${dangling}`],
      ['/dev/null', 'Invalid JSON: expecting a value (the input is empty), at byte 0, line 1 in /dev/null'],
      ['/dev/zero', 'Invalid JSON: expected a value, at byte 0, line 1 in /dev/zero'], // a NUL byte: not endless
      [blank, `Invalid JSON: expecting a value (the input is empty), at byte 0, line 1 in ${blank}`],
    ] as const) {
      const r = await runCli(['--input', file]);
      expect(r.stderr, file).toBe(`fleet-proposals: ${line}\n`);
      expect(r.code).toBe(3);
    }
    const expected = (await runCli(['--input', input, '--format', 'json'])).stdout;
    for (const name of ['with space.json', 'new\nline.json']) {
      const f = path.join(dir, name);
      writeFileSync(f, readFileSync(input));
      const r = await runCli(['--input', f, '--format', 'json']);
      expect(r.stdout, name).toBe(expected);
    }
    // a leading dash after a space is a flag, as with argparse: a usage error, not a read (--input=-x or ./-x read it)
    const dash = await runCli(['--input', '-dash.json']);
    expect(dash.stderr).toMatch(/^fleet-proposals: error: /);
    expect(dash.code).toBe(2);
  });
});
