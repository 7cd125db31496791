/** Byte sizes as the bench's flags write them ("10MB", "512MiB") and as its tables print them. */

const UNITS: Record<string, number> = {
  '': 1,
  B: 1,
  KB: 1e3,
  MB: 1e6,
  GB: 1e9,
  TB: 1e12,
  K: 1e3,
  M: 1e6,
  G: 1e9,
  KIB: 1024,
  MIB: 1024 ** 2,
  GIB: 1024 ** 3,
};

/** "10MB" → 10_000_000; "1.5GB" → 1_500_000_000; "512MiB" → 536_870_912. */
export function parseSize(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(text);
  const unit = m ? UNITS[(m[2] ?? '').toUpperCase()] : undefined;
  if (!m || unit === undefined) throw new Error(`invalid size '${text}' (try 10MB, 1GB, 20GB, 512MiB)`);
  const bytes = Math.round(Number(m[1]) * unit);
  if (!(bytes > 0)) throw new Error(`size must be positive: '${text}'`);
  return bytes;
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(2)} GB`;
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`;
  if (bytes >= 1e3) return `${(bytes / 1e3).toFixed(1)} KB`;
  return `${bytes} B`;
}
