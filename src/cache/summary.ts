/** The line a cached run prints: `Reused 1,203 files (4.1 GB) from the cache, read 3 (12 MB)`. */
import type { CacheSummary } from './analyze-with-cache.js';

// made when first needed: creating it loads ICU's locale data, 70-400 ms of CPU on a
// loaded 2-core VM, which every run paid at start-up, cached or not
let count: Intl.NumberFormat | undefined;
const formatCount = (n: number): string => (count ??= new Intl.NumberFormat('en-US')).format(n);

/** Decimal units, as `ls -h --si` and the progress bar's MB: 950 B, 12 MB, 4.1 GB. */
export function formatBytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = n;
  let u = 0;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  const shown = u === 0 || v >= 10 ? String(Math.round(v)) : v.toFixed(1);
  return `${shown} ${units[u]}`;
}

export function formatCacheSummary(s: CacheSummary): string {
  const files = s.reusedFiles === 1 ? 'file' : 'files';
  return `Reused ${formatCount(s.reusedFiles)} ${files} (${formatBytes(s.reusedBytes)}) from the cache, read ${formatCount(s.readFiles)} (${formatBytes(s.readBytes)})`;
}
