/**
 * MTCNN recall/precision on the seeded synthetic scenes of @faceattr/test-support: UTKFace val
 * chips (200x200, aligned) pasted at known positions and sizes on gradients, smooth noise and
 * face-free patches of the demo photos (640x480, 1-4 chips of 40-200 px).
 *
 * Ground truth: the face box inside a pasted chip of side s at (x, y) is
 *   { x + 0.049 s, y - 0.118 s, 0.847 s, 1.089 s }
 * - the mean MTCNN box on 100 train chips padded with gray, measured once by
 *   bench/measure-utkface-template.ts (MTCNN boxes run brow-to-chin and reach above the tightly
 *   cropped chip). Matches need IoU >= 0.5 with it.
 */
import type { Box } from '@faceattr/core';
import { syntheticScenes } from '@faceattr/test-support';
import type { MtcnnDetector } from '../src/detector.js';
import { matchFaces, sceneOps } from '../test/support.js';

export const GT_FRACTION = { x: 0.049, y: -0.118, width: 0.847, height: 1.089 } as const;
export const SEED = 20261128;
const IMAGES = Number(process.env['SYNTH_IMAGES'] ?? 100);

export function groundTruth(x: number, y: number, side: number): Box {
  return { x: x + GT_FRACTION.x * side, y: y + GT_FRACTION.y * side, width: GT_FRACTION.width * side, height: GT_FRACTION.height * side };
}

export interface SyntheticResult {
  seed: number;
  images: number;
  faces: number;
  detections: number;
  truePositives: number;
  recall: number;
  precision: number;
  recallBySize: Record<string, { faces: number; found: number }>;
  backgrounds: Record<string, number>;
  medianMsPerImage: number;
  groundTruthFraction: typeof GT_FRACTION;
  misses: { image: number; background: string; chipSide: number; box: Box }[];
  falsePositives: { image: number; background: string; box: Box; score: number }[];
}

export async function runSynthetic(det: MtcnnDetector): Promise<SyntheticResult> {
  const result: SyntheticResult = {
    seed: SEED,
    images: IMAGES,
    faces: 0,
    detections: 0,
    truePositives: 0,
    recall: 0,
    precision: 0,
    recallBySize: { '40-80': { faces: 0, found: 0 }, '80-140': { faces: 0, found: 0 }, '140-200': { faces: 0, found: 0 } },
    backgrounds: {},
    medianMsPerImage: 0,
    groundTruthFraction: GT_FRACTION,
    misses: [],
    falsePositives: [],
  };
  const times: number[] = [];
  // 640x480, 1-4 chips of 40-200 px; headroom keeps the ground truth (which reaches above the chip) in the frame.
  for await (const scene of syntheticScenes(sceneOps, { count: IMAGES, seed: SEED, headroom: -GT_FRACTION.y })) {
    const { index: i, background: kind, image: canvas } = scene;
    result.backgrounds[kind] = (result.backgrounds[kind] ?? 0) + 1;
    const placed = scene.chips.map((c) => ({ side: c.width, truth: groundTruth(c.x, c.y, c.width) }));
    const t0 = performance.now();
    const found = await det.detect(canvas);
    times.push(performance.now() - t0);
    const match = matchFaces(
      placed.map((p) => p.truth),
      found,
    );
    result.faces += placed.length;
    result.detections += found.length;
    placed.forEach((p, k) => {
      const bucket = p.side < 80 ? '40-80' : p.side < 140 ? '80-140' : '140-200';
      result.recallBySize[bucket]!.faces++;
      if (match[k]! >= 0) {
        result.truePositives++;
        result.recallBySize[bucket]!.found++;
      } else result.misses.push({ image: i, background: kind, chipSide: p.side, box: p.truth });
    });
    const used = new Set(match.filter((m) => m >= 0));
    found.forEach((f, j) => {
      if (!used.has(j)) result.falsePositives.push({ image: i, background: kind, box: f.box, score: f.score });
    });
  }
  result.recall = Number((result.truePositives / result.faces).toFixed(4));
  result.precision = Number((result.truePositives / Math.max(1, result.detections)).toFixed(4));
  const sorted = times.sort((a, b) => a - b);
  result.medianMsPerImage = Number(sorted[sorted.length >> 1]!.toFixed(1));
  return result;
}
