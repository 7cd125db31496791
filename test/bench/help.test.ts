/**
 * Every bench script answers `--help` (and `-h`) with its own header comment and exit 0, before a
 * strict `parseArgs` would refuse the flag (bench/_help.ts); before, all but run.ts and generate.ts
 * crashed with parseArgs' "Unknown option '--help'".
 */
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '../..');
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');
/** the bench scripts: every .ts of bench/ but the shared modules, whose names start with '_' */
const SCRIPTS = readdirSync(path.join(ROOT, 'bench')).filter((f) => f.endsWith('.ts') && !f.startsWith('_'));

describe('bench scripts --help', () => {
  it('finds the scripts', () => {
    expect(SCRIPTS).toEqual(expect.arrayContaining(['run.ts', 'generate.ts', 'many-keys.ts', 'cache.ts', 'tool-calls.ts']));
  });

  it.each(SCRIPTS.map((s) => [s, SCRIPTS.indexOf(s) % 2 === 0 ? '--help' : '-h'] as const))(
    '%s %s prints its header and exits 0',
    async (script, flag) => {
      const { stdout, stderr } = await run(TSX, [path.join('bench', script), flag], { cwd: ROOT });
      expect(stderr).toBe('');
      expect(stdout.startsWith(`bench/${script}`)).toBe(true);
      expect(stdout).not.toContain('*/');
    },
  );
});
