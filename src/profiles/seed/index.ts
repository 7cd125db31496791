/**
 * The seed profile (the default): the reference's four detectors over the
 * reference's `Session`, and its report (patterns, proposals, threshold),
 * byte-identical to `improvement_proposals.py`.
 */
import { toSeedSession } from '../../input/adapters/seed-view.js';
import { toSession } from '../../input/to-session.js';
import type { Session } from '../../session.js';
import { defineProfile } from '../engine.js';
import type { Profile } from '../types.js';
import { SEED_DETECTORS } from './detectors.js';
import { seedMessageReaders } from './message-readers.js';
import { applyThreshold, buildPatterns, generateProposals, type Report } from './report.js';

export { SEED_DETECTORS } from './detectors.js';
export type { SeedDetector } from './types.js';

export interface SeedReportOptions {
  threshold: number;
  hourlyRate: number;
}

export const seedProfile: Profile<Session, Report, SeedReportOptions> = defineProfile({
  name: 'seed',
  detectors: SEED_DETECTORS,
  fromRecord(value) {
    const r = toSession(value);
    return r.ok ? { ok: true, record: r.session } : r;
  },
  fromAgentSession: toSeedSession,
  messageReaders: seedMessageReaders,
  report(result, opts) {
    const patterns = buildPatterns(result);
    const proposals = applyThreshold(generateProposals(patterns, opts.hourlyRate), opts.threshold);
    return { patterns, proposals };
  },
});
