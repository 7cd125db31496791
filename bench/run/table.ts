/** The human table: medians, units, and one row per scenario (archive, speed, RSS, vs reference). */
import { formatBytes } from '../generate/sizes.js';
import type { ArchiveInfo, ScenarioResult } from './results.js';

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

const fmtSeconds = (s: number | null): string => (s === null ? '-' : s < 10 ? s.toFixed(2) : s.toFixed(1));
export const fmtRss = (kb: number | null): string => (kb === null ? '-' : formatBytes(kb * 1024));
const fmtNum = (n: number | null, digits = 0): string => (n === null ? '-' : n.toLocaleString('en-US', { maximumFractionDigits: digits }));

function describeScenario(r: ScenarioResult): string {
  if (r.impl === 'duckdb') return 'duckdb (read_json, 2 threads)';
  return r.impl === 'reference'
    ? 'reference (python)'
    : `ours  ${r.profile ? `--profile ${r.profile} ` : ''}${r.parser ?? '-'} w=${r.workers ?? '-'}`;
}

export function describeArchive(a: ArchiveInfo): string {
  return `${a.profile && a.profile !== 'transcript' ? `${a.profile} ` : ''}${a.label} ${a.shape}${a.gzip ? '+gz' : ''}${a.shape === 'folder' ? `×${a.files}` : ''}`;
}

function describeVsReference(r: ScenarioResult): string {
  const ref = r.reference;
  if (!ref) return '';
  if (!ref.ok) return ref.failure?.startsWith('skipped') ? ref.failure : `reference failed (${ref.failure ?? '?'})`;
  const parts: string[] = [];
  if (ref.speedup !== null) parts.push(`${ref.speedup.toFixed(2)}× ref speed`);
  if (ref.rssRatio !== null) parts.push(`${ref.rssRatio.toFixed(3)}× ref RSS`);
  if (ref.outputsEqual === true) parts.push(`outputs equal (${ref.proposals?.ours ?? '?'} proposals)`);
  else if (ref.outputsEqual === false) {
    const first = ref.mismatches[0] ?? '?';
    parts.push(
      `OUTPUTS DIFFER (${ref.mismatches.length}${ref.mismatches.length >= 10 ? '+' : ''}): ${first.length > 110 ? first.slice(0, 109) + '…' : first}`,
    );
  }
  return parts.join(', ');
}

/** The human table. */
export function formatTable(results: readonly ScenarioResult[]): string {
  const header = ['archive', 'on disk', 'sessions', 'scenario', 'runs', 'median s', 'MB/s', 'sessions/s', 'calls/s', 'peak RSS', 'vs reference'];
  const rows = results.map((r) => [
    describeArchive(r.archive),
    formatBytes(r.archive.bytes),
    fmtNum(r.archive.sessions),
    describeScenario(r),
    String(r.wallSeconds.length),
    r.ok
      ? fmtSeconds(r.medianSeconds)
      : r.failure?.startsWith('skipped')
        ? 'skipped'
        : `${r.impl === 'reference' ? 'reference ' : ''}failed (${r.failure ?? '?'})`,
    r.ok ? fmtNum(r.mbPerSec, 1) : '-',
    r.ok ? fmtNum(r.sessionsPerSec) : '-',
    r.callsPerSec != null ? fmtNum(r.callsPerSec) : '-',
    fmtRss(r.peakRssKb),
    r.duckdb ? r.duckdb.text : describeVsReference(r),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
