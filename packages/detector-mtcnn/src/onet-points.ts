import type { Box, Landmarks5 } from '@faceattr/core';

// Landmark order of O-Net's outputs: image-left eye, right eye, nose, mouth left, mouth right.
const MIRRORED = [1, 0, 2, 4, 3] as const;

/**
 * O-Net's landmarks for crop `i` in image pixels, as [x0..x4, y0..y4]. O-Net gives fractions
 * of its crop box: 5 x values, then 5 y values. For a mirrored crop, x flips and left/right swap.
 */
export function cropPoints(lm: Float32Array, i: number, box: Box, mirrored: boolean): Float64Array {
  const p = new Float64Array(10);
  for (let k = 0; k < 5; k++) {
    const j = mirrored ? MIRRORED[k]! : k;
    const fx = lm[i * 10 + j]!;
    p[k] = box.x + (mirrored ? 1 - fx : fx) * box.width;
    p[5 + k] = box.y + lm[i * 10 + 5 + j]! * box.height;
  }
  return p;
}

/** [x0..x4, y0..y4] as named points. */
export function toLandmarks(p: Float64Array): Landmarks5 {
  const pt = (k: number) => ({ x: p[k]!, y: p[5 + k]! });
  return { leftEye: pt(0), rightEye: pt(1), nose: pt(2), mouthLeft: pt(3), mouthRight: pt(4) };
}
