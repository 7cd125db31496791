import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './helpers.js';

const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

describe('README', () => {
  it('shows the malformed-record message exactly as the CLI prints it', async () => {
    const example = /^Example: `(Invalid session: [^`]+)`\.$/m.exec(README)?.[1];
    expect(example).toBeDefined();
    // the file the example talks about: a string `tool_calls` in the sixth line of part-03.jsonl
    const dir = mkdtempSync(path.join(os.tmpdir(), 'fp-readme-'));
    const lines = ['a', 'b', 'c', 'd', 'e'].map((id) => JSON.stringify({ session_id: id }));
    lines.push(JSON.stringify({ session_id: 'f', tool_calls: 'x' }));
    writeFileSync(path.join(dir, 'part-03.jsonl'), lines.join('\n') + '\n');
    const r = await runCli(['--input', path.join(dir, 'part-03.jsonl'), '--strict', '--workers', '1']);
    expect(r.code).toBe(3);
    expect(r.stderr).toBe(`fleet-proposals: ${example!.replace('part-03.jsonl', path.join(dir, 'part-03.jsonl'))}\n`);
  });
});
