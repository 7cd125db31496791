// Every test of fast-decoder.test.ts again, through the JS string scan (findSpecial): the path
// taken where WebAssembly SIMD is unavailable. fast-decoder.test.ts itself runs the default,
// the WebAssembly scan (test/input/wasm/string-scan.test.ts checks that it is built).
import { expect, it } from 'vitest';
import { stringKernel } from '../../src/input/wasm/string-scan.js';

process.env['FLEET_PROPOSALS_STRING_SCAN'] = 'js';
await import('./fast-decoder.test.js');

it('runs them through the JS string scan', () => {
  expect(stringKernel()).toBeUndefined();
});
