/**
 * The seed profile's registry: its detectors, in the reference's pattern
 * creation order (which decides the order of equal-hour patterns and proposals).
 * The only list of them: state, state files, patterns and proposals derive from it.
 */
import { manualProcesses } from './manual-processes.js';
import { repeatedErrors } from './repeated-errors.js';
import { retryStreaks } from './retry-streaks.js';
import { slowTools } from './slow-tools.js';
import type { SeedDetector } from './types.js';

export const SEED_DETECTORS = [repeatedErrors, slowTools, retryStreaks, manualProcesses] as const;

/** The `pattern_type` of every seed detector (derived from the registry). */
export type PatternType = (typeof SEED_DETECTORS)[number]['patternType'];

/** Any detector of the seed registry, for code that walks the list. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnySeedDetector = SeedDetector<any, any, PatternType>;

/** The registry as a list of `AnySeedDetector` (each method receives what the same detector returned). */
export const SEED_DETECTOR_LIST: readonly AnySeedDetector[] = SEED_DETECTORS;
