/**
 * Hooks for this package's benches and tests: run a detector with other cascade settings, and
 * read each call's stage timings. Internal: index.ts does not export this module, so none of it
 * is package API; benches and tests import it by relative path.
 */
import { DEFAULT_CASCADE, type CascadeSettings } from './cascade-settings.js';
import type { MtcnnDetector } from './detector.js';

/** Milliseconds spent per stage by one `detect()` call (P-Net includes the pyramid resizing). */
export interface MtcnnTimings {
  pnet: number;
  rnet: number;
  onet: number;
  total: number;
  /** Finer split of `total` (ms): building the pyramid, each net's runs, cutting crops, decoding + NMS. */
  split: { pyramid: number; pnet: number; rnetCrops: number; rnet: number; onetCrops: number; onet: number; nms: number };
  /** How much work the call did: pyramid levels, P-Net proposals, crops R-Net and O-Net scored, faces. */
  counts: { levels: number; proposals: number; rnetInputs: number; onetInputs: number; faces: number };
}

export interface DetectorHooks {
  readonly cascade: CascadeSettings;
  readonly onTimings: ((timings: MtcnnTimings) => void) | undefined;
}

// Keyed by detector, so nothing of this shows on the public class.
const hooks = new WeakMap<MtcnnDetector, DetectorHooks>();

/**
 * From the next `detect()` call on, `detector` runs with `cascade` over the defaults and hands
 * each call's timings to `onTimings`. `undefined` restores the defaults.
 */
export function instrument(detector: MtcnnDetector, h?: { cascade?: Partial<CascadeSettings>; onTimings?: (timings: MtcnnTimings) => void }): void {
  if (!h) hooks.delete(detector);
  else hooks.set(detector, { cascade: Object.freeze({ ...DEFAULT_CASCADE, ...h.cascade }), onTimings: h.onTimings });
}

/** What `detect()` reads once per call. */
export function hooksOf(detector: MtcnnDetector): DetectorHooks | undefined {
  return hooks.get(detector);
}

/** Records each call's timings on `detector`; `last()` is the latest call's. */
export function recordTimings(detector: MtcnnDetector, cascade?: Partial<CascadeSettings>): { last(): MtcnnTimings } {
  let last: MtcnnTimings | undefined;
  instrument(detector, { ...(cascade && { cascade }), onTimings: (t) => (last = t) });
  return {
    last() {
      if (!last) throw new Error('no detect() call has finished since recordTimings()');
      return last;
    },
  };
}
