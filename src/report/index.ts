import { finalizeState, type AnalyzerState } from '../accumulators/index.js';
import { seedProfile } from '../profiles/seed/index.js';
import type { Report } from '../profiles/seed/report.js';
import type { Format } from '../options.js';
import { renderJson } from './json.js';
import { renderMarkdown } from './markdown.js';

export { renderJson, pyJsonString } from './json.js';
export { renderMarkdown } from './markdown.js';

export type { Report } from '../profiles/seed/report.js';

/** State -> patterns -> proposals -> threshold, as the reference's main(). */
export function buildReport(state: AnalyzerState, opts: { threshold: number; hourlyRate: number }): Report {
  return seedProfile.report(finalizeState(state), opts);
}

/** Python's `datetime.now(timezone.utc).isoformat()`. */
export function pyIsoNow(now: Date): string {
  return now.toISOString().replace(/\.(\d{3})Z$/, '.$1000+00:00');
}

/** `now` is the report's `Generated:` time; library callers may leave it out (the CLI passes its clock). */
export function renderReport(report: Report, format: Format, now: Date = new Date()): string {
  return format === 'markdown' ? renderMarkdown(report.proposals, report.patterns, pyIsoNow(now)) : renderJson(report.proposals);
}
