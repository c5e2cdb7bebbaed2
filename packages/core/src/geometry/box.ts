import type { Box } from '../types.js';

/**
 * Applies box regression offsets given as fractions of the box size, in corner form
 * (dx1, dy1, dx2, dy2): the convention of MTCNN and most cascade detectors.
 */
export function regressBox(box: Box, dx1: number, dy1: number, dx2: number, dy2: number): Box {
  const x1 = box.x + dx1 * box.width;
  const y1 = box.y + dy1 * box.height;
  const x2 = box.x + box.width + dx2 * box.width;
  const y2 = box.y + box.height + dy2 * box.height;
  return { x: x1, y: y1, width: x2 - x1, height: y2 - y1 };
}

/** The square with the same centre whose side is the box's longer side. */
export function squareBox(box: Box): Box {
  const side = Math.max(box.width, box.height);
  return {
    x: box.x + box.width / 2 - side / 2,
    y: box.y + box.height / 2 - side / 2,
    width: side,
    height: side,
  };
}

/** Clips a box to the image; may return a zero-size box when it lies outside. */
export function clipBox(box: Box, width: number, height: number): Box {
  const x1 = Math.min(Math.max(box.x, 0), width);
  const y1 = Math.min(Math.max(box.y, 0), height);
  const x2 = Math.min(Math.max(box.x + box.width, 0), width);
  const y2 = Math.min(Math.max(box.y + box.height, 0), height);
  return { x: x1, y: y1, width: x2 - x1, height: y2 - y1 };
}

/** Scales a box about its centre. */
export function scaleBox(box: Box, factor: number): Box {
  const w = box.width * factor;
  const h = box.height * factor;
  return { x: box.x + box.width / 2 - w / 2, y: box.y + box.height / 2 - h / 2, width: w, height: h };
}
