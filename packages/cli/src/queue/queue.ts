// faceattr's queue on BullMQ (Redis): job ids from content hashes, bounded retries, results in the job.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import { FaceAttrError, isFaceAttrError } from '@faceattr/core';
import { faceToJson, type FaceJson } from '../face-json.js';
import { isVideoFile, listImages } from '../list-images.js';
import { createPipelinePool, type PipelinePool, type PipelinePoolOptions } from '../pool/pool.js';
import type { PoolModelInfo } from '../pool/protocol.js';
import { serializeError } from '../pool/protocol.js';
import { fetchImage, type FetchLimits } from './fetch-image.js';

/** The queue name when `--queue` is not given. */
export const DEFAULT_QUEUE = 'faceattr';
/** Tries per job for failures that may pass later (network, a crashed worker thread); bad input fails at once. */
export const JOB_ATTEMPTS = 3;
/** Times a job may be found abandoned by a dead worker process (SIGKILL, lost machine) before it fails. */
export const MAX_STALLS = 2;

/** A job's data in Redis. */
export interface QueueJobData {
  /** Absolute path on storage every worker can read, or an http(s) URL. */
  source: string;
  /** As given to `queue add` (for records). */
  name: string;
}

/** What a finished job stores in Redis (the job's return value) and `queue results` prints. */
export interface QueueResult {
  /** The job id: `sha256-<hex of the file's bytes>` or `url-<hex of the URL>`. */
  id: string;
  /** The input as given to `queue add`. */
  file: string;
  /** The absolute path or URL the worker read. */
  source: string;
  /** Image width in pixels (when it was analysed). */
  width?: number;
  /** Image height in pixels (when it was analysed). */
  height?: number;
  /** Every face found (when it was analysed; empty when there is none). */
  faces?: FaceJson[];
  /** Why the job failed: the FaceAttrError's code and message. */
  error?: {
    /** The FaceAttrError code (INFERENCE_FAILED for BullMQ's own reasons, e.g. too many stalls). */
    code: string;
    /** What went wrong. */
    message: string;
  };
  /** The models that produced the faces. */
  model?: PoolModelInfo;
  /** `host:pid` of the worker process. */
  worker?: string;
  /** Tries it took (1 unless a try failed for a reason that may pass, or its worker died). */
  attempts?: number;
}

const isUrl = (s: string) => /^https?:\/\//i.test(s);

