/**
 * What a Codex tool output says: exit code, duration and the command's text,
 * from a JSON-string output or from the header lines of a text output.
 */
import { isObj } from './_util.js';

export interface ExecOutput {
  exitCode?: number;
  durationS?: number;
  /** what the command printed (the message of an error) */
  text: string;
}

const EXIT_RES = [/^Exit code:\s*(-?\d+)\s*$/m, /^Process exited with code (-?\d+)\s*$/m];
const WALL_RE = /^Wall time:\s*([0-9]+(?:\.[0-9]+)?)\s*seconds\s*$/m;

export function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** Exit code, duration and output text of a Codex tool output string. */
export function parseExecOutput(raw: string): ExecOutput {
  const trimmed = raw.trimStart();
  if (trimmed.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch {
      // plain text that happens to start with "{": read as text below
      parsed = undefined;
    }
    if (isObj(parsed)) {
      const meta = isObj(parsed.metadata) ? parsed.metadata : parsed;
      const exitCode = num(meta.exit_code);
      if (exitCode !== undefined) {
        const out: ExecOutput = { exitCode, text: typeof parsed.output === 'string' ? parsed.output : '' };
        const d = num(meta.duration_seconds) ?? num(meta.wall_time_seconds);
        if (d !== undefined) out.durationS = d;
        return out;
      }
    }
  }
  const marker = /^Output:[ \t]*\r?$/m.exec(raw);
  const header = marker ? raw.slice(0, marker.index) : raw;
  const out: ExecOutput = { text: marker ? raw.slice(marker.index + marker[0].length).replace(/^\n/, '') : raw };
  for (const re of EXIT_RES) {
    const m = re.exec(header);
    if (m) {
      out.exitCode = Number(m[1]);
      break;
    }
  }
  const w = WALL_RE.exec(header);
  if (w) out.durationS = Number(w[1]);
  return out;
}
