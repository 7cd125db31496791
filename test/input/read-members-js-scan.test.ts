// Every test of read-members.test.ts again, through the JS string scan, so without the
// WebAssembly tool-call kernel (it reads the chunks in the string kernel's memory): the path
// taken where WebAssembly SIMD is unavailable. read-members.test.ts itself runs the default.
import { expect, it } from 'vitest';
import { stringKernel } from '../../src/input/wasm/string-scan.js';

process.env['FLEET_PROPOSALS_STRING_SCAN'] = 'js';
await import('./read-members.test.js');

it('runs them through the JS string scan and the JS tool-call reader', () => {
  expect(stringKernel()).toBeUndefined();
});
