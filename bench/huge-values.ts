/**
 * bench/huge-values.ts — kept values over V8's string limit (issue #9, "A kept string
 * over V8's limit"): does a session-format archive with a 600 MB value run, give the
 * reference's output, and at what time and peak RSS?
 *
 *   npx tsx bench/huge-values.ts [--mb 600] [--case message|array|both] [--dist dist] [--no-reference]
 *
 * Cases, written into a temporary folder (removed at the end):
 *   - message: 3 sessions; the second has one error whose message is `--mb` MB of log
 *     lines ("step N: compiling module_N ... ok\n", no run of one character to shorten,
 *     so the stand-in is a prefix and the whole text is searched for the taxonomy);
 *   - array: 3 sessions; the second's `errors` is `--mb` MB of `{"message":"e"}`.
 * For each: `node DIST/cli.js --input F --format json` and the reference
 * (`python3 ../shared/reference/improvement_proposals.py --input F --format json`), one
 * after the other, each under /usr/bin/time (wall seconds, peak RSS); the outputs are
 * compared without their `generated_at` line. Exit 1 when they differ.
 *
 * Numbers: see README, "Limits"; the run that produced them is named there (command, date).
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { exitWithHelpIfAsked } from './_help.js';

exitWithHelpIfAsked(import.meta.url);

const { values } = parseArgs({
  options: {
    mb: { type: 'string', default: '600' },
    case: { type: 'string', default: 'both' },
    dist: { type: 'string', default: 'dist' },
    'no-reference': { type: 'boolean', default: false },
  },
});
const bytes = Number(values.mb) * 1e6;
const cli = resolve(values.dist, 'cli.js');
const reference = resolve(import.meta.dirname, '../../shared/reference/improvement_proposals.py');

const HEAD = 'Error: build failed at /src/app.ts\\n';
const line = (n: number) => `step ${n}: compiling module_${n % 977} ... ok\\n`;
/** The huge message's first lines: the other sessions' error, with the same keys. */
const SHORT = `${HEAD}${line(0)}${line(1)}${line(2)}${line(3)}${line(4)}`;

async function write(path: string, middle: (put: (s: string) => Promise<void>) => Promise<void>): Promise<void> {
  const out = createWriteStream(path);
  const put = async (s: string) => {
    if (!out.write(s)) await once(out, 'drain');
  };
  await put(`[{"session_id": "first", "repo": "a", "errors": [{"message": "${SHORT}"}]},\n`);
  await put('{"session_id": "huge", "repo": "b", "tool_calls": [{"tool": "bash", "latency_ms": 9000}], ');
  await middle(put);
  await put(`},\n{"session_id": "last", "repo": "a", "errors": [{"message": "${SHORT}"}, {"message": "e"}, {"message": "e"}]}]\n`);
  out.end();
  await once(out, 'finish');
}

async function messageCase(path: string): Promise<void> {
  await write(path, async (put) => {
    await put(`"errors": [{"message": "${HEAD}`);
    let n = 0;
    let parts: string[] = [];
    for (let written = 0; written < bytes; ) {
      const l = line(n);
      parts.push(l);
      written += l.length;
      n++;
      if (parts.length === 10000) {
        await put(parts.join(''));
        parts = [];
      }
    }
    await put(`${parts.join('')}"}, {"message": "e"}]`);
  });
}

async function arrayCase(path: string): Promise<void> {
  await write(path, async (put) => {
    await put('"errors": [{"message":"e"}');
    const block = ',{"message":"e"}'.repeat(65536);
    for (let written = 0; written < bytes; written += block.length) await put(block);
    await put(']');
  });
}

interface Run {
  out: string;
  code: number | null;
  wall: number;
  rssMb: number;
  err: string;
}

function timed(cmd: string, args: string[]): Run {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %M', cmd, ...args], { encoding: 'utf8', maxBuffer: 1 << 30 });
  const lines = r.stderr.trimEnd().split('\n');
  const [wall, kb] = (lines.pop() ?? '0 0').split(' ').map(Number);
  return { out: r.stdout, code: r.status, wall: wall ?? 0, rssMb: (kb ?? 0) / 1024, err: lines.join('\n') };
}

const withoutDate = (s: string) =>
  s
    .split('\n')
    .filter((l) => !l.includes('generated'))
    .join('\n');

const dir = mkdtempSync(join(tmpdir(), 'huge-values-'));
let failed = false;
try {
  for (const [name, make] of [
    ['message', messageCase],
    ['array', arrayCase],
  ] as const) {
    if (values.case !== 'both' && values.case !== name) continue;
    const file = join(dir, `${name}.json`);
    await make(file);
    const ours = timed(process.execPath, [cli, '--input', file, '--format', 'json']);
    console.log(`${name} (${values.mb} MB): ours exit ${ours.code}, ${ours.wall.toFixed(1)} s, peak RSS ${ours.rssMb.toFixed(0)} MB ${ours.err}`);
    if (values['no-reference']) continue;
    const ref = timed('python3', [reference, '--input', file, '--format', 'json']);
    const same = ref.code === ours.code && withoutDate(ref.out) === withoutDate(ours.out);
    console.log(
      `${name} (${values.mb} MB): reference exit ${ref.code}, ${ref.wall.toFixed(1)} s, peak RSS ${ref.rssMb.toFixed(0)} MB; output ${same ? 'identical' : 'DIFFERENT'}`,
    );
    if (!same) failed = true;
    rmSync(file);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
