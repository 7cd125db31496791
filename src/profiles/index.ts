/**
 * The analysis profiles (DESIGN.md, "Profiles"): the list of known profiles and
 * the engine over any of them. A profile's name keys `--profile` and the
 * `"profile"` of state files.
 */
import { fleetProfile } from '../fleet/profile.js';
import { seedProfile } from './seed/index.js';
import type { AnyProfile } from './types.js';

export const PROFILES: readonly AnyProfile[] = [seedProfile, fleetProfile];

export const DEFAULT_PROFILE = seedProfile;

/** The profile named `name` among `profiles`, or undefined. */
export function findProfile(name: string, profiles: readonly AnyProfile[] = PROFILES): AnyProfile | undefined {
  return profiles.find((p) => p.name === name);
}

export { seedProfile } from './seed/index.js';
export * from './engine.js';
export type { Detector, AnyDetector, Profile, AnyProfile, ProfileResult } from './types.js';
export { compareOrdinal, minOrdinal, type Ordinal } from './ordinal.js';
export { StateFieldError } from './schema.js';
