import { compareOrdinal, type Ordinal } from './ordinal.js';
import { describeLocation, type ErrorContext } from './errors.js';
import { MALFORMED_SHOWN } from './options.js';

export interface MalformedRecord {
  at: Ordinal;
  reason: string;
  context: ErrorContext;
  /** the whole stderr line, when it is not `Invalid session: <reason>, <location>` (agent-log lines) */
  message?: string;
}

/** Skipped records: a count and the first few by input order (mergeable like the accumulators). */
export interface MalformedSummary {
  count: number;
  first: MalformedRecord[];
}

export function emptyMalformed(): MalformedSummary {
  return { count: 0, first: [] };
}

export function noteMalformed(s: MalformedSummary, r: MalformedRecord): void {
  s.count++;
  if (s.first.length < MALFORMED_SHOWN) s.first.push(r);
}

export function mergeMalformed(a: MalformedSummary, b: MalformedSummary): MalformedSummary {
  return {
    count: a.count + b.count,
    first: a.first
      .concat(b.first)
      .sort((x, y) => compareOrdinal(x.at, y.at))
      .slice(0, MALFORMED_SHOWN),
  };
}

/** How an agent log's incomplete last line is reported (its message begins so). */
export function incompleteLastLineMessage(file: string): string {
  return `Skipped the incomplete last line of ${file} (a session still being written?)`;
}

/**
 * Whether every skipped record is an incomplete last line, each already shown by its
 * own line: then no "Skipped N malformed session records" line follows (issue 9: one warning).
 */
export function onlyIncompleteLastLines(m: MalformedSummary): boolean {
  return m.count === m.first.length && m.first.every((r) => r.message?.startsWith('Skipped the incomplete last line of ') === true);
}

export function formatMalformed(r: MalformedRecord): string {
  return r.message ?? `Invalid session: ${r.reason}, ${describeLocation(r.context)}`;
}
