import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { FaceAttrError, type FaceResult, type RgbImage } from '@faceattr/core';
import { DEFAULT_BACKEND, DEFAULT_DETECTOR, deserializeError, type FileDetection, type ImagePayload, type PipelineSpec, type PoolModelInfo, type WorkerReply, type WorkerTask } from './protocol.js';

/** {@link createPipelinePool}'s options: the pipeline each worker builds, and the pool's size. */
export interface PipelinePoolOptions extends Partial<PipelineSpec> {
  /** Worker threads, each with its own pipeline. Default `os.availableParallelism()`. */
  size?: number;
  /**
   * V8 heap limit of each worker, MB (`resourceLimits.maxOldGenerationSizeMb`). A worker that
   * exceeds it dies; its job fails and the worker is replaced. Default 1024. Model weights and
   * pixel buffers live outside this heap (see docs/scale.md for measured RSS per worker).
   */
  maxWorkerHeapMb?: number;
}

/** Options of {@link PipelinePool.detect}. */
export interface DetectImageOptions {
  /**
   * Move the pixels to the worker instead of copying them: the image's buffer is detached (unusable
   * by the caller) once `detect` returns. Without it the pixels are copied once. Default false.
   */
  transfer?: boolean;
}

/** Options of {@link PipelinePool.detectFile}. */
export interface DetectFileOptions {
  /** Name for error messages (default: the path). */
  name?: string;
  /** Write an annotated JPEG here (under `<path>.partial` first, then renamed). */
  annotate?: string;
  /** Write each face's aligned crop as `<crops>-<face index>.jpg` (each under `.partial` first, then renamed). */
  crops?: string;
  /** Pad the image like `faceattr eval` pads UTKFace chips before detecting. */
  padChip?: boolean;
}

/** Worker threads, each running its own pipeline; jobs go to the next idle worker, one at a time. */
export interface PipelinePool extends AsyncDisposable {
  /** Worker threads (each keeps one job at a time; the rest wait in a FIFO on the calling thread). */
  readonly size: number;
  /** The models the workers run. */
  readonly info: PoolModelInfo;
  /** Detects faces in decoded pixels (RGB or RGBA), like `pipeline.detect`. */
  detect(image: RgbImage | ImagePayload, options?: DetectImageOptions): Promise<FaceResult[]>;
  /**
   * Reads, decodes and analyses an image file (or its encoded bytes) in a worker. Bytes that own their
   * whole buffer are moved to the worker (detached here), others are copied.
   */
  detectFile(source: string | Uint8Array, options?: DetectFileOptions): Promise<FileDetection>;
  /** Jobs queued or running. */
  readonly pending: number;
  /** Fails queued jobs with DISPOSED, lets running ones finish, and stops the workers. */
  dispose(): Promise<void>;
}

interface Job {
  task: WorkerTask;
  transfer: ArrayBuffer[];
  resolve(r: FileDetection): void;
  reject(e: unknown): void;
}

interface Slot {
  worker: Worker;
  job?: Job;
}

const isSource = import.meta.url.endsWith('.ts');

/**
 * From the built package the worker is `dist/pool-worker.js` beside this file. From sources (tests,
 * `tsx`) the worker is TypeScript: a two-line bootstrap registers tsx's loader in the thread first.
 */
function spawnWorker(spec: PipelineSpec, heapMb: number): Worker {
  // onnxruntime-node segfaulted in workers with Node's default 4 MB stack once the process had a long
  // argv (300 file arguments); 64 MB held 2,100. It is reserved address space, touched only as used.
  const resourceLimits = { maxOldGenerationSizeMb: heapMb, stackSizeMb: 64 };
  if (!isSource) return new Worker(new URL('./pool-worker.js', import.meta.url), { workerData: spec, resourceLimits });
  const tsx = createRequire(import.meta.url).resolve('tsx/esm/api');
  const entry = new URL('./worker.ts', import.meta.url).href;
  const boot = `import(${JSON.stringify(`file://${tsx}`)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(boot, { eval: true, workerData: spec, resourceLimits });
}

/** A view over its whole ArrayBuffer (never a slice of Node's shared Buffer pool) can be moved. */
const ownsBuffer = (a: Uint8Array) => a.buffer instanceof ArrayBuffer && a.byteOffset === 0 && a.byteLength === a.buffer.byteLength;

function checkSize(size: number): void {
  if (!(Number.isInteger(size) && size > 0 && size <= 256)) {
    throw new FaceAttrError('INVALID_OPTIONS', `size (worker threads) must be an integer in 1..256; got ${JSON.stringify(size)}.`);
  }
}

/**
 * Starts `size` worker threads, each building its own pipeline from `options` (registered backend and
 * detector names plus plain options, as `buildPipeline` takes them), and resolves once all are ready;
 * a pipeline that cannot be built rejects with its FaceAttrError. A job that fails rejects with the
 * worker's FaceAttrError (same code and message); a worker that dies fails its one running job with
 * `INFERENCE_FAILED` (`details.reason: 'worker-exited'`) and is replaced.
 */
