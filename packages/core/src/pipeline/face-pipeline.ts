import { FaceAttrError, describeError } from '../errors.js';
import { estimateLandmarksFromBox } from '../geometry/align.js';
import type { ImageInput, RgbImage } from '../image/image-types.js';
import type { BackendMemory } from '../plugins.js';
import type { FrameTracker, TrackFrame, TrackHandle, TrackOptions, TrackSource } from '../tracking/track-types.js';
import type { FaceResult } from '../types.js';
import { CallQueue } from './call-queue.js';
import { FaceStages, addPrediction } from './face-stages.js';
import { checkOptionKeys } from './option-keys.js';
import { callSettings, type CallSettings, type DetectCallOptions } from './options.js';
import { disposeEach, type PipelinePlugins } from './plugin-calls.js';
import { readImage } from './read-image.js';
import { createTracker, track, type TrackerContext } from './track-stream.js';

/** Detects faces and predicts their attributes. Create with {@link createPipeline}. */
export interface FaceAttributePipeline {
/** Name of the backend in use, e.g. `onnx-cpu`. */
  readonly backendName: string;
/** Name of the detector in use, e.g. `mtcnn`. */
  readonly detectorName: string;
/** Name of the attribute model, or undefined for a detection-only pipeline. */
  readonly attributeModelName: string | undefined;
  /**
   * Finds faces in `input` and predicts the requested attributes for each, highest score first.
   * Calls on one pipeline run one at a time, in order. The input is read (and copied) before the call returns.
   * @example
   * ```ts
   * const faces = await pipeline.detect(await decodeImage('photo.jpg'), { maxFaces: 5 });
   * for (const f of faces) console.log(f.box, f.age?.years, f.gender?.label, f.gender?.probability);
   * ```
   */
  detect(input: ImageInput, options?: DetectCallOptions): Promise<FaceResult[]>;
  /**
   * Follows the faces in a video: calls `onFrame` with tracked faces (stable `trackId`, smoothed attributes,
   * per-stage timings, FPS) for each processed frame until the video ends or `stop()` is called.
   * A live source drops frames while one is being processed; an iterable source is processed frame by frame.
   * `onFrame` may return a promise to hold the next frame. Errors reject `handle.done`.
   * @example
   * ```ts
   * const handle = pipeline.track(videoElement, (frame) => {
   *   for (const face of frame.faces) draw(face.box, face.trackId, face.age?.years, face.gender?.label);
   * }, { detectEvery: 2, attributesEvery: 3 });
   * // later:
   * handle.stop();
   * await handle.done;
   * ```
   */
  track(source: TrackSource, onFrame: (frame: TrackFrame) => void | Promise<void>, options?: TrackOptions): TrackHandle;
  /**
   * A tracker for callers that feed frames themselves (their own loop, worker, or decoded video).
   * @example
   * ```ts
   * const tracker = pipeline.createTracker({ smoothing: 0.5 });
   * for await (const { image, timestampMs } of frames) {
   *   const frame = await tracker.next(image, timestampMs);
   *   console.log(frame.frameIndex, frame.faces.map((f) => [f.trackId, f.age?.years]));
   * }
   * ```
   */
  createTracker(options?: TrackOptions): FrameTracker;
  /** Runs every model once on a blank image so the first real call is not slow. */
  warmup(): Promise<void>;
/** The backend's resource counters (loaded models; live tensors on tfjs), for leak checks. */
  memory(): BackendMemory;
  /** Releases every model, session and tensor the pipeline loaded. Idempotent. */
  dispose(): Promise<void>;
/** Same as `dispose()`, for `await using`. */
  [Symbol.asyncDispose](): Promise<void>;
}

function disposedError(): FaceAttrError {
  return new FaceAttrError('DISPOSED', 'This pipeline was disposed. Create a new one with createPipeline().');
}

/** A pipeline over loaded plugins; {@link createPipeline} builds it. Every model call goes through one queue. */
export class Pipeline implements FaceAttributePipeline {
  readonly #plugins: PipelinePlugins;
  readonly #context: TrackerContext;
  readonly #queue = new CallQueue();
  /** Aborted by dispose(): running streams stop on it. */
  readonly #closing = new AbortController();
  #disposing: Promise<void> | undefined;

  constructor(plugins: PipelinePlugins, defaults: CallSettings) {
    this.#plugins = plugins;
    this.#context = { stages: new FaceStages(plugins.detector, plugins.attributeModel), queue: this.#queue, defaults };
  }

  get backendName(): string {
    return this.#plugins.backend.name;
  }
  get detectorName(): string {
    return this.#plugins.detector.name;
  }
  get attributeModelName(): string | undefined {
    return this.#plugins.attributeModel?.name;
  }

  detect(input: ImageInput, options: DetectCallOptions = {}): Promise<FaceResult[]> {
    if (this.#disposing) return Promise.reject(disposedError());
    const { stages, defaults } = this.#context;
    let image: RgbImage;
    let call: CallSettings;
    // Everything is checked (and the pixels copied) before queueing: bad calls fail at once, and the caller may reuse its buffer.
    try {
      checkOptionKeys(options, 'detect()');
      call = callSettings(defaults, options);
      stages.check(call, 'call detect() with attributes: []');
      image = readImage(input);
    } catch (e) {
      return Promise.reject(e);
    }
    return this.#queue.run(async () => {
      const faces = await stages.findFaces(image, call);
      const preds = await stages.predict(image, faces.map((f) => f.landmarks), call);
      return preds ? faces.map((f, i) => addPrediction(f, preds[i]!)) : faces;
    });
  }

  createTracker(options?: TrackOptions): FrameTracker {
    if (this.#disposing) throw disposedError();
    return createTracker(this.#context, options);
  }

  track(source: TrackSource, onFrame: (frame: TrackFrame) => void | Promise<void>, options?: TrackOptions): TrackHandle {
    if (this.#disposing) throw disposedError();
    return track(this.#context, source, onFrame, options, this.#closing.signal);
  }

  async warmup(): Promise<void> {
    const size = 160;
    const image: RgbImage = { data: new Uint8Array(size * size * 3).fill(128), width: size, height: size, channels: 3 };
    await this.detect(image, { attributes: [], returnEmbedding: false });
    const model = this.#plugins.attributeModel;
    if (!model) return;
    // A blank image has no face to predict for, so the model gets one box's estimated landmarks.
    const face = estimateLandmarksFromBox({ x: 40, y: 40, width: 80, height: 80 });
    const attributes = this.#context.defaults.attributes;
    await this.#queue.run(() => model.predict(image, [face], { attributes, embedding: false }));
  }

  memory(): BackendMemory {
    return this.#plugins.backend.memory();
  }

  dispose(): Promise<void> {
    this.#disposing ??= this.#release();
    return this.#disposing;
  }

  async #release(): Promise<void> {
    // Streams stop before the queue closes, so their loops end quietly instead of failing with DISPOSED.
    this.#closing.abort();
    await this.#queue.close(disposedError);
    const { backend, detector, attributeModel } = this.#plugins;
    const errors = await disposeEach([attributeModel, detector, backend]);
    if (errors.length) {
      throw new FaceAttrError('INFERENCE_FAILED', `dispose() could not release everything: ${errors.map(describeError).join('; ')}`, { cause: errors[0] });
    }
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.dispose();
  }
}
