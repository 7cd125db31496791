/** Distributed runs on BullMQ/Redis: `worker` processes and the submitting run. */
export { analyzeDistributed, sharedDir, DEFAULT_DISTRIBUTED_SHARD_BYTES, type DistributedOptions } from './submit.js';
export { startWorker, type WorkerOptions } from './worker.js';
export { createProgressLine } from './_progress-line.js';
export { SCALE_OPTIONS, scaleOptions, parseSize } from './cli-options.js';
