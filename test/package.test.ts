import { readFileSync } from 'node:fs';
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
