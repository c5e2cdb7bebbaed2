import type { TensorData } from '@faceattr/core';
import type { Candidate } from './candidates.js';
import { PNET_STRIDE, PNET_WINDOW } from './pyramid.js';

/**
 * Reads P-Net's outputs for one pyramid level into candidates in image pixels.
 * The net ran on the transposed image, so its grid is [1, W', H', c]: the first spatial index
 * walks along image x. `sx`, `sy` are the level's actual resize ratios per axis.
 */
export function decodePnet(prob: TensorData, bbox: TensorData, sx: number, sy: number, threshold: number): Candidate[] {
  const [, gw, gh, pc] = prob.shape as [number, number, number, number];
  const out: Candidate[] = [];
  const p = prob.data;
  const r = bbox.data;
  for (let i = 0; i < gw; i++) {
    for (let j = 0; j < gh; j++) {
      const cell = i * gh + j;
      const score = p[cell * pc + 1]!;
      if (score < threshold) continue;
      const o = cell * 4;
      out.push({
        box: { x: (PNET_STRIDE * i) / sx, y: (PNET_STRIDE * j) / sy, width: PNET_WINDOW / sx, height: PNET_WINDOW / sy },
        score,
        reg: [r[o]!, r[o + 1]!, r[o + 2]!, r[o + 3]!],
      });
    }
  }
  return out;
}
