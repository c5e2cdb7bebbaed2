/** This package's test and bench helpers (not exported): demo photos, a 640x480 frame, face matching, UTKFace chips, scene ops. */
import { join } from 'node:path';
import { cropResizeToTensor, iou, type Box, type DetectedFace, type RgbImage } from '@faceattr/core';
import { decodeImage } from '@faceattr/core/node';
import { DEMO_DIR, UTKFACE_DIR, type SceneImageOps } from '@faceattr/test-support';
import { areaResize } from '../src/area-resize.js';

/** A demo photo by file name (`sample1.jpg` .. `sample6.jpg`). */
export function loadDemo(file: string): Promise<RgbImage> {
  return decodeImage(join(DEMO_DIR, file));
}

/** A UTKFace chip (200x200, aligned) by file name. */
export function loadChip(file: string, dir = UTKFACE_DIR): Promise<RgbImage> {
  return decodeImage(join(dir, 'images', file));
}

/**
 * Greedy one-to-one matching of detections to truth boxes at IoU >= `minIou`, best overlap first.
 * Returns, per truth box, the matched detection index or -1.
 */
export function matchFaces(truth: readonly Box[], found: readonly Pick<DetectedFace, 'box'>[], minIou = 0.5): number[] {
  const pairs: [number, number, number][] = [];
  truth.forEach((t, i) => found.forEach((f, j) => {
    const o = iou(t, f.box);
    if (o >= minIou) pairs.push([o, i, j]);
  }));
  pairs.sort((a, b) => b[0] - a[0]);
  const match = truth.map(() => -1);
  const used = new Set<number>();
  for (const [, i, j] of pairs) {
    if (match[i] !== -1 || used.has(j)) continue;
    match[i] = j;
    used.add(j);
  }
  return match;
}

/** Crops `box` and resizes it to `width`x`height` packed RGB (area-filtered when shrinking). */
export function cropResize(image: RgbImage, box: Box, width: number, height: number): RgbImage {
  const f = cropResizeToTensor(image, box, width, height);
  const data = new Uint8Array(f.length);
  for (let i = 0; i < f.length; i++) data[i] = Math.round(f[i]!);
  return { data, width, height, channels: 3 };
}

/** A 640x480 frame: the 4:3 centre of demo sample1 (three faces of ~70-80 px), downscaled. */
export async function frame640(): Promise<RgbImage> {
  const img = await loadDemo('sample1.jpg');
  const w = Math.min(img.width, (img.height * 4) / 3);
  const h = (w * 3) / 4;
  return cropResize(img, { x: (img.width - w) / 2, y: (img.height - h) / 2, width: w, height: h }, 640, 480);
}

/** Pastes `chip` at (x, y) into a `size`x`size` canvas of flat gray. */
export function padChip(chip: RgbImage, size: number, x: number, y: number): RgbImage {
  const data = new Uint8Array(size * size * 3).fill(128);
  for (let r = 0; r < chip.height; r++) data.set(chip.data.subarray(r * chip.width * 3, (r + 1) * chip.width * 3), ((r + y) * size + x) * 3);
  return { data, width: size, height: size, channels: 3 };
}

/** What the shared synthetic scenes (@faceattr/test-support) decode and resample with: chips area-resized, as the bench has always pasted them. */
export const sceneOps: SceneImageOps = { decode: decodeImage, resize: areaResize, crop: cropResizeToTensor };
