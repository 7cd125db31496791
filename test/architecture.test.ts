/**
 * The house's import rules (.dependency-cruiser.cjs, run on src/ and assembly/ by `npm run lint`)
 * can fail: each kind of violation is planted in a small tree of its own and must be reported,
 * and the same tree without it must pass. The real tree's check is the lint step's, not this test's
 * (cruising all of src/ takes ~8 s).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { cruise, type IForbiddenRuleType } from 'dependency-cruiser';
import { afterEach, describe, expect, it } from 'vitest';

const config = createRequire(import.meta.url)('../.dependency-cruiser.cjs') as {
  forbidden: IForbiddenRuleType[];
  options: Record<string, unknown>;
};

let dir: string | undefined;
afterEach(() => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

/** The violations (rule name, from → to) the house's rules find in a tree of these files. */
async function violations(files: Record<string, string>): Promise<string[]> {
  dir = mkdtempSync(path.join(os.tmpdir(), 'fp-architecture-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  const result = await cruise(['src'], {
    baseDir: dir,
    ruleSet: { forbidden: config.forbidden },
    tsPreCompilationDeps: true,
    validate: true,
  });
  const output = result.output as Exclude<typeof result.output, string>;
  return output.summary.violations.map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`).sort();
}

const exporting = (name: string) => `export const ${name} = 1;\n`;

describe('the import rules (.dependency-cruiser.cjs)', () => {
  it('pass a tree whose imports run down the floors only', async () => {
    expect(
      await violations({
        'src/errors.ts': exporting('e'),
        'src/python/strip.ts': `import { e } from '../errors.js';\nexport const s = e;\n`,
        'src/input/sources.ts': `import { s } from '../python/strip.js';\nexport const i = s;\n`,
        'src/main.ts': `import { i } from './input/sources.js';\nexport const m = i;\n`,
      }),
    ).toEqual([]);
  });

  it('report a circle', async () => {
    expect(
      await violations({
        'src/input/a.ts': `import { b } from './b.js';\nexport const a = b;\n`,
        'src/input/b.ts': `import { a } from './a.js';\nexport const b = () => a;\n`,
      }),
    ).toEqual(['no-circular: src/input/a.ts -> src/input/b.ts']);
  });

  it('report an import running up the floors, a type-only one included', async () => {
    expect(
      await violations({
        'src/profiles/types.ts': 'export type Profile = { name: string };\n',
        'src/python/strip.ts': `import type { Profile } from '../profiles/types.js';\nexport type P = Profile;\n`,
      }),
    ).toEqual(['no-upward-from-floor-2: src/python/strip.ts -> src/profiles/types.ts']);
  });

  it('allow the two imports up that it names, and nothing else from those modules', async () => {
    expect(
      await violations({
        'src/fleet/profile.ts': exporting('fleetProfile'),
        'src/fleet/pricing.ts': exporting('price'),
        'src/profiles/registry.ts': `export const load = async () => (await import('../fleet/profile.js')).fleetProfile;\nimport { price } from '../fleet/pricing.js';\nexport const p = price;\n`,
        'src/python/py-num.ts': 'export type PyNum = number;\n',
        'src/session.ts': `import type { PyNum } from './python/py-num.js';\nexport type S = PyNum;\n`,
      }),
    ).toEqual(['no-upward-from-profile-registry: src/profiles/registry.ts -> src/fleet/pricing.ts']);
  });

  it('report a module of src/ that sits on no floor', async () => {
    expect(
      await violations({
        'src/errors.ts': exporting('e'),
        'src/newcomer.ts': `import { e } from './errors.js';\nexport const n = e;\n`,
      }),
    ).toEqual(['on-a-floor: src/newcomer.ts -> src/errors.ts']);
  });
});
