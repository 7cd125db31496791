import type { Session } from '../session.js';
import type { Detector } from '../profiles/types.js';

/** A seed detector's accumulator contract (see profiles/types.ts `Detector`). */
export type Accumulator<S, R> = Detector<Session, S, R>;
