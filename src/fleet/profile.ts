/**
 * The fleet profile (`--profile fleet`): the fleet detectors over `AgentSession`,
 * and its report. Its registry is `FLEET_DETECTORS` (index.ts); the engine and
 * state files derive everything else from it, as for the seed profile.
 */
import type { AgentSession } from '../agent-session.js';
import { defineProfile } from '../profiles/engine.js';
import type { Profile } from '../profiles/types.js';
import { toAgentSession } from '../input/to-agent-session.js';
import type { RecordPlace } from '../profiles/types.js';
import { FLEET_DETECTORS } from './index.js';
import { fleetMessageReaders } from './message-readers.js';
import { buildFleetReport, type FleetReport, type FleetReportOptions, type FleetResults } from './report/build.js';

export const fleetProfile: Profile<AgentSession, FleetReport, FleetReportOptions> = defineProfile({
  name: 'fleet',
  detectors: FLEET_DETECTORS,
  fromRecord(value: unknown, place: RecordPlace) {
    const r = toAgentSession(value, place);
    return r.ok ? { ok: true as const, record: r.session } : r;
  },
  fromAgentSession: (s: AgentSession) => s,
  messageReaders: fleetMessageReaders,
  report(result, options) {
    return buildFleetReport(result.results as unknown as FleetResults, options);
  },
});
