/**
 * The fleet detectors' shared pieces written as columns (`profiles/packed.ts`: every
 * number in one Float64Array, every string in one string) for the trip from a worker
 * to the main thread, and read back in the same order. Each reader builds its object
 * with the keys in the order `add` builds them, so an unpacked state is the state
 * packed, down to the state file's bytes (test/fleet/packed-laws.test.ts).
 *
 * A Map is its size, then its entries in insertion order; a list its length, then
 * its items. Numbers are written as they are (a Float64Array holds every JS number).
 */
import type { PackReader, PackWriter } from '../profiles/packed.js';
import type { EvidenceRef, SessionSample, Tally } from './_evidence.js';
import type { Sketch } from './_sketch.js';
import type { WeekMap } from './_weeks.js';

export function packMap<V>(w: PackWriter, m: ReadonlyMap<string, V>, value: (w: PackWriter, v: V) => void): void {
  w.num(m.size);
  for (const [k, v] of m) {
    w.str(k);
    value(w, v);
  }
}

export function unpackMap<V>(r: PackReader, value: (r: PackReader) => V): Map<string, V> {
  const out = new Map<string, V>();
  for (let n = r.num(); n > 0; n--) {
    const k = r.str();
    out.set(k, value(r));
  }
  return out;
}

export function packWeeks(w: PackWriter, m: WeekMap): void {
  packMap(w, m, (w, v) => w.num(v));
}

export function unpackWeeks(r: PackReader): WeekMap {
  return unpackMap(r, (r) => r.num());
}

export function packSample(w: PackWriter, s: SessionSample): void {
  w.num(s.count);
  w.num(s.ids.length);
  for (const id of s.ids) w.str(id);
}

export function unpackSample(r: PackReader): SessionSample {
  const count = r.num();
  const ids = new Array<string>(r.num());
  for (let i = 0; i < ids.length; i++) ids[i] = r.str();
  return { count, ids };
}

export function packEvidence(w: PackWriter, list: readonly EvidenceRef[]): void {
  w.num(list.length);
  for (const e of list) {
    w.ordinal(e.at);
    w.str(e.session_id);
    w.str(e.file);
    w.num(e.line);
  }
}

export function unpackEvidence(r: PackReader): EvidenceRef[] {
  const out = new Array<EvidenceRef>(r.num());
  for (let i = 0; i < out.length; i++) out[i] = { at: r.ordinal(), session_id: r.str(), file: r.str(), line: r.num() };
  return out;
}

/** A Tally's fields, in `newTally`'s order. */
export function packTally(w: PackWriter, t: Tally): void {
  w.ordinal(t.first);
  w.num(t.occurrences);
  packSample(w, t.sessions);
  packEvidence(w, t.evidence);
  w.num(t.lostUs);
  packWeeks(w, t.lostWeeks);
}

export function unpackTally(r: PackReader): Tally {
  return {
    first: r.ordinal(),
    occurrences: r.num(),
    sessions: unpackSample(r),
    evidence: unpackEvidence(r),
    lostUs: r.num(),
    lostWeeks: unpackWeeks(r),
  };
}

export function packSketch(w: PackWriter, s: Sketch): void {
  w.num(s.zero);
  w.num(s.count);
  w.num(s.bins.size);
  for (const [i, c] of s.bins) {
    w.num(i);
    w.num(c);
  }
}

export function unpackSketch(r: PackReader): Sketch {
  const zero = r.num();
  const count = r.num();
  const bins = new Map<number, number>();
  for (let n = r.num(); n > 0; n--) bins.set(r.num(), r.num());
  return { zero, bins, count };
}
