import { FaceAttrError } from '../errors.js';
import { formatValue } from '../format-value.js';
import type { FaceTrackerSettings } from './face-tracker.js';
import type { TrackOptions } from './track-types.js';

export interface ResolvedTrackOptions extends FaceTrackerSettings {
  detectEvery: number;
}

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
  const smoothing = opts.smoothing ?? 0.3;
  if (typeof smoothing !== 'number' || !(smoothing > 0 && smoothing <= 1)) {
    throw new FaceAttrError('INVALID_OPTIONS', `"smoothing" must be a number in (0, 1] (1 turns smoothing off), got ${formatValue(opts.smoothing)}.`);
  }
  const iouThreshold = opts.iouThreshold ?? 0.3;
  if (typeof iouThreshold !== 'number' || !(iouThreshold > 0 && iouThreshold < 1)) {
    throw new FaceAttrError('INVALID_OPTIONS', `"iouThreshold" must be a number in (0, 1), got ${formatValue(opts.iouThreshold)}.`);
  }
  return {
    detectEvery: positiveInt('detectEvery', opts.detectEvery, 1),
    attributesEvery: positiveInt('attributesEvery', opts.attributesEvery, 1),
    maxMissed: positiveInt('maxMissed', opts.maxMissed, 5, 0),
    smoothing,
    iouThreshold,
  };
}
