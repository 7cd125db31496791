/** The tool's version (package.json), stamped on cache entries and distributed jobs. */
import { readFileSync } from 'node:fs';

let cached: string | undefined;

/** package.json sits two folders up from both src/cache/ and dist/cache/. */
export function toolVersion(): string {
  if (cached === undefined) {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
    cached = typeof pkg.version === 'string' ? pkg.version : 'unknown';
  }
  return cached;
}
