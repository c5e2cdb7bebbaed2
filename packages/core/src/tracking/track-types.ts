import type { ImageInput } from '../image/image-types.js';
import type { AttributeName, FaceResult } from '../types.js';

/** Options for {@link FaceAttributePipeline.track} and {@link FaceAttributePipeline.createTracker}. */
export interface TrackOptions {
  /** Run the detector on every Nth processed frame; in between, tracks keep their last boxes. Default 1. */
  detectEvery?: number;
  /**
   * While faces are tracked, search the whole frame on every Nth detector run. On the runs in between, a
   * detector that can (`FaceDetector.follow`: mtcnn, and haar in its default confirmed mode) finds each tracked
   * face again near its last box: a fraction of a search's cost, with boxes and landmarks from the current
   * frame, but no new faces, so a face that enters while others are tracked appears within N detector runs.
   * A run that loses a tracked face searches the whole frame at once, and so does every run while no face is
   * tracked. 1 searches on every run (detectors without `follow` always do). Default 5.
   */
  searchEvery?: number;
  /**
   * Re-run the attribute model for a known track whose box holds still at least every Nth processed frame
   * (new tracks always run; a moving face sooner, see `attributesMaxMove`). 1 re-encodes every face on every
   * detector run. Default 15.
   */
  attributesEvery?: number;
  /**
   * Re-run the attribute model for a known track on the next detector run once its box's centre has moved, or
   * its width changed, by more than this fraction of its width since its last prediction. 0 re-encodes on any
   * movement; Infinity only by `attributesEvery`. Default 0.2.
   */
  attributesMaxMove?: number;
  /** Weight of the newest observation in the exponential average of age and probabilities, in (0, 1]; 1 turns smoothing off. Default 0.3. */
  smoothing?: number;
  /** Smallest IoU between a detection and a track's last box for them to be the same face. Default 0.3. */
  iouThreshold?: number;
  /**
   * Detector runs a track survives without a matching detection before it is dropped; a face that comes back
   * within this many runs keeps its id and smoothed attributes. Missed faces are not reported. Default 5.
   */
  maxMissed?: number;
  /** Attributes to predict; defaults to the pipeline's. */
  attributes?: readonly AttributeName[];
/** Drop faces the detector scores below this; defaults to the pipeline's. */
  minScore?: number;
/** Keep at most this many faces per detector run, highest scores first; defaults to the pipeline's. */
  maxFaces?: number;
  /** Stops the stream when aborted (same as `handle.stop()`). */
  signal?: AbortSignal;
}

/** A face in a stream: a {@link FaceResult} whose attributes are smoothed over its track. */
export interface TrackedFace extends FaceResult {
  /** Stable id for the same face across frames; never reused within one tracker. */
  trackId: number;
  /** Detector runs in which this face was found (1 on the frame it first appears). */
  hits: number;
  /**
   * Processed frames since this face's attributes were last predicted (0: on this frame); they are reused in
   * between (see `attributesEvery`, `attributesMaxMove`). Absent when the track has no attributes.
   */
  attributesAge?: number;
}

/** Milliseconds spent per stage on one frame (wall clock). */
export interface FrameTimings {
  /** Pixel conversion (video element/canvas/raw → RGB). */
  readMs: number;
/** Face detector (0 on frames where it did not run). */
  detectMs: number;
  /** Alignment + encoder passes. */
  encodeMs: number;
  /** Attribute heads. */
  headsMs: number;
/** The whole frame, from reading pixels to tracked faces. */
  totalMs: number;
}

/** What {@link FaceAttributePipeline.track} reports for each processed frame. */
export interface TrackFrame {
  /** 0-based count of processed frames. */
  frameIndex: number;
  /** Media time of the frame (video currentTime or the source's timestamp), in ms. */
  timestampMs: number;
/** Frame width in pixels. */
  width: number;
/** Frame height in pixels. */
  height: number;
/** The faces tracked in this frame (faces missed in it are not reported). */
  faces: TrackedFace[];
  /** Whether the detector ran on this frame (see `detectEvery`). */
  detected: boolean;
  /** Whether that detector run searched the whole frame; false when it followed the tracked faces (see `searchEvery`) or did not run. */
  searched: boolean;
/** Time spent per stage on this frame. */
  timings: FrameTimings;
  /** Processed frames per second, averaged over the last second of wall time. */
  fps: number;
}

/** One frame of a non-DOM source, e.g. decoded from a video file in Node. */
export interface VideoFrameInput {
/** The frame's pixels. */
  image: ImageInput;
/** Media time of the frame in ms; when missing, the time since the stream started. */
  timestampMs?: number;
}

/**
 * A stream `track()` can follow: a playing `HTMLVideoElement` or a `MediaStream` (browser; driven by
 * `requestVideoFrameCallback` where available, else `requestAnimationFrame`), or any (async) iterable
 * of frames (Node video, tests, recorded frames; every frame is processed, in order).
 */
export type TrackSource = HTMLVideoElement | MediaStream | AsyncIterable<VideoFrameInput> | Iterable<VideoFrameInput>;

/** Returned by `track()`. */
export interface TrackHandle {
  /** Stops after the frame in flight. Idempotent. */
  stop(): void;
  /** Settles when the stream ends or is stopped; rejects with a {@link FaceAttrError} when a frame fails. */
  readonly done: Promise<void>;
  /** Frames processed so far. */
  readonly frames: number;
}

/** A frame-by-frame tracker bound to a pipeline, for callers that drive their own loop. */
export interface FrameTracker {
  /** Processes one frame in order and returns the tracked faces. */
  next(input: ImageInput, timestampMs?: number): Promise<TrackFrame>;
  /** Forgets every track (ids keep increasing). */
  reset(): void;
}

