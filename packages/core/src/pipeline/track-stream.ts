import { FaceAttrError } from '../errors.js';
import type { RgbImage } from '../image/image-types.js';
import { FaceTracker } from '../tracking/face-tracker.js';
import { FpsMeter } from '../tracking/fps-meter.js';
import { frameStream } from '../tracking/frame-source.js';
import { resolveTrackOptions } from '../tracking/track-options.js';
import { captureVideoFrame, type DeferredRead } from '../tracking/video-frame-reader.js';
import type { FrameTimings, FrameTracker, TrackFrame, TrackHandle, TrackOptions, TrackSource, VideoFrameInput } from '../tracking/track-types.js';
import type { CallQueue } from './call-queue.js';
import type { FaceStages } from './face-stages.js';
import { checkOptionKeys } from './option-keys.js';
import { callSettings, type CallSettings } from './options.js';
import { readImage } from './read-image.js';

/** What a tracker uses of its pipeline. */
export interface TrackerContext {
  stages: FaceStages;
  /** The pipeline's queue: frames take turns with detect() calls. */
  queue: CallQueue;
  /** The pipeline's settings, which the tracking options override. */
  defaults: CallSettings;
}

const now = () => performance.now();

/** A tracker for callers that feed frames themselves; options are checked now (INVALID_OPTIONS). */
export function createTracker(pipeline: TrackerContext, options?: TrackOptions): FrameTracker {
  if (options !== undefined) checkOptionKeys(options, 'track()');
  const settings = resolveTrackOptions(options);
  const call = callSettings(pipeline.defaults, options ?? {});
  const { stages, queue } = pipeline;
  stages.check(call, 'track with attributes: []');
  const tracker = new FaceTracker(settings);
  const fps = new FpsMeter();
  const origin = now();
  let queued = 0;
  /** Detector runs since the last full-frame search (searchEvery). */
  let sinceSearch = 0;

  const process = async (read: DeferredRead | RgbImage, frameIndex: number, capturedMs: number, timestampMs: number): Promise<TrackFrame> => {
    const readStart = now();
    const image = typeof read === 'function' ? await read() : read;
    const began = now();
    const readMs = capturedMs + (began - readStart);
    const timings: FrameTimings = { readMs, detectMs: 0, encodeMs: 0, headsMs: 0, totalMs: 0 };
    const detected = frameIndex % settings.detectEvery === 0;
    let searched = false;
    let seen;
    if (detected) {
      // Between searches, follow the visible tracks near where their motion puts them; a run that loses one searches
      // at once, so following never drops a face that a search would have found.
      const known = stages.canFollow && sinceSearch + 1 < settings.searchEvery ? tracker.predictedBoxes(frameIndex) : [];
      let faces = known.length ? await stages.followFaces(image, known, call) : undefined;
      if (faces === undefined || faces.length < known.length) {
        faces = await stages.findFaces(image, call);
        searched = true;
        sinceSearch = 0;
      } else {
        sinceSearch++;
      }
      const observed = tracker.observe(faces, frameIndex);
      timings.detectMs = now() - began;
      seen = observed.seen;
      const preds = await stages.predict(image, observed.due.map((t) => t.landmarks), call, timings);
      preds?.forEach((p, i) => tracker.update(observed.due[i]!, p, frameIndex));
    } else {
      seen = tracker.visible();
    }
    const end = now();
    timings.totalMs = readMs + (end - began);
    return { frameIndex, timestampMs, width: image.width, height: image.height, faces: seen.map((t) => tracker.toResult(t, frameIndex)), detected, searched, timings, fps: fps.tick(end) };
  };

  return {
    next: (input, timestampMs) => {
      const start = now();
      let read: DeferredRead | RgbImage;
      try {
        if (timestampMs !== undefined && !Number.isFinite(timestampMs)) {
          throw new FaceAttrError('INVALID_INPUT', `timestampMs must be a finite number of milliseconds, got ${String(timestampMs)}.`);
        }
        // Take the frame now: a video element shows a different frame by the time the queue gets here. A
        // video's frame is held as a VideoFrame and converted when its turn comes (no canvas round trip).
        read = captureVideoFrame(input) ?? readImage(input);
      } catch (e) {
        return Promise.reject(e);
      }
      const capturedMs = now() - start;
      const frameIndex = queued++;
      return queue.run(() => process(read, frameIndex, capturedMs, timestampMs ?? start - origin));
    },
    reset: () => tracker.reset(),
  };
}

/**
 * Follows `source` with a new tracker, calling `onFrame` per processed frame, until the source ends,
 * `stop()` is called, or `options.signal` or `closing` (the pipeline's dispose) aborts.
 */
export function track(
  pipeline: TrackerContext,
  source: TrackSource,
  onFrame: (frame: TrackFrame) => void | Promise<void>,
  options: TrackOptions | undefined,
  closing: AbortSignal,
): TrackHandle {
  if (typeof onFrame !== 'function') throw new FaceAttrError('INVALID_OPTIONS', 'track(source, onFrame) needs an onFrame callback.');
  const tracker = createTracker(pipeline, options);
  const signal = options?.signal;
  if (signal !== undefined && typeof signal.addEventListener !== 'function') {
    throw new FaceAttrError('INVALID_OPTIONS', '"signal" must be an AbortSignal, e.g. from new AbortController().');
  }
  const frames = frameStream(source);
  const abort = new AbortController();
  const stop = () => abort.abort();
  const signals = [signal, closing];
  for (const s of signals) {
    if (s?.aborted) stop();
    s?.addEventListener('abort', stop);
  }
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
        let result: TrackFrame;
        try {
          result = await tracker.next(next.value.image, next.value.timestampMs);
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
        const ended = iterator.return?.()?.then(() => undefined, () => undefined);
        if (!pending) await ended;
      }
      for (const s of signals) s?.removeEventListener('abort', stop);
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
