/**
 * A short stable digest of a tool call's input: equal for the same action
 * repeated (same tool, same arguments), whatever the key order in the log.
 * SHA-1 of the canonical JSON (object keys sorted), first 16 hex digits:
 * 64 bits, so two different actions of one archive collide with a
 * probability under 1e-9 below 190,000 distinct actions.
 */
import { createHash } from 'node:crypto';

/** Deeper values are digested as a marker: a log line nested 5000 levels deep must not overflow the stack. */
const MAX_DEPTH = 64;

function canonical(v: unknown, out: string[], depth = 0): void {
  if (depth > MAX_DEPTH && typeof v === 'object' && v !== null) {
    out.push('"\u0000deep"');
  } else if (Array.isArray(v)) {
    out.push('[');
    v.forEach((x, i) => {
      if (i > 0) out.push(',');
      canonical(x, out, depth + 1);
    });
    out.push(']');
  } else if (typeof v === 'object' && v !== null) {
    out.push('{');
    Object.keys(v)
      .sort()
      .forEach((k, i) => {
        if (i > 0) out.push(',');
        out.push(JSON.stringify(k), ':');
        canonical((v as Record<string, unknown>)[k], out, depth + 1);
      });
    out.push('}');
  } else {
    out.push(v === undefined ? 'null' : JSON.stringify(v));
  }
}

/** Digest of (tool, input). */
export function inputDigest(tool: string, input: unknown): string {
  const parts: string[] = [JSON.stringify(tool), '\u0000'];
  canonical(input, parts);
  return createHash('sha1').update(parts.join('')).digest('hex').slice(0, 16);
}
