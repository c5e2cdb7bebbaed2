import type { Box } from '../types.js';

/** How overlap is measured: intersection over union, or over the smaller box (MTCNN's last stage). */
export type OverlapMode = 'union' | 'min';

/** Overlap of two boxes: IoU (`union`) or intersection over the smaller area (`min`). */
export function boxOverlap(a: Box, b: Box, mode: OverlapMode = 'union'): number {
  const x1 = Math.max(a.x, b.x);
  const y1 = Math.max(a.y, b.y);
  const x2 = Math.min(a.x + a.width, b.x + b.width);
  const y2 = Math.min(a.y + a.height, b.y + b.height);
  const iw = x2 - x1;
  const ih = y2 - y1;
  if (iw <= 0 || ih <= 0) return 0;
  const inter = iw * ih;
  const areaA = a.width * a.height;
  const areaB = b.width * b.height;
  const denom = mode === 'min' ? Math.min(areaA, areaB) : areaA + areaB - inter;
  return denom > 0 ? inter / denom : 0;
}

/** Intersection over union of two boxes. */
export function iou(a: Box, b: Box): number {
  return boxOverlap(a, b, 'union');
}

/**
 * Greedy non-maximum suppression. Returns indices into `boxes` of the kept boxes,
 * highest score first. Ties keep the earlier index, so the result is deterministic.
 */
export function nonMaxSuppression(
  boxes: readonly Box[],
  scores: ArrayLike<number>,
  threshold: number,
  mode: OverlapMode = 'union',
  maxOutput = Infinity,
): number[] {
  if (boxes.length !== scores.length) {
    throw new RangeError(`nonMaxSuppression: ${boxes.length} boxes but ${scores.length} scores`);
  }
  const order = Array.from(boxes.keys()).sort((i, j) => scores[j]! - scores[i]! || i - j);
  const suppressed = new Uint8Array(boxes.length);
  const keep: number[] = [];
  for (const i of order) {
    if (suppressed[i]) continue;
    keep.push(i);
    if (keep.length >= maxOutput) break;
    for (const j of order) {
      if (suppressed[j] || j === i) continue;
      if (boxOverlap(boxes[i]!, boxes[j]!, mode) > threshold) suppressed[j] = 1;
    }
  }
  return keep;
}
