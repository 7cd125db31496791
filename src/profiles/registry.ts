/**
 * The profiles this build knows, by name: what `--profile` offers and what the `"profile"` of a
 * state file may say. Each entry is a name, a line saying what the profile reports, and a loader
 * of its modules. Nothing here imports a profile, so `--help` and `--version` load none, and a run
 * loads only the profile it analyses (`loadProfile` in index.ts): the fleet profile is 25 modules a
 * seed run never uses.
 *
 * Adding a profile: one line here; its modules are imported only through `load`.
 */
import type { AnyProfile } from './types.js';

export interface ProfileEntry {
  /** `--profile NAME`, and the `"profile"` of its state files */
  readonly name: string;
  /** what its report holds, for `--help` */
  readonly description: string;
  /** imports the profile's modules (once: the module cache keeps them) */
  load(): Promise<AnyProfile>;
}

export const PROFILE_REGISTRY = [
  {
    name: 'seed',
    description: "the reference's report, byte-identical",
    load: async () => (await import('./seed/index.js')).seedProfile,
  },
  {
    name: 'fleet',
    description: 'findings with evidence, cost, per week',
    load: async () => (await import('../fleet/profile.js')).fleetProfile,
  },
] as const satisfies readonly ProfileEntry[];

export type ProfileName = (typeof PROFILE_REGISTRY)[number]['name'];

export const PROFILE_NAMES: readonly ProfileName[] = PROFILE_REGISTRY.map((e) => e.name);

/** The registry's entry named `name`, or undefined. */
export function profileEntry(name: string): ProfileEntry | undefined {
  return PROFILE_REGISTRY.find((e) => e.name === name);
}
