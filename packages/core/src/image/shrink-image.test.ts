import { describe, expect, it } from 'vitest';
import { expectFaceAttrError } from '../testing/expect-error.js';
import type { RgbImage } from './image-types.js';
import { shrinkImage } from './shrink-image.js';

/** An image of pseudo-random bytes (a fixed linear congruence), so that every block mean differs. */
function noise(w: number, h: number): RgbImage {
  const data = new Uint8Array(w * h * 3);
  let s = 12345;
  for (let i = 0; i < data.length; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    data[i] = s >>> 24;
  }
  return { data, width: w, height: h, channels: 3 };
}

/** The mean of the block of `img` that output pixel (ox, oy) covers, channel c, computed the slow way. */
function blockMean(img: RgbImage, k: number, ox: number, oy: number, c: number): number {
  let sum = 0;
  let n = 0;
  for (let y = oy * k; y < Math.min(img.height, oy * k + k); y++) {
    for (let x = ox * k; x < Math.min(img.width, ox * k + k); x++) {
      sum += img.data[(y * img.width + x) * 3 + c]!;
      n++;
    }
  }
  return sum / n;
}

describe('shrinkImage', () => {
  for (const [w, h, k] of [[8, 6, 2], [9, 7, 2], [10, 10, 4], [13, 5, 4], [17, 9, 8], [3, 2, 8]] as const) {
    it(`${w}x${h} by ${k}: ceil-sized, every pixel the rounded mean of its (edge-cut) block`, () => {
      const img = noise(w, h);
      const out = shrinkImage(img, k);
      expect([out.width, out.height, out.channels]).toEqual([Math.ceil(w / k), Math.ceil(h / k), 3]);
      for (let oy = 0; oy < out.height; oy++) {
        for (let ox = 0; ox < out.width; ox++) {
          for (let c = 0; c < 3; c++) {
            const want = blockMean(img, k, ox, oy, c);
            // Round half up, either way within half a level.
            expect(Math.abs(out.data[(oy * out.width + ox) * 3 + c]! - want)).toBeLessThanOrEqual(0.5);
          }
        }
      }
    });
  }

  it('halving twice equals shrinking by 4 to within one level (nested blocks)', () => {
    const img = noise(64, 48);
    const twice = shrinkImage(shrinkImage(img, 2), 2);
    const once = shrinkImage(img, 4);
    expect(twice.width).toBe(once.width);
    expect(Math.max(...twice.data.map((v, i) => Math.abs(v - once.data[i]!)))).toBeLessThanOrEqual(1);
  });

  it('factor 1 returns the image; a factor that is not a positive integer is INVALID_OPTIONS', async () => {
    const img = noise(4, 4);
    expect(shrinkImage(img, 1)).toBe(img);
    for (const f of [0, 1.5, -2, Number.NaN]) {
      const e = await expectFaceAttrError(() => shrinkImage(img, f), 'INVALID_OPTIONS');
      expect(e.message).toContain('factor');
    }
  });

  it('never writes to its input', () => {
    const img = noise(10, 8);
    const copy = img.data.slice();
    shrinkImage(img, 2);
    shrinkImage(img, 4);
    expect(img.data).toEqual(copy);
  });
});
