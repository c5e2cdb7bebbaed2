import { describe, expect, it } from 'vitest';
import type { RgbImage } from './image-types.js';
import { cropResizeToTensor, resizeImage, warpToTensor } from './sample.js';

function gradient(w: number, h: number): RgbImage {
  const data = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 3;
      data[i] = x;
      data[i + 1] = y;
      data[i + 2] = 100;
    }
  }
  return { data, width: w, height: h, channels: 3 };
}

describe('sampling', () => {
  it('an identity crop reproduces the pixels', () => {
    const img = gradient(8, 6);
    const t = cropResizeToTensor(img, { x: 0, y: 0, width: 8, height: 6 }, 8, 6);
    expect(Array.from(t)).toEqual(Array.from(img.data));
  });

  it('normalises, swaps to BGR and transposes', () => {
    const img = gradient(4, 3);
    const t = cropResizeToTensor(img, { x: 0, y: 0, width: 4, height: 3 }, 4, 3, {
      mean: 127.5,
      std: 128,
      channelOrder: 'BGR',
      transpose: true,
    });
    // Transposed layout is [W][H][C]: element (x=3, y=1) sits at (3*3 + 1)*3.
    const o = (3 * 3 + 1) * 3;
    expect(t[o]).toBeCloseTo((100 - 127.5) / 128, 6); // B first
    expect(t[o + 1]).toBeCloseTo((1 - 127.5) / 128, 6);
    expect(t[o + 2]).toBeCloseTo((3 - 127.5) / 128, 6);
  });

  it('fills outside the image with the border value', () => {
    const img = gradient(4, 4);
    const t = cropResizeToTensor(img, { x: -4, y: 0, width: 4, height: 4 }, 4, 4, { border: 7 });
    expect(t[0]).toBe(7);
  });

  it('box-filters when shrinking: a 2x2 checkerboard averages to grey', () => {
    const data = new Uint8Array(64 * 64 * 3);
    for (let y = 0; y < 64; y++) for (let x = 0; x < 64; x++) data.fill((x + y) % 2 ? 255 : 0, (y * 64 + x) * 3, (y * 64 + x) * 3 + 3);
    const small = resizeImage({ data, width: 64, height: 64, channels: 3 }, 16, 16);
    for (const v of small.data) expect(Math.abs(v - 127.5)).toBeLessThanOrEqual(1);
  });

  it('reuses an output buffer when given one', () => {
    const img = gradient(4, 4);
    const buf = new Float32Array(2 * 2 * 3);
    const t = warpToTensor(img, [2, 0, 0, 0, 2, 0], 2, 2, {}, buf);
    expect(t).toBe(buf);
  });
});
