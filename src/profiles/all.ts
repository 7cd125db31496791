/**
 * Every profile, loaded when this module is: the library's `PROFILES`. The library's
 * synchronous calls (`parseState` of a fleet state, `initState('fleet')`, ...) cannot wait for
 * a loader, so `src/index.ts` loads them all at import. The CLI never imports this module: it
 * loads the profile a run names (`loadProfile`, index.ts).
 */
import { loadAllProfiles } from './index.js';
import type { AnyProfile } from './types.js';

export const PROFILES: readonly AnyProfile[] = await loadAllProfiles();
