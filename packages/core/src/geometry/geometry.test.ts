import { describe, expect, it } from 'vitest';
import {
  alignmentError,
  applyAffine,
  arrayToLandmarks,
  estimateSimilarity,
  faceTemplate,
  invertAffine,
  landmarksToArray,
  type Affine,
} from './align.js';
import { clipBox, regressBox, squareBox } from './box.js';
import { boxOverlap, iou, nonMaxSuppression } from './nms.js';

describe('nms', () => {
  const a = { x: 0, y: 0, width: 10, height: 10 };
  const b = { x: 5, y: 0, width: 10, height: 10 };
  const c = { x: 100, y: 100, width: 10, height: 10 };

  it('computes IoU and min-overlap', () => {
    expect(iou(a, b)).toBeCloseTo(50 / 150, 10);
    expect(boxOverlap(a, { x: 2, y: 2, width: 4, height: 4 }, 'min')).toBe(1);
    expect(iou(a, c)).toBe(0);
  });

  it('keeps the best of overlapping boxes and all disjoint ones, best first', () => {
    expect(nonMaxSuppression([a, b, c], [0.5, 0.9, 0.7], 0.3)).toEqual([1, 2]);
    expect(nonMaxSuppression([a, b, c], [0.5, 0.9, 0.7], 0.4)).toEqual([1, 2, 0]);
    expect(nonMaxSuppression([a, b, c], [0.5, 0.9, 0.7], 0.3, 'union', 1)).toEqual([1]);
  });
});

describe('boxes', () => {
  it('regresses, squares and clips', () => {
    expect(regressBox({ x: 10, y: 10, width: 20, height: 10 }, 0.1, -0.1, 0, 0.5)).toEqual({ x: 12, y: 9, width: 18, height: 16 });
    expect(squareBox({ x: 0, y: 0, width: 20, height: 10 })).toEqual({ x: 0, y: -5, width: 20, height: 20 });
    expect(clipBox({ x: -5, y: 5, width: 20, height: 100 }, 10, 50)).toEqual({ x: 0, y: 5, width: 10, height: 45 });
  });
});

describe('similarity alignment', () => {
  it('recovers a known rotation + scale + translation exactly', () => {
    const angle = 0.3;
    const s = 1.7;
    const m: Affine = [s * Math.cos(angle), -s * Math.sin(angle), 12, s * Math.sin(angle), s * Math.cos(angle), -4];
    const src = [
      { x: 10, y: 20 },
      { x: 40, y: 22 },
      { x: 25, y: 35 },
      { x: 12, y: 50 },
      { x: 38, y: 51 },
    ];
    const dst = src.map((p) => applyAffine(m, p));
    const est = estimateSimilarity(src, dst);
    est.forEach((v, i) => expect(v).toBeCloseTo(m[i]!, 9));
    const back = invertAffine(est);
    const p = applyAffine(back, applyAffine(est, { x: 3, y: 7 }));
    expect(p.x).toBeCloseTo(3, 9);
    expect(p.y).toBeCloseTo(7, 9);
  });

  it('scores a template-shaped face as perfectly aligned and a distorted one as not', () => {
    const t = faceTemplate(150, 0.25);
    // The same face, rotated and shifted in a photo.
    const photo = landmarksToArray(arrayToLandmarks(t)).map((p) => applyAffine([0.9, -0.2, 300, 0.2, 0.9, 100], p));
    expect(alignmentError(arrayToLandmarks(photo), t)).toBeLessThan(1e-9);
    const squashed = photo.map((p, i) => (i === 2 ? { x: p.x + 20, y: p.y } : p));
    expect(alignmentError(arrayToLandmarks(squashed), t)).toBeGreaterThan(0.05);
  });

  it('keeps the template centred and shrinks it with padding', () => {
    const t0 = faceTemplate(112);
    const t1 = faceTemplate(224, 0.25);
    const iod0 = t0[1]!.x - t0[0]!.x;
    const iod1 = t1[1]!.x - t1[0]!.x;
    expect(iod1 / iod0).toBeCloseTo(2 / 1.5, 6);
  });
});