export async function createPipelinePool(options: PipelinePoolOptions = {}): Promise<PipelinePool> {
  const { size = availableParallelism(), maxWorkerHeapMb = 1024, ...rest } = options;
  checkSize(size);
  const spec: PipelineSpec = { backend: rest.backend ?? DEFAULT_BACKEND, detector: rest.detector ?? DEFAULT_DETECTOR, ...rest };
  const queue: Job[] = [];
  const slots: Slot[] = [];
  let nextId = 1;
  let closing = false;
  let info: PoolModelInfo | undefined;

  const dispatch = () => {
    for (const slot of slots) {
      if (slot.job || !queue.length) continue;
      const job = queue.shift()!;
      slot.job = job;
      slot.worker.postMessage(job.task, job.transfer);
    }
  };

  // Resolves with the worker once its pipeline is built; every later event is about jobs.
  const addWorker = (): Promise<void> =>
    new Promise((ready, failed) => {
      const slot: Slot = { worker: spawnWorker(spec, maxWorkerHeapMb) };
      slots.push(slot);
      let started = false;
      slot.worker.on('message', (m: WorkerReply) => {
        if (m.type === 'ready') {
          started = true;
          info ??= m.info;
          ready();
          dispatch();
        } else if (m.type === 'init-failed') {
          failed(deserializeError(m.error));
        } else {
          const job = slot.job;
          slot.job = undefined;
          if (m.type === 'done') job?.resolve(m.result);
          else job?.reject(deserializeError(m.error));
          dispatch();
        }
      });
      slot.worker.on('error', (e) => {
        if (!started) failed(new FaceAttrError('BACKEND_UNAVAILABLE', `A pool worker failed to start: ${e.message}`, { cause: e }));
      });
      slot.worker.on('exit', (code) => {
        slots.splice(slots.indexOf(slot), 1);
        const job = slot.job;
        if (job) {
          const what = job.task.kind === 'file' ? (job.task.name ?? (typeof job.task.source === 'string' ? job.task.source : 'an image')) : 'an image';
          job.reject(
            new FaceAttrError('INFERENCE_FAILED', `The worker thread running ${what} exited (code ${code}); the pool replaced it.`, {
              details: { reason: 'worker-exited', exitCode: code },
            }),
          );
        }
        if (!started) failed(new FaceAttrError('BACKEND_UNAVAILABLE', `A pool worker exited (code ${code}) before its pipeline was ready.`));
        else if (!closing) addWorker().catch((e: unknown) => failQueued(e));
      });
    });

  const failQueued = (e: unknown) => {
    for (const job of queue.splice(0)) job.reject(e);
  };

  const submit = (task: WorkerTask, transfer: ArrayBuffer[]) =>
    new Promise<FileDetection>((resolve, reject) => {
      if (closing) {
        reject(new FaceAttrError('DISPOSED', 'The pipeline pool was disposed.'));
        return;
      }
      queue.push({ task, transfer, resolve, reject });
      dispatch();
    });

  let disposed: Promise<void> | undefined;
  const dispose = () => (disposed ??= close());
  const close = async () => {
    closing = true;
    failQueued(new FaceAttrError('DISPOSED', 'The pipeline pool was disposed.'));
    await Promise.all(
      slots.map(async (slot) => {
        while (slot.job) await new Promise((r) => setTimeout(r, 10));
        const exited = new Promise((r) => slot.worker.once('exit', r));
        slot.worker.postMessage({ kind: 'close' });
        // A pipeline that will not dispose must not keep the process alive.
        const timer = setTimeout(() => void slot.worker.terminate(), 10_000);
        await exited;
        clearTimeout(timer);
      }),
    );
  };

  try {
    await Promise.all(Array.from({ length: size }, addWorker));
  } catch (e) {
    closing = true;
    await Promise.all(slots.map((s) => s.worker.terminate()));
    throw e;
  }

  return {
    size,
    info: info!,
    get pending() {
      return queue.length + slots.filter((s) => s.job).length;
    },
    async detect(image, o = {}) {
      const { data, width, height } = image;
      const channels = (image as ImagePayload).channels ?? 3;
      // One copy at most: the caller's pixels are copied into a fresh buffer that is then moved.
      const own = o.transfer && ownsBuffer(data) ? data : data.slice();
      const payload: ImagePayload = { data: own, width, height, channels };
      return (await submit({ id: nextId++, kind: 'image', image: payload }, [own.buffer as ArrayBuffer])).faces;
    },
    detectFile(source, o = {}) {
      const transfer = typeof source !== 'string' && ownsBuffer(source) ? [source.buffer as ArrayBuffer] : [];
      return submit({ id: nextId++, kind: 'file', source, ...o }, transfer);
    },
    dispose,
    [Symbol.asyncDispose]: dispose,
  };
}
