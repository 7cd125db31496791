/**
 * Python semantics that leak into the reference's numbers and text
 * (Python 3.11, Unicode 14).
 */
export { pyRound } from './round.js';
export { formatFixed } from './format-fixed.js';
export { floatRepr, jsonFloat } from './float-repr.js';
export { pyStr, pyRepr, pyReprString, pyNumberStr } from './py-str.js';
export { cpSlice, cpLength } from './code-points.js';
export { pyStrip } from './strip.js';
export { pyLower } from './lower.js';
export { normalizeError } from './normalize-error.js';
export { PyNum, pyNumber, numberKey } from './py-num.js';
