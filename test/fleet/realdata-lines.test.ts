/**
 * The hand-built realdata cases cite real files and lines: check that each cited
 * result line of ../shared/realdata holds the text the case claims, so the
 * fixtures cannot drift from the logs they mirror. Skips loudly without the folder.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ALL_CASES } from './_realdata-cases.js';

const ROOT = join(import.meta.dirname, '../../../shared/realdata');
const present = existsSync(ROOT);
if (!present) console.warn(`SKIPPED: ${ROOT} not found; the realdata citations of test/fleet/_realdata-cases.ts are not checked`);

describe.skipIf(!present)('realdata citations', () => {
  it('every failed or rejected call cites a result line that carries its error text', () => {
    let checked = 0;
    for (const s of ALL_CASES) {
      const lines = readFileSync(join(ROOT, s.file), 'utf8').split('\n');
      for (const c of s.calls) {
        if (c.errorText === undefined) continue;
        const line = lines[(c.resultLine ?? c.line) - 1]!;
        const first = c.errorText.replace(/<\/?tool_use_error>/g, '').split('\n')[0]!;
        expect(JSON.parse(line).sessionId).toBe(s.sessionId);
        expect(line).toContain(JSON.stringify(first).slice(1, -1));
        checked++;
      }
    }
    expect(checked).toBe(18);
  });
});