function connection(url: string) {
  if (!/^rediss?:\/\//.test(url)) throw new FaceAttrError('INVALID_OPTIONS', `--redis must be a redis:// or rediss:// URL; got ${JSON.stringify(url)}.`);
  // Workers block on Redis; BullMQ wants ioredis to retry forever rather than fail a blocking call.
  return { url, maxRetriesPerRequest: null };
}

/** Opens a queue on the Redis at `redis` (close it when done). */
export function openQueue(redis: string, name = DEFAULT_QUEUE): Queue<QueueJobData> {
  return new Queue<QueueJobData>(name, { connection: connection(redis) });
}

async function sha256File(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest('hex');
}

/** What `queue add` did. */
export interface AddSummary {
  /** New jobs. */
  added: number;
  /** Inputs whose job id (content hash, or URL hash) was already in the queue. */
  existing: number;
  /** Inputs not queued (missing, or videos) and why. */
  skipped: {
    /** The input as given. */
    path: string;
    /** Why it was not queued. */
    message: string;
  }[];
}

/**
 * Enqueues files (directories are walked), and http(s) URLs. A file's job id is its content's sha256,
 * a URL's the sha256 of the URL, so adding the same folder again adds nothing.
 */
export async function addToQueue(queue: Queue<QueueJobData>, inputs: readonly string[]): Promise<AddSummary> {
  const urls = inputs.filter(isUrl);
  const { files, errors } = await listImages(inputs.filter((i) => !isUrl(i)));
  const skipped = [...errors];
  const jobs: { id: string; data: QueueJobData }[] = [];
  for (const url of urls) jobs.push({ id: `url-${createHash('sha256').update(url).digest('hex')}`, data: { source: url, name: url } });
  for (const file of files) {
    if (isVideoFile(file)) {
      skipped.push({ path: file, message: 'videos are not queued (use faceattr analyze)' });
      continue;
    }
    jobs.push({ id: `sha256-${await sha256File(file)}`, data: { source: resolve(file), name: file } });
  }
  // The same bytes twice in one call are one job.
  const unique = [...new Map(jobs.map((j) => [j.id, j])).values()];
  let existing = jobs.length - unique.length;
  let added = 0;
  for (let i = 0; i < unique.length; i += 500) {
    const chunk = unique.slice(i, i + 500);
    const known = await Promise.all(chunk.map((j) => queue.getJob(j.id)));
    const fresh = chunk.filter((_, k) => !known[k]);
    existing += chunk.length - fresh.length;
    added += fresh.length;
    // BullMQ also ignores an add whose jobId exists, so a race between two `queue add`s cannot duplicate.
    await queue.addBulk(
      fresh.map((j) => ({
        name: 'analyze',
        data: j.data,
        opts: { jobId: j.id, attempts: JOB_ATTEMPTS, backoff: { type: 'exponential', delay: 2000 }, removeOnComplete: false, removeOnFail: false },
      })),
    );
  }
  return { added, existing, skipped };
}

/** What `faceattr worker` takes, as a library call; the pipeline options are the pool's. */
export interface WorkerOptions extends Omit<PipelinePoolOptions, 'size'> {
  /** `redis://host:port` (or `rediss://`). */
  redis: string;
  /** Queue name; default {@link DEFAULT_QUEUE}. */
  queue?: string;
  /** Worker threads (and pipelines) in this process. */
  jobs: number;
  /** Lock time of a running job, ms; a process silent this long is presumed dead. Default 30000. */
  stallMs?: number;
  /** Time and size limits for http(s) sources. */
  fetch?: FetchLimits;
}

/** A started worker. */
export interface RunningWorker {
  /** The threads it analyses on. */
  readonly pool: PipelinePool;
  /** Stops taking jobs, waits for running ones to finish, closes the pool and the connection. */
  close(): Promise<void>;
}

/** Runs a BullMQ worker whose jobs are analysed on a pool of `jobs` worker threads. */
export async function startWorker(o: WorkerOptions): Promise<RunningWorker> {
  const { redis, queue = DEFAULT_QUEUE, jobs, stallMs = 30_000, fetch: limits, ...spec } = o;
  const pool = await createPipelinePool({ ...spec, size: jobs });
  const me = `${hostname()}:${process.pid}`;
  const process_ = async (job: Job<QueueJobData>): Promise<QueueResult> => {
    const { source, name } = job.data;
    try {
      const input = isUrl(source) ? await fetchImage(source, limits) : source;
      const r = await pool.detectFile(input, { name });
      return { id: job.id!, file: name, source, width: r.width, height: r.height, faces: r.faces.map(faceToJson), model: pool.info, worker: me };
    } catch (e) {
      const { code, message } = serializeError(e);
      // Bad input will not get better: fail now. Network trouble and crashed threads get JOB_ATTEMPTS tries.
      const transient = !isFaceAttrError(e) || e.code !== 'INVALID_INPUT' || e.details?.['transient'] === true;
      throw transient ? new Error(`${code}: ${message}`) : new UnrecoverableError(`${code}: ${message}`);
    }
  };
  const worker = new Worker<QueueJobData, QueueResult>(queue, process_, {
    connection: connection(redis),
    // Two jobs per thread: the next image is ready when one finishes.
    concurrency: jobs * 2,
    lockDuration: stallMs,
    stalledInterval: stallMs,
    maxStalledCount: MAX_STALLS,
  });
  worker.on('error', (e) => process.stderr.write(`faceattr worker: ${e.message}\n`));
  await worker.waitUntilReady();
  let closed: Promise<void> | undefined;
  return {
    pool,
    close: () =>
      (closed ??= (async () => {
        await worker.close();
        await pool.dispose();
      })()),
  };
}

/** Job counts of a queue. */
export interface QueueStatus {
  /** Not started yet. */
  waiting: number;
  /** Running on some worker now. */
  active: number;
  /** Waiting for a retry. */
  delayed: number;
  /** Finished with a result. */
  completed: number;
  /** Finished with an error (bad input, or out of tries). */
  failed: number;
  /** All of the above. */
  total: number;
}

/** The queue's job counts. */
export async function queueStatus(queue: Queue<QueueJobData>): Promise<QueueStatus> {
  const c = await queue.getJobCounts('waiting', 'prioritized', 'active', 'delayed', 'completed', 'failed');
  const n = (k: string) => c[k] ?? 0;
  const s = { waiting: n('waiting') + n('prioritized'), active: n('active'), delayed: n('delayed'), completed: n('completed'), failed: n('failed') };
  return { ...s, total: s.waiting + s.active + s.delayed + s.completed + s.failed };
}

/** `CODE: message` as the worker threw it; other reasons (BullMQ's own, e.g. too many stalls) are INFERENCE_FAILED. */
function parseReason(reason: string): { code: string; message: string } {
  const m = /^([A-Z_]+): ([\s\S]*)$/.exec(reason);
  return m ? { code: m[1]!, message: m[2]! } : { code: 'INFERENCE_FAILED', message: reason };
}

/** Every finished job's record (completed, then failed), page by page. */
export async function* queueResults(queue: Queue<QueueJobData>, pageSize = 500): AsyncGenerator<QueueResult> {
  for (const state of ['completed', 'failed'] as const) {
    for (let start = 0; ; start += pageSize) {
      const page = (await queue.getJobs(state, start, start + pageSize - 1, true)) as Job<QueueJobData, QueueResult>[];
      for (const job of page) {
        if (!job) continue;
        const attempts = job.attemptsMade;
        if (state === 'completed') yield { ...job.returnvalue, id: job.id!, attempts };
        else yield { id: job.id!, file: job.data.name, source: job.data.source, error: parseReason(job.failedReason), attempts };
      }
      if (page.length < pageSize) break;
    }
  }
}
