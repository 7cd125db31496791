import { Writable } from 'node:stream';
import { cli } from '../src/cli.js';
import type { Io } from '../src/main.js';

export const FIXED_NOW = new Date('2026-01-02T03:04:05.678Z');

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _enc: BufferEncoding, cb: () => void): void {
    this.text += chunk.toString();
    cb();
  }
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run the CLI in-process with captured output and a fixed clock (workers run dist/workers/shard-worker.js). */
export async function runCli(args: readonly string[], extra: Partial<Io> = {}): Promise<CliRun> {
  const stdout = new Capture();
  const stderr = new Capture();
  const code = await cli(args, { stdout, stderr, now: () => FIXED_NOW, ...extra });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

/** Markdown equality but the `Generated:` line. */
export function withoutGenerated(md: string): string {
  return md.replace(/^Generated: .*$/m, 'Generated: <now>');
}

/** The reference writes Infinity where we write null (documented). */
export function parseReferenceJson(text: string): unknown {
  return JSON.parse(text.replace(/(?<=[:[,]\s*)(-?)Infinity\b/g, 'null'));
}
