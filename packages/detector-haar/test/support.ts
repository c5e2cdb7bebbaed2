/** This package's test and bench helpers (not exported): demo photos and frames, box-set agreement and face matching, synthetic scenes. */
import { join } from 'node:path';
import { cropResizeToTensor, iou, resizeImage, type Box, type RgbImage } from '@faceattr/core';
import { decodeImage } from '@faceattr/core/node';
import { DEMO_DIR, demoFaces, syntheticScenes, type SyntheticScene } from '@faceattr/test-support';

/** face-api's six demo photos (group photos). */
export const DEMO_FILES = ['sample1.jpg', 'sample2.jpg', 'sample3.jpg', 'sample4.jpg', 'sample5.jpg', 'sample6.jpg'];

export function loadDemo(file: string): Promise<RgbImage> {
  return decodeImage(join(DEMO_DIR, file));
}

export interface Agreement {
  /** Boxes of `a` with a box of `b` at IoU >= minIou. */
  aMatched: number;
  aTotal: number;
  bMatched: number;
  bTotal: number;
}

/** How many boxes of each set have a partner in the other at IoU >= `minIou` (0.8 by default). */
export function agreement(a: readonly Box[], b: readonly Box[], minIou = 0.8): Agreement {
  const matched = (from: readonly Box[], to: readonly Box[]) => from.filter((x) => to.some((y) => iou(x, y) >= minIou)).length;
  return { aMatched: matched(a, b), aTotal: a.length, bMatched: matched(b, a), bTotal: b.length };
}

export function addAgreement(t: Agreement, x: Agreement): void {
  t.aMatched += x.aMatched;
  t.aTotal += x.aTotal;
  t.bMatched += x.bMatched;
  t.bTotal += x.bTotal;
}

/** Share of matched boxes, 1 when there are none to match. */
export const share = (matched: number, total: number) => (total === 0 ? 1 : matched / total);

/** The size, seed and chip sizes the parity test and the bench share. */
export const SCENES = { seed: 1, width: 320, height: 240, minChip: 48 } as const;

/** `count` shared synthetic scenes (@faceattr/test-support) at {@link SCENES}; needs UTKFace. */
export function haarScenes(count: number): AsyncGenerator<SyntheticScene> {
  return syntheticScenes({ decode: decodeImage, resize: resizeImage, crop: cropResizeToTensor }, { count, ...SCENES });
}

/** Whether a Haar box found the face of a pasted chip: centred inside it, 0.3-1.2 of its width (chips include hair and background). */
export const findsChip = (chip: Box) => (b: Box): boolean => {
  const cx = b.x + b.width / 2;
  const cy = b.y + b.height / 2;
  return cx > chip.x && cx < chip.x + chip.width && cy > chip.y && cy < chip.y + chip.height && b.width > 0.3 * chip.width && b.width < 1.2 * chip.width;
};

const decoded = new Map<string, Promise<RgbImage>>();

/** One demo photo fitted into a frame size, with its hand-checked faces in the fitted pixels. */
export interface DemoFrame {
  file: string;
  image: RgbImage;
  faces: Box[];
}

/**
 * face-api's six demo photos, each resized (aspect kept) to fit `width`x`height` (the issue's
 * 640x480 and 1280x720 rows), with the 22 hand-checked faces of `@faceattr/test-support`'s
 * demoFaces() scaled to match.
 */
export async function demoFrames(width: number, height: number): Promise<DemoFrame[]> {
  return Promise.all(
    demoFaces().samples.map(async ({ file, faces }) => {
      // Each photo decoded once per process (decoding the six takes seconds), resized per size.
      const full = await (decoded.get(file) ?? decoded.set(file, loadDemo(file)).get(file)!);
      const k = Math.min(width / full.width, height / full.height);
      const w = Math.round(full.width * k);
      const h = Math.round(full.height * k);
      const sx = w / full.width;
      const sy = h / full.height;
      return { file, image: resizeImage(full, w, h), faces: faces.map((f) => ({ x: f.x * sx, y: f.y * sy, width: f.width * sx, height: f.height * sy })) };
    }),
  );
}

/**
 * One-to-one matching of found boxes to true faces at IoU >= `minIou` (0.5), best pairs first:
 * how many faces were found, how many boxes are extra (no face, or a second box on a found face),
 * and the indices of the faces missed.
 */
export function matchFaces(faces: readonly Box[], boxes: readonly Box[], minIou = 0.5): { found: number; extra: number; missed: number[] } {
  const pairs: [number, number, number][] = [];
  faces.forEach((f, i) => boxes.forEach((b, j) => {
    const v = iou(f, b);
    if (v >= minIou) pairs.push([v, i, j]);
  }));
  pairs.sort((a, b) => b[0] - a[0]);
  const usedFaces = new Set<number>();
  const usedBoxes = new Set<number>();
  for (const [, i, j] of pairs) {
    if (usedFaces.has(i) || usedBoxes.has(j)) continue;
    usedFaces.add(i);
    usedBoxes.add(j);
  }
  return { found: usedFaces.size, extra: boxes.length - usedBoxes.size, missed: faces.map((_, i) => i).filter((i) => !usedFaces.has(i)) };
}
