/**
 * The versioned state document (`--emit-state`, `merge`), derived from the
 * profile registry: the document names its profile, holds each detector's
 * state under the detector's name, and every field is checked on reading (each
 * detector's `validate`), so a tampered or damaged file is exit 3 naming the
 * field, never a crash or a wrong report.
 *
 *   {"format":"fleet-proposals-state","version":3,"profile":"seed","sessions":N,
 *    "skipped":M,"detectors":{"<name>":<state>,...},"malformed":{"count":K,"first":[...]}}
 *
 * Version 2 (this build) adds "profile" and moves the detector states from
 * "state" (which also repeated sessions/skipped) to "detectors": a state now
 * belongs to one profile, and a reader must know which before it can check the
 * detectors. Version 1 files (written before profiles existed) are read as seed.
 *
 * Maps and Sets are written as sorted tagged arrays (state-file-json.ts) and
 * every ordinal as its rank, so the bytes do not depend on workers or shards.
 * Written and read in chunks: a state may be larger than the longest string.
 */
import { AnalyzerError } from './errors.js';
import type { MalformedSummary } from './malformed.js';
import { MALFORMED_SHOWN } from './options.js';
import { documentDetectors, mapStateOrdinals, type ProfileState } from './profiles/engine.js';
import { findProfile, loadProfile, PROFILE_NAMES } from './profiles/index.js';
import { compareOrdinal, type Ordinal } from './ordinal.js';
import { fail, integer, list, object, ordinal, StateFieldError, string } from './profiles/schema.js';
import type { AnyProfile } from './profiles/types.js';
import { JsonSyntaxError, readJsonChunks, reviveTagged, stringifyChunks } from './state-file-json.js';

export const STATE_FORMAT = 'fleet-proposals-state';
/**
 * 3: the fleet profile's states gained week buckets (the weekly series); 4: its failure loops
 * the category of what they failed on; 5: its cost counts the dollars the agents logged (and
 * the tokens those dollars cover). Seed states are the same in 2 to 5 (and 1, before
 * profiles), so a seed state of any of them is read; a fleet state must be 5.
 */
export const STATE_VERSION = 5;
/** What each version added to the fleet profile's states, for the message that refuses an older one. */
const FLEET_ADDED: Record<number, string> = {
  2: 'the weekly series',
  3: "the failure loops' error categories",
  4: 'the costs the agents logged',
};

export interface StateDocument {
  state: ProfileState;
  malformed: MalformedSummary;
}

/** `profiles`: the profiles a document may name; by default those of the registry (loaded: see profiles/index.ts). */
type Profiles = readonly AnyProfile[] | undefined;

function profileOf(name: string, profiles: Profiles): AnyProfile {
  const p = findProfile(name, profiles);
  if (p === undefined) throw new Error(`no profile named ${name}`);
  return p;
}

/**
 * The same document with every ordinal replaced by its rank among the document's
 * ordinals. Ordinals only need to order things, and their raw form depends on the
 * shard plan ([file, shard, record] with any worker count): ranks do not, so the
 * state file of an input is the same bytes whatever the workers and shards.
 */
function canonical(doc: StateDocument, profile: AnyProfile): StateDocument {
  const all: Ordinal[] = [];
  mapStateOrdinals(profile, doc.state, (o) => (all.push(o), o));
  for (const r of doc.malformed.first) all.push(r.at);
  all.sort(compareOrdinal);
  const rank = new Map<string, number>();
  for (const o of all) if (!rank.has(o.join())) rank.set(o.join(), rank.size);
  const f = (o: Ordinal): Ordinal => [rank.get(o.join())!];
  return {
    state: mapStateOrdinals(profile, doc.state, f),
    malformed: { count: doc.malformed.count, first: doc.malformed.first.map((r) => ({ ...r, at: f(r.at) })) },
  };
}

/** The document as chunks of text (about 1 MB each): write them in order. */
export function* serializeStateChunks(raw: StateDocument, profiles?: readonly AnyProfile[]): Generator<string> {
  const profile = profileOf(raw.state.profile, profiles);
  const doc = canonical(raw, profile);
  const s = doc.state;
  yield `{"format":${JSON.stringify(STATE_FORMAT)},"version":${STATE_VERSION},"profile":${JSON.stringify(s.profile)},"sessions":${s.sessions},"skipped":${s.skipped},"detectors":`;
  yield* stringifyChunks(documentDetectors(profile, s));
  yield ',"malformed":';
  yield* stringifyChunks(doc.malformed);
  yield '}';
}

/** The whole document as one string (small states, tests); see `serializeStateChunks`. */
export function serializeState(raw: StateDocument, profiles?: readonly AnyProfile[]): string {
  return [...serializeStateChunks(raw, profiles)].join('');
}

const V2_FIELDS = ['format', 'version', 'profile', 'sessions', 'skipped', 'detectors', 'malformed'] as const;
const V1_FIELDS = ['format', 'version', 'sessions', 'skipped', 'state', 'malformed'] as const;

