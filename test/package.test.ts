import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { license: string; version: string };

describe('package', () => {
  it('ships the LICENSE text that package.json names', () => {
    expect(pkg.license).toBe('MIT');
    const text = readFileSync(new URL('../LICENSE', import.meta.url), 'utf8');
    expect(text.split('\n')[0]).toBe('MIT License');
    expect(text).toMatch(/^Copyright \(c\) \d{4} /m);
    expect(text).toContain('THE SOFTWARE IS PROVIDED "AS IS"');
  });
});

describe('--version', () => {
  it("prints the installed package's own version, not the host project's", () => {
    // a host project (version 9.9.9) with this package installed in node_modules at another version
    const host = mkdtempSync(path.join(os.tmpdir(), 'fp-host-'));
    writeFileSync(path.join(host, 'package.json'), JSON.stringify({ name: 'host', version: '9.9.9' }));
    const installed = path.join(host, 'node_modules', 'fleet-proposals');
    mkdirSync(installed, { recursive: true });
    cpSync(new URL('../dist', import.meta.url), path.join(installed, 'dist'), { recursive: true });
    writeFileSync(path.join(installed, 'package.json'), JSON.stringify({ ...pkg, version: '3.2.1-installed' }));
    symlinkSync(fileURLToPath(new URL('../node_modules', import.meta.url)), path.join(installed, 'node_modules'));
    const r = spawnSync(process.execPath, [path.join(installed, 'dist', 'cli.js'), '--version'], { cwd: host, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('3.2.1-installed\n');
    expect(r.status).toBe(0);
  });
});
