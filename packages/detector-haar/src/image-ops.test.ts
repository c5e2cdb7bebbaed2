import { describe, expect, it } from 'vitest';
import { rgbToGray } from './grayscale.js';
import { integralSums, tiltedIntegral } from './integral.js';
import { resizeGrayLinearExact } from './resize-linear-exact.js';
import { roundHalfEven } from './rounding.js';
import { DEMO_FILES, loadDemo } from '../test/support.js';
import { loadOpenCv } from '../test/opencv-reference.js';

function countDiffs(a: Uint8Array, b: Uint8Array): number {
  expect(a.length).toBe(b.length);
  let n = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) n++;
  return n;
}

describe('image steps match OpenCV bit for bit', () => {
  it('gray conversion equals cvtColor(RGB2GRAY) on two demo photos', async () => {
    const cv = await loadOpenCv();
    for (const file of DEMO_FILES.slice(0, 2)) {
      const img = await loadDemo(file);
      expect(countDiffs(rgbToGray(img.data, img.width, img.height), cv.gray(img.data, img.width, img.height))).toBe(0);
    }
  });

  it('pyramid resize equals resize(INTER_LINEAR_EXACT), shrinking and enlarging, odd sizes', async () => {
    const cv = await loadOpenCv();
    const img = await loadDemo('sample3.jpg');
    const gray = rgbToGray(img.data, img.width, img.height);
    for (const [w, h] of [[1745, 1227], [960, 675], [333, 250], [97, 61], [24, 24], [2100, 1500], [1, 7]] as const) {
      expect(countDiffs(resizeGrayLinearExact(gray, img.width, img.height, w, h), cv.resizeExact(gray, img.width, img.height, w, h)), `${w}x${h}`).toBe(0);
    }
  });
});

describe('integral images', () => {
  const w = 37;
  const h = 23;
  const gray = Uint8Array.from({ length: w * h }, (_, i) => (i * 7919 + (i >> 3) * 31) % 256);
  const px = (x: number, y: number) => gray[y * w + x]!;

  it('sum and squared sum agree with direct sums', () => {
    const sum = new Int32Array((w + 1) * (h + 1));
    const sq = new Int32Array(sum.length);
    integralSums(gray, w, h, sum, sq);
    for (const [X, Y] of [[0, 0], [5, 3], [w, h], [w, 1], [17, 22]] as const) {
      let s = 0;
      let q = 0;
      for (let y = 0; y < Y; y++) for (let x = 0; x < X; x++) (s += px(x, y)), (q += px(x, y) ** 2);
      expect([sum[Y * (w + 1) + X], sq[Y * (w + 1) + X]]).toEqual([s, q]);
    }
  });

  it("tilted integral matches OpenCV's definition: y < Y and |x - X + 1| <= Y - y - 1", () => {
    const t = new Int32Array((w + 1) * (h + 1));
    tiltedIntegral(gray, w, h, t);
    for (let Y = 0; Y <= h; Y++) {
      for (let X = 0; X <= w; X++) {
        let s = 0;
        for (let y = 0; y < Y; y++) for (let x = 0; x < w; x++) if (Math.abs(x - X + 1) <= Y - y - 1) s += px(x, y);
        if (t[Y * (w + 1) + X] !== s) expect(`${X},${Y}: ${t[Y * (w + 1) + X]}`).toBe(`${X},${Y}: ${s}`);
      }
    }
  });
});

describe('rounding', () => {
  it('roundHalfEven rounds ties to even, like lrint', () => {
    expect([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.4999, 2.5001].map(roundHalfEven)).toEqual([0, 2, 2, -0, -2, -2, 2, 3]);
  });
});
