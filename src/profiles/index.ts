/**
 * The analysis profiles (DESIGN.md, "Profiles"): the profiles loaded in this
 * process and the engine over any of them. A profile's name keys `--profile` and
 * the `"profile"` of state files; the list of names is `registry.ts`.
 *
 * The seed profile is always here (the default, and what `report/` renders); any
 * other is loaded by `loadProfile(name)` before a run uses it, so a seed run
 * never imports the fleet profile. The synchronous lookups (`findProfile`, and
 * through it the engine by name in `accumulators/`) see loaded profiles only: a
 * known profile asked for before it was loaded is a bug, and says so.
 */
import { profileEntry, PROFILE_REGISTRY } from './registry.js';
import { seedProfile } from './seed/index.js';
import type { AnyProfile } from './types.js';

export const DEFAULT_PROFILE = seedProfile;

const loaded = new Map<string, AnyProfile>([[seedProfile.name, seedProfile]]);

/** The profile named `name`, its modules imported on first use; undefined for a name no profile has. */
export async function loadProfile(name: string): Promise<AnyProfile | undefined> {
  const have = loaded.get(name);
  if (have !== undefined) return have;
  const entry = profileEntry(name);
  if (entry === undefined) return undefined;
  const profile = await entry.load();
  loaded.set(name, profile);
  return profile;
}

/** Every profile of the registry, loaded, in registry order (the library's `PROFILES`, `merge` of state files). */
export async function loadAllProfiles(): Promise<AnyProfile[]> {
  return Promise.all(PROFILE_REGISTRY.map(async (e) => (await loadProfile(e.name))!));
}

/**
 * The profile named `name` among `profiles`, or among the loaded profiles when `profiles` is not
 * given; undefined when no profile has that name. A profile of the registry that is not loaded yet
 * throws: the caller forgot `loadProfile` (a bug, not an input error).
 */
export function findProfile(name: string, profiles?: readonly AnyProfile[]): AnyProfile | undefined {
  if (profiles !== undefined) return profiles.find((p) => p.name === name);
  const p = loaded.get(name);
  if (p === undefined && profileEntry(name) !== undefined) throw new Error(`the ${name} profile is used before loadProfile('${name}')`);
  return p;
}

export { PROFILE_NAMES, PROFILE_REGISTRY, type ProfileEntry, type ProfileName } from './registry.js';
export { seedProfile } from './seed/index.js';
export * from './engine.js';
export type { Detector, AnyDetector, Profile, AnyProfile, ProfileResult } from './types.js';
export { compareOrdinal, minOrdinal, type Ordinal } from '../ordinal.js';
export { StateFieldError } from './schema.js';
