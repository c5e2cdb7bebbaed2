import { FaceAttrError } from '../errors.js';
import type { TrackSource, VideoFrameInput } from './track-types.js';

/** Frames of a source, as an async iterable that ends early when `signal` aborts. */
export type FrameStream = (signal: AbortSignal) => AsyncIterable<VideoFrameInput>;

function isInstance(value: unknown, name: string): boolean {
  const ctor = (globalThis as Record<string, unknown>)[name];
  return typeof ctor === 'function' && value instanceof (ctor as new () => unknown);
}

/** Picks how to read frames from what the caller passed to `track()`; throws INVALID_INPUT for anything else. */
export function frameStream(source: TrackSource): FrameStream {
  if (isInstance(source, 'HTMLVideoElement')) {
    const video = source as HTMLVideoElement;
    return (signal) => videoFrames(video, signal);
  }
  if (isInstance(source, 'MediaStream')) {
    const stream = source as MediaStream;
    if (stream.getVideoTracks().length === 0) {
      throw new FaceAttrError('INVALID_INPUT', 'The MediaStream has no video track. Request one with getUserMedia({ video: true }).');
    }
    return (signal) => mediaStreamFrames(stream, signal);
  }
  if (source !== null && typeof source === 'object') {
    if (Symbol.asyncIterator in source || Symbol.iterator in source) {
      const iterable = source as AsyncIterable<VideoFrameInput> | Iterable<VideoFrameInput>;
      return (signal) => iterableFrames(iterable, signal);
    }
  }
  throw new FaceAttrError(
    'INVALID_INPUT',
    'track() follows an HTMLVideoElement, a MediaStream, or an (async) iterable of { image, timestampMs } frames.',
  );
}

async function* iterableFrames(source: AsyncIterable<VideoFrameInput> | Iterable<VideoFrameInput>, signal: AbortSignal) {
  for await (const frame of source) {
    if (signal.aborted) return;
    if (frame === null || typeof frame !== 'object' || !('image' in frame)) {
      throw new FaceAttrError('INVALID_INPUT', 'Each frame of an iterable source must be an object { image, timestampMs? }.');
    }
    yield frame;
  }
}

type VideoWithCallback = HTMLVideoElement & {
  requestVideoFrameCallback?(cb: (now: number, meta: { mediaTime: number }) => void): number;
  cancelVideoFrameCallback?(id: number): void;
};

/**
 * Resolves with the media time (ms) of the next new frame, or null when the video ends or `signal` aborts.
 * Uses requestVideoFrameCallback (one call per presented frame) and falls back to polling on animation frames.
 */
function nextFrame(video: VideoWithCallback, signal: AbortSignal, lastTime: number): Promise<number | null> {
  return new Promise((resolve) => {
    let cancel = () => {};
    const finish = (value: number | null) => {
      cancel();
      video.removeEventListener('ended', onEnd);
      signal.removeEventListener('abort', onEnd);
      resolve(value);
    };
    const onEnd = () => finish(null);
    if (signal.aborted || video.ended) return resolve(null);
    video.addEventListener('ended', onEnd);
    signal.addEventListener('abort', onEnd);
    if (typeof video.requestVideoFrameCallback === 'function') {
      const id = video.requestVideoFrameCallback((_now, meta) => finish(meta.mediaTime * 1000));
      cancel = () => video.cancelVideoFrameCallback?.(id);
    } else {
      let id = 0;
      const poll = () => {
        const t = video.currentTime * 1000;
        if (video.readyState >= 2 && t !== lastTime) finish(t);
        else id = requestAnimationFrame(poll);
      };
      id = requestAnimationFrame(poll);
      cancel = () => cancelAnimationFrame(id);
    }
  });
}

async function* videoFrames(video: HTMLVideoElement, signal: AbortSignal): AsyncGenerator<VideoFrameInput> {
  let last = Number.NaN;
  for (;;) {
    const t = await nextFrame(video, signal, last);
    if (t === null) return;
    last = t;
    // The video element itself is read at processing time, so a slow frame never queues stale copies.
    yield { image: video, timestampMs: t };
  }
}

async function* mediaStreamFrames(stream: MediaStream, signal: AbortSignal): AsyncGenerator<VideoFrameInput> {
  // A detached element plays the stream; the caller's stream and tracks are left running on stop (they own them).
  const video = document.createElement('video');
  video.muted = true;
  video.playsInline = true;
  video.srcObject = stream;
  try {
    await video.play();
    yield* videoFrames(video, signal);
  } finally {
    video.pause();
    video.srcObject = null;
  }
}
