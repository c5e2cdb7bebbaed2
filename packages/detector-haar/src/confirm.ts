import { clipBox, nonMaxSuppression, type Box, type DetectedFace, type RgbImage } from '@faceattr/core';
import type { OnetStage } from '@faceattr/detector-mtcnn';
import type { HaarCascade } from './cascade-types.js';
import { detectMultiScale } from './detect-multi-scale.js';
import { rgbToGray } from './grayscale.js';
import type { HaarOptions, Size } from './options.js';
import { rotateGray } from './rotate-gray.js';

/**
 * The fixed settings of haar()'s 'confirmed' mode (not options). The cascade is tuned for recall
 * and MTCNN's O-Net buys the precision back; on face-api's six demo photos fitted into 640x480 and
 * 1280x720 (22 faces) this finds 21 with no false face at either size, where the exact mode at
 * OpenCV's defaults finds 16 and 17 with 14 and 28 false ones (docs/detectors.md; bench/confirmed-bench.ts, bench/confirmed-settings.ts).
 */
export const CONFIRMED_SETTINGS: ConfirmedSettings = Object.freeze({
  /**
   * Candidates need more than this many raw hits (OpenCV's default is 3). 1 keeps faces that few
   * windows hit; O-Net rejects the extra candidates (on the demo photos 2 and 3 gave the same faces,
   * with 3-8 fewer candidates per frame). A user's `minNeighbors` wins.
   */
  minNeighbors: 1,
  /**
   * The upright cascade misses faces tilted in the image plane (4 of the 22 demo faces: 17/22 with
   * O-Net but no turned searches), so the frame is also searched turned by each of these angles.
   * ±15 to ±30 all gave 21/22 (±15: 22/22 at 1280x720); ±20, the middle, kept.
   */
  tiltDegrees: Object.freeze([20, -20]) as readonly number[],
  /**
   * The turned frames are searched at this scale and pyramid step: tilted faces under ~40 px are not
   * looked for, and the two turned searches cost less than the upright one. Scale 0.5-0.75 and steps
   * 1.1-1.3 all kept 21/22 with no false face; 0.75 with step 1.1 cost ~1.3x this cascade CPU time.
   */
  tiltScale: 0.6,
  tiltScaleFactor: 1.2,
  /** O-Net's face probability a candidate needs: MTCNN's own O-Net threshold. */
  threshold: 0.7,
  /** Boxes of one face found by several candidates: NMS on O-Net's boxes, overlap over the smaller box (MTCNN's final step). */
  nmsMin: 0.7,
});

/** The shape of {@link CONFIRMED_SETTINGS}; the package's settings sweep (bench/confirmed-settings.ts) passes others. */
export interface ConfirmedSettings {
  readonly minNeighbors: number;
  readonly tiltDegrees: readonly number[];
  readonly tiltScale: number;
  readonly tiltScaleFactor: number;
  readonly threshold: number;
  readonly nmsMin: number;
  /** The face box: O-Net's regressed box (what the detector uses), or the crop O-Net saw (for the sweep). */
  readonly box?: 'regressed' | 'crop';
}

/**
 * Candidate boxes in frame pixels: the upright search, then the tilted ones (each hit's centre
 * mapped back, as an upright square of the hit's size: O-Net sees the tilted face, as in MTCNN).
 */
export function haarCandidates(cascade: HaarCascade, image: RgbImage, search: HaarOptions, settings = CONFIRMED_SETTINGS): Box[] {
  const gray = rgbToGray(image.data, image.width, image.height);
  const { width, height } = image;
  const boxes = detectMultiScale(cascade, { data: gray, width, height, channels: 1 }, search).map((d) => d.box);
  const s = settings.tiltScale;
  const tilted: HaarOptions = { ...search, scaleFactor: settings.tiltScaleFactor, minSize: scaled(search.minSize, s), maxSize: scaled(search.maxSize, s) };
  for (const degrees of settings.tiltDegrees) {
    const turned = rotateGray(gray, width, height, degrees, s);
    for (const { box } of detectMultiScale(cascade, { data: turned.data, width: turned.width, height: turned.height, channels: 1 }, tilted)) {
      const c = turned.toSource(box.x + box.width / 2, box.y + box.height / 2);
      const side = box.width / s;
      boxes.push({ x: c.x - side / 2, y: c.y - side / 2, width: side, height: side });
    }
  }
  return boxes;
}

/** One batched O-Net call over the candidates; the faces it confirms, one per face (NMS). */
export async function confirmWithOnet(onet: OnetStage, image: RgbImage, candidates: readonly Box[], settings = CONFIRMED_SETTINGS): Promise<DetectedFace[]> {
  if (!candidates.length) return [];
  // O-Net's regressed box, not the crop it saw: with the crop (the Haar box squared), the demo photos
  // gave 20-21/22 with 4-5 extra boxes instead of 21/22 with none (bench/confirmed-settings.ts).
  const faces = (await onet.run(image, candidates)).filter((r) => r.score >= settings.threshold).map((r) => ({ ...r, box: settings.box === 'crop' ? r.crop : r.box }));
  const keep = nonMaxSuppression(
    faces.map((f) => f.box),
    faces.map((f) => f.score),
    settings.nmsMin,
    'min',
  );
  return keep.map((i) => {
    const f = faces[i]!;
    return { box: clipBox(f.box, image.width, image.height), score: f.score, landmarks: f.landmarks };
  });
}

/** A size option in a turned frame searched at `scale` (0 = no limit stays 0). */
function scaled(v: number | Size | undefined, scale: number): Size | undefined {
  if (v === undefined) return undefined;
  const { width, height } = typeof v === 'number' ? { width: v, height: v } : v;
  return { width: Math.round(width * scale), height: Math.round(height * scale) };
}
