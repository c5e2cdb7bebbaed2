/**
 * `@faceattr/cli/queue`: many machines on one BullMQ queue in Redis (what `faceattr queue` and
 * `faceattr worker` run): enqueue by content hash, run a worker on a pipeline pool, read status and results.
 * @packageDocumentation
 */
export { addToQueue, openQueue, queueResults, queueStatus, startWorker, DEFAULT_QUEUE, JOB_ATTEMPTS, MAX_STALLS } from './queue.js';
export type { AddSummary, QueueJobData, QueueResult, QueueStatus, RunningWorker, WorkerOptions } from './queue.js';
export { fetchImage } from './fetch-image.js';
export type { FetchLimits } from './fetch-image.js';
