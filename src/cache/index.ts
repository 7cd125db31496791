/** `--cache DIR`: per-file analysis states reused across runs (see analyze-with-cache.ts). */
export { analyzeWithCache, type CacheDeps, type CacheOptions, type CacheSummary } from './analyze-with-cache.js';
export { formatCacheSummary } from './summary.js';
export { toolVersion } from './version.js';
export { makeCacheFolder } from './_folder.js';