function validateMalformed(value: unknown): MalformedSummary {
  const o = object(value, 'malformed', ['count', 'first']);
  const count = integer(o.count, 'malformed.count');
  const raw = list(o.first, 'malformed.first', MALFORMED_SHOWN);
  if (raw.length !== Math.min(count, MALFORMED_SHOWN)) fail('malformed.first', `has ${raw.length} items for ${count} skipped records`);
  const first = raw.map((x, i) => {
    const p = `malformed.first[${i}]`;
    // `message`: the whole stderr line an agent-log reader wrote (optional)
    const hasMessage = typeof x === 'object' && x !== null && !Array.isArray(x) && Object.hasOwn(x, 'message');
    const { message, ...rest } = hasMessage ? (x as Record<string, unknown>) : { message: undefined };
    const r = object(hasMessage ? rest : x, p, ['at', 'reason', 'context']);
    const c = r.context;
    if (typeof c !== 'object' || c === null || Array.isArray(c) || c instanceof Map || c instanceof Set) fail(`${p}.context`, 'is not an object');
    const ctx = c as Record<string, unknown>;
    const context: MalformedSummary['first'][number]['context'] = {};
    for (const k of Object.keys(ctx)) {
      if (k === 'file') context.file = string(ctx[k], `${p}.context.file`);
      else if (k === 'offset' || k === 'line' || k === 'record') context[k] = integer(ctx[k], `${p}.context.${k}`);
      else fail(`${p}.context.${k}`, 'is not a field of a location');
    }
    const record = { at: ordinal(r.at, `${p}.at`), reason: string(r.reason, `${p}.reason`), context };
    return hasMessage ? { ...record, message: string(message, `${p}.message`) } : record;
  });
  for (let i = 1; i < first.length; i++) {
    if (compareOrdinal(first[i - 1]!.at, first[i]!.at) >= 0) fail(`malformed.first[${i}].at`, 'is not after the previous record');
  }
  return { count, first };
}

/** Check every field of a revived document; throws StateFieldError. */
function validateDocument(doc: unknown, profiles: Profiles): StateDocument {
  const version = (doc as Record<string, unknown>)['version'];
  const v1 = version === 1;
  const d = object(doc, '(document)', v1 ? V1_FIELDS : V2_FIELDS);
  const sessions = integer(d.sessions, 'sessions');
  const skipped = integer(d.skipped, 'skipped');
  let profile: AnyProfile;
  let states: Record<string, unknown>;
  let where: string;
  if (v1) {
    // version 1 predates profiles: the seed's detectors beside a copy of the counts
    profile = profileOf('seed', undefined);
    const s = object(d.state, 'state', ['sessions', 'skipped', ...profile.detectors.map((x) => x.name)]);
    if (s.sessions !== sessions) fail('state.sessions', 'differs from sessions');
    if (s.skipped !== skipped) fail('state.skipped', 'differs from skipped');
    states = s;
    where = 'state';
  } else {
    const name = string(d.profile, 'profile');
    const found = findProfile(name, profiles);
    if (found === undefined)
      fail('profile', `is '${name}', not a profile of this build (${(profiles?.map((p) => p.name) ?? PROFILE_NAMES).join(', ')})`);
    profile = found;
    states = object(
      d.detectors,
      'detectors',
      profile.detectors.map((x) => x.name),
    );
    where = 'detectors';
  }
  const detectors: Record<string, unknown> = {};
  for (const det of profile.detectors) detectors[det.name] = det.validate(states[det.name], `${where}.${det.name}`);
  return { state: { profile: profile.name, sessions, skipped, detectors }, malformed: validateMalformed(d.malformed) };
}

function invalid(what: string, file: string, cause?: unknown): AnalyzerError {
  return new AnalyzerError('FP_INPUT', `Invalid state file: ${what}, in ${file}`, { file }, { cause });
}

/** A parsed (not yet revived) document -> a checked StateDocument, or exit 3. */
function checkDocument(raw: unknown, file: string, profiles: Profiles): StateDocument {
  const d = raw as Record<string, unknown> | null;
  if (d === null || typeof d !== 'object' || Array.isArray(d) || d['format'] !== STATE_FORMAT) {
    throw invalid('not a fleet-proposals state (written by --emit-state)', file);
  }
  if (d['version'] !== STATE_VERSION && d['version'] !== 4 && d['version'] !== 3 && d['version'] !== 2 && d['version'] !== 1) {
    throw invalid(`version ${String(d['version']).slice(0, 40)}, this build reads versions 1 to ${STATE_VERSION}`, file);
  }
  if (d['version'] !== STATE_VERSION && d['profile'] !== undefined && d['profile'] !== 'seed') {
    throw invalid(
      `a ${String(d['profile']).slice(0, 40)} state of version ${String(d['version'])}, written before ${FLEET_ADDED[d['version'] as number] ?? 'profiles'}; this build reads its version ${STATE_VERSION}: emit it again`,
      file,
    );
  }
  try {
    return validateDocument(reviveTagged(raw), profiles);
  } catch (err) {
    if (err instanceof StateFieldError) throw invalid(`${err.path}: ${err.what}`, file, err);
    throw err;
  }
}

/** Parse and check a state document held in one string (small states, tests). */
export function parseState(text: string, file: string, profiles?: readonly AnyProfile[]): StateDocument {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw invalid((err as Error).message, file, err);
  }
  return checkDocument(raw, file, profiles);
}

/** Parse and check a state document from a stream of chunks, never one string. */
export async function readState(
  chunks: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>,
  file: string,
  profiles?: readonly AnyProfile[],
): Promise<StateDocument> {
  let raw: unknown;
  try {
    raw = await readJsonChunks(chunks);
  } catch (err) {
    if (err instanceof StateFieldError) throw invalid(`${err.path}: ${err.what}`, file, err);
    // stream-json's messages carry no position ("parser cannot parse input: expected a value")
    if (err instanceof JsonSyntaxError) throw invalid(`invalid JSON (${err.message})`, file, err);
    throw err; // reading the source failed: the caller names it
  }
  // the profile the document names, imported now if this run has not yet (a merge of fleet states)
  const named = (raw as { profile?: unknown } | null)?.profile;
  if (profiles === undefined && typeof named === 'string') await loadProfile(named);
  return checkDocument(raw, file, profiles);
}
