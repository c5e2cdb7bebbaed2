import { FaceAttrError } from '../errors.js';
import { formatValue } from '../format-value.js';
import type { FaceTrackerSettings } from './face-tracker.js';
import type { TrackOptions } from './track-types.js';

export interface ResolvedTrackOptions extends FaceTrackerSettings {
  detectEvery: number;
  searchEvery: number;
}

/**
 * The defaults of `TrackOptions`, in one place. A face that holds still keeps its attributes for up to
 * 15 frames (half a second at 30 FPS; the smoothing averages over several predictions anyway); one that moves
 * or scales by a fifth of its width is re-encoded on the next detector run. Measured in the browser bench
 * (docs/benchmarks.md): the encoder is most of a frame's time, and these cut it to a fraction. With the encoder
 * cut, the detector's full-frame search was the largest cost: between searches (every 5th detector run, a
 * sixth of a second at 30 FPS) tracked faces are followed near their last boxes instead.
 */
export const DEFAULT_TRACK_OPTIONS = {
  detectEvery: 1,
  searchEvery: 5,
  attributesEvery: 15,
  attributesMaxMove: 0.2,
  maxMissed: 5,
  smoothing: 0.3,
  iouThreshold: 0.3,
} as const;

function positiveInt(name: string, v: unknown, fallback: number, min = 1): number {
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
    throw new FaceAttrError('INVALID_OPTIONS', `"${name}" must be an integer >= ${min}, got ${formatValue(v)}.`);
  }
  return v;
}

/** Validates tracking options and fills in the defaults. */
export function resolveTrackOptions(o: TrackOptions | undefined): ResolvedTrackOptions {
  if (o !== undefined && (typeof o !== 'object' || o === null)) throw new FaceAttrError('INVALID_OPTIONS', 'Tracking options must be an object.');
  const opts = o ?? {};
  const d = DEFAULT_TRACK_OPTIONS;
  const smoothing = opts.smoothing ?? d.smoothing;
  if (typeof smoothing !== 'number' || !(smoothing > 0 && smoothing <= 1)) {
    throw new FaceAttrError('INVALID_OPTIONS', `"smoothing" must be a number in (0, 1] (1 turns smoothing off), got ${formatValue(opts.smoothing)}.`);
  }
  const iouThreshold = opts.iouThreshold ?? d.iouThreshold;
  if (typeof iouThreshold !== 'number' || !(iouThreshold > 0 && iouThreshold < 1)) {
    throw new FaceAttrError('INVALID_OPTIONS', `"iouThreshold" must be a number in (0, 1), got ${formatValue(opts.iouThreshold)}.`);
  }
  const attributesMaxMove = opts.attributesMaxMove ?? d.attributesMaxMove;
  if (typeof attributesMaxMove !== 'number' || Number.isNaN(attributesMaxMove) || attributesMaxMove < 0) {
    throw new FaceAttrError('INVALID_OPTIONS', `"attributesMaxMove" must be a number >= 0 (a fraction of the face's width; Infinity: never re-encode for movement), got ${formatValue(opts.attributesMaxMove)}.`);
  }
  return {
    detectEvery: positiveInt('detectEvery', opts.detectEvery, d.detectEvery),
    searchEvery: positiveInt('searchEvery', opts.searchEvery, d.searchEvery),
    attributesEvery: positiveInt('attributesEvery', opts.attributesEvery, d.attributesEvery),
    attributesMaxMove,
    maxMissed: positiveInt('maxMissed', opts.maxMissed, d.maxMissed, 0),
    smoothing,
    iouThreshold,
  };
}
