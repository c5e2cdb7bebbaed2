import { FaceAttrError, describeError } from '../errors.js';
import { estimateLandmarksFromBox } from '../geometry/align.js';
import type { ImageInput, RgbImage } from '../image/image-types.js';
import { toRgbImage } from '../image/to-rgb.js';
import { createModelContext } from '../model/model-context.js';
import type { AttributeModel, BackendMemory, FaceDetector, InferenceBackend } from '../plugins.js';
import { attributeModels, backends, detectors } from '../registry/index.js';
import { FaceTracker, type TrackerDetection } from '../tracking/face-tracker.js';
import { FpsMeter } from '../tracking/fps-meter.js';
import { frameStream } from '../tracking/frame-source.js';
import { resolveTrackOptions } from '../tracking/track-options.js';
import type { FrameTimings, FrameTracker, TrackFrame, TrackHandle, TrackOptions, TrackSource, VideoFrameInput } from '../tracking/track-types.js';
import type { AttributeName, FaceResult } from '../types.js';
import {
  DEFAULT_ATTRIBUTES,
  checkAttributes,
  checkMaxFaces,
  checkMinScore,
  type DetectCallOptions,
  type PipelineOptions,
} from './options.js';

/** Detects faces and predicts their attributes. Create with {@link createPipeline}. */
export interface FaceAttributePipeline {
  readonly backendName: string;
  readonly detectorName: string;
  readonly attributeModelName: string | undefined;
  /** Finds faces in `input` and predicts the requested attributes for each, highest score first. */
  detect(input: ImageInput, options?: DetectCallOptions): Promise<FaceResult[]>;
  /**
   * Follows the faces in a video: calls `onFrame` with tracked faces (stable `trackId`, smoothed attributes,
   * per-stage timings, FPS) for each processed frame until the video ends or `stop()` is called.
   * A live source drops frames while one is being processed; an iterable source is processed frame by frame.
   * `onFrame` may return a promise to hold the next frame. Errors reject `handle.done`.
   */
  track(source: TrackSource, onFrame: (frame: TrackFrame) => void | Promise<void>, options?: TrackOptions): TrackHandle;
  /** A tracker for callers that feed frames themselves (their own loop, worker, or decoded video). */
  createTracker(options?: TrackOptions): FrameTracker;
  /** Runs every model once on a blank image so the first real call is not slow. */
  warmup(): Promise<void>;
  memory(): BackendMemory;
  /** Releases every model, session and tensor the pipeline loaded. Idempotent. */
  dispose(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

async function resolve<T>(
  value: T | string | readonly string[] | undefined,
  registry: { create(n?: string | readonly string[]): Promise<{ name: string; instance: T }> },
): Promise<T> {
  if (value === undefined || typeof value === 'string' || Array.isArray(value)) {
    return (await registry.create(value as string | readonly string[] | undefined)).instance;
  }
  return value as T;
}

const now = () => performance.now();

class Pipeline implements FaceAttributePipeline {
  #disposed = false;
  #queue: Promise<unknown> = Promise.resolve();
  #streams = new Set<() => void>();

  constructor(
    readonly backend: InferenceBackend,
    readonly detector: FaceDetector,
    readonly attributeModel: AttributeModel | undefined,
    readonly options: { attributes: readonly AttributeName[]; returnEmbedding: boolean; minScore?: number | undefined; maxFaces?: number | undefined },
  ) {}

  get backendName() {
    return this.backend.name;
  }
  get detectorName() {
    return this.detector.name;
  }
  get attributeModelName() {
    return this.attributeModel?.name;
  }

  detect(input: ImageInput, call: DetectCallOptions = {}): Promise<FaceResult[]> {
    if (this.#disposed) return Promise.reject(disposedError());
    // Validate and copy pixels before queueing, so the caller may reuse its buffer right away.
    let image;
    let attributes: readonly AttributeName[];
    let minScore: number | undefined;
    let maxFaces: number | undefined;
    try {
      image = toRgbImage(input);
      attributes = call.attributes === undefined ? this.options.attributes : checkAttributes(call.attributes);
      minScore = checkMinScore(call.minScore) ?? this.options.minScore;
      maxFaces = checkMaxFaces(call.maxFaces) ?? this.options.maxFaces;
    } catch (e) {
      return Promise.reject(e);
    }
    const returnEmbedding = call.returnEmbedding ?? this.options.returnEmbedding;
    if ((attributes.length > 0 || returnEmbedding) && !this.attributeModel) {
      return Promise.reject(
        new FaceAttrError('INVALID_OPTIONS', 'This pipeline was created without an attribute model; call detect() with attributes: [] or create the pipeline with one.'),
      );
    }
    const run = async (): Promise<FaceResult[]> => {
      const results: FaceResult[] = await this.#findFaces(image, minScore, maxFaces);
      if (results.length > 0 && this.attributeModel && (attributes.length > 0 || returnEmbedding)) {
        const preds = await this.attributeModel.predict(
          image,
          results.map((r) => r.landmarks),
          { attributes, embedding: returnEmbedding },
        );
        results.forEach((r, i) => {
          const p = preds[i]!;
          if (attributes.includes('age') && p.age) r.age = p.age;
          if (attributes.includes('gender') && p.gender) r.gender = p.gender;
          if (attributes.includes('race') && p.race) r.race = p.race;
          if (returnEmbedding && p.embedding) r.embedding = p.embedding;
        });
      }
      return results;
    };
    return this.#enqueue(run);
  }

  /** Runs jobs one at a time, in call order, so models never see interleaved calls. */
  #enqueue<T>(job: () => Promise<T>): Promise<T> {
    const run = () => {
      if (this.#disposed) throw disposedError();
      return job();
    };
    const next = this.#queue.then(run, run);
    this.#queue = next.catch(() => undefined);
    return next;
  }

  async #findFaces(image: RgbImage, minScore: number | undefined, maxFaces: number | undefined): Promise<FaceResult[]> {
    const opts: { minScore?: number; maxFaces?: number } = {};
    if (minScore !== undefined) opts.minScore = minScore;
    if (maxFaces !== undefined) opts.maxFaces = maxFaces;
    const found = await this.detector.detect(image, opts);
    let faces = found.filter((f) => minScore === undefined || f.score >= minScore).sort((a, b) => b.score - a.score);
    if (maxFaces !== undefined) faces = faces.slice(0, maxFaces);
    return faces.map((f) => ({
      box: f.box,
      score: f.score,
      landmarks: f.landmarks ?? estimateLandmarksFromBox(f.box),
      landmarkSource: f.landmarks ? 'detector' : 'estimated-from-box',
    }));
  }

  createTracker(options?: TrackOptions): FrameTracker {
    if (this.#disposed) throw disposedError();
    const settings = resolveTrackOptions(options);
    const attributes = options?.attributes === undefined ? this.options.attributes : checkAttributes(options.attributes);
    const minScore = checkMinScore(options?.minScore) ?? this.options.minScore;
    const maxFaces = checkMaxFaces(options?.maxFaces) ?? this.options.maxFaces;
    const returnEmbedding = this.options.returnEmbedding;
    const model = this.attributeModel;
    if ((attributes.length > 0 || returnEmbedding) && !model) {
      throw new FaceAttrError('INVALID_OPTIONS', 'This pipeline was created without an attribute model; track with attributes: [] or create the pipeline with one.');
    }
    const tracker = new FaceTracker(settings);
    const fps = new FpsMeter();
    const origin = now();
    let queued = 0;
    return {
      next: (input, timestampMs) => {
        const start = now();
        let image: RgbImage;
        try {
          if (timestampMs !== undefined && !Number.isFinite(timestampMs)) {
            throw new FaceAttrError('INVALID_INPUT', `timestampMs must be a finite number of milliseconds, got ${String(timestampMs)}.`);
          }
          // Read the pixels now: a video element shows a different frame by the time the queue gets here.
          image = toRgbImage(input);
        } catch (e) {
          return Promise.reject(e);
        }
        const readMs = now() - start;
        const frameIndex = queued++;
        return this.#enqueue(async (): Promise<TrackFrame> => {
          const began = now();
          const timings: FrameTimings = { readMs, detectMs: 0, encodeMs: 0, headsMs: 0, totalMs: 0 };
          const detected = frameIndex % settings.detectEvery === 0;
          let seen;
          if (detected) {
            const found: TrackerDetection[] = await this.#findFaces(image, minScore, maxFaces);
            timings.detectMs = now() - began;
            const observed = tracker.observe(found, frameIndex);
            seen = observed.seen;
            if (model && observed.due.length > 0 && (attributes.length > 0 || returnEmbedding)) {
              const spent = { encodeMs: 0, headsMs: 0 };
              const preds = await model.predict(image, observed.due.map((t) => t.landmarks), { attributes, embedding: returnEmbedding, timings: spent });
              observed.due.forEach((t, i) => tracker.update(t, preds[i]!, frameIndex));
              timings.encodeMs = spent.encodeMs;
              timings.headsMs = spent.headsMs;
            }
          } else {
            seen = tracker.visible();
          }
          const end = now();
          timings.totalMs = readMs + (end - began);
          return {
            frameIndex,
            timestampMs: timestampMs ?? start - origin,
            width: image.width,
            height: image.height,
            faces: seen.map((t) => tracker.toResult(t)),
            detected,
            timings,
            fps: fps.tick(end),
          };
        });
      },
      reset: () => tracker.reset(),
    };
  }

  track(source: TrackSource, onFrame: (frame: TrackFrame) => void | Promise<void>, options?: TrackOptions): TrackHandle {
    if (typeof onFrame !== 'function') throw new FaceAttrError('INVALID_OPTIONS', 'track(source, onFrame) needs an onFrame callback.');
    const tracker = this.createTracker(options);
    const frames = frameStream(source);
    const abort = new AbortController();
    const stop = () => abort.abort();
    const signal = options?.signal;
    if (signal?.aborted) stop();
    signal?.addEventListener('abort', stop);
    this.#streams.add(stop);
    let count = 0;
    const done = (async () => {
      const iterator = frames(abort.signal)[Symbol.asyncIterator]();
      // A stalled source (a live feed waiting for its next frame) must not keep stop() from settling `done`.
      const stopped = new Promise<IteratorResult<VideoFrameInput>>((resolve) => {
        if (abort.signal.aborted) resolve({ done: true, value: undefined });
        abort.signal.addEventListener('abort', () => resolve({ done: true, value: undefined }), { once: true });
      });
      let pending = false;
      let exhausted = false;
      try {
        while (!abort.signal.aborted) {
          pending = true;
          const next = await Promise.race([iterator.next().finally(() => (pending = false)), stopped]);
          if (next.done) {
            exhausted = !abort.signal.aborted;
            break;
          }
          if (abort.signal.aborted) break;
          const frame = next.value;
          let result: TrackFrame;
          try {
            result = await tracker.next(frame.image, frame.timestampMs);
          } catch (e) {
            // dispose() during a frame ends the stream; it is not a failure of the stream.
            if (abort.signal.aborted && e instanceof FaceAttrError && e.code === 'DISPOSED') break;
            throw e;
          }
          count++;
          if (abort.signal.aborted) break;
          await onFrame(result);
        }
      } finally {
        // Let the source clean up (e.g. end its decoder) before `done` settles, unless a next() is still
        // pending: an async generator's return() waits for it, and a stalled live source may never deliver.
        if (!exhausted) {
          const closing = iterator.return?.()?.then(() => undefined, () => undefined);
          if (!pending) await closing;
        }
        signal?.removeEventListener('abort', stop);
        this.#streams.delete(stop);
      }
    })();
    return {
      stop,
      done,
      get frames() {
        return count;
      },
    };
  }

  async warmup(): Promise<void> {
    const size = 160;
    const data = new Uint8Array(size * size * 3).fill(128);
    await this.detect({ data, width: size, height: size, channels: 3 }, { attributes: [] });
    if (this.attributeModel) {
      const l = estimateLandmarksFromBox({ x: 40, y: 40, width: 80, height: 80 });
      await this.attributeModel.predict({ data, width: size, height: size, channels: 3 }, [l], {
        attributes: this.options.attributes,
        embedding: false,
      });
    }
  }

  memory(): BackendMemory {
    return this.backend.memory();
  }

  async dispose(): Promise<void> {
    if (this.#disposed) return;
    // Streams stop before the flag flips, so their loops end quietly instead of failing with DISPOSED.
    for (const stop of this.#streams) stop();
    this.#disposed = true;
    await this.#queue;
    const errors: unknown[] = [];
    for (const p of [this.attributeModel, this.detector]) {
      try {
        await p?.dispose();
      } catch (e) {
        errors.push(e);
      }
    }
    try {
      await this.backend.dispose();
    } catch (e) {
      errors.push(e);
    }
    if (errors.length) {
      throw new FaceAttrError('INFERENCE_FAILED', `dispose() could not release everything: ${errors.map(describeError).join('; ')}`, { cause: errors[0] });
    }
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.dispose();
  }
}

function disposedError() {
  return new FaceAttrError('DISPOSED', 'This pipeline was disposed. Create a new one with createPipeline().');
}

/**
 * Builds a pipeline: resolves the backend, detector and attribute model (objects or registered
 * names), loads their models, and returns a ready {@link FaceAttributePipeline}.
 * The pipeline owns the plugins passed to it and releases them in `dispose()`.
 */
export async function createPipeline(options: PipelineOptions = {}): Promise<FaceAttributePipeline> {
  if (typeof options !== 'object' || options === null) throw new FaceAttrError('INVALID_OPTIONS', 'createPipeline() takes an options object.');
  const attributes = options.attributes === undefined ? DEFAULT_ATTRIBUTES : checkAttributes(options.attributes);
  const minScore = checkMinScore(options.minScore);
  const maxFaces = checkMaxFaces(options.maxFaces);
  const returnEmbedding = options.returnEmbedding ?? false;
  const wantsAttributes = options.attributeModel !== null && (attributes.length > 0 || returnEmbedding || options.attributeModel !== undefined);

  const backend = await resolve(options.backend, backends);
  if (typeof options.backend === 'object' && !Array.isArray(options.backend)) await backend.init();
  const cleanup: { dispose(): Promise<void> }[] = [backend];
  try {
    const detector = await resolve(options.detector, detectors);
    cleanup.unshift(detector);
    const attributeModel = wantsAttributes ? await resolve(options.attributeModel ?? undefined, attributeModels) : undefined;
    if (attributeModel) cleanup.unshift(attributeModel);
    const ctx = createModelContext(backend, { models: options.models, modelBasePath: options.modelBasePath });
    await detector.load(ctx);
    await attributeModel?.load(ctx);
    return new Pipeline(backend, detector, attributeModel, { attributes, returnEmbedding, minScore, maxFaces });
  } catch (e) {
    for (const c of cleanup) await c.dispose().catch(() => undefined);
    throw e;
  }
}
