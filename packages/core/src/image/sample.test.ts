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

  it('matches a plain per-sample bilinear reference exactly (rotated, scaled, past the edges, every option)', () => {
    // The reference: each sample through its own bilinear lookup, as warpToTensor computed it before it was inlined.
    const reference = (image: RgbImage, m: readonly number[], w: number, h: number, o: { mean?: number; std?: number; border?: number; transpose?: boolean; channelOrder?: 'BGR' }) => {
      const [a, b, tx, c, d, ty] = m as [number, number, number, number, number, number];
      const k = [Math.max(1, Math.min(8, Math.ceil(Math.hypot(a, c) - 1e-6))), Math.max(1, Math.min(8, Math.ceil(Math.hypot(b, d) - 1e-6)))] as const;
      const at = (x: number, y: number, ch: number) => {
        if (x < -0.5 || y < -0.5 || x > image.width - 0.5 || y > image.height - 0.5) return o.border ?? 0;
        const clampX = (v: number) => Math.min(image.width - 1, Math.max(0, v));
        const clampY = (v: number) => Math.min(image.height - 1, Math.max(0, v));
        const [x0, y0] = [Math.floor(x), Math.floor(y)];
        const [fx, fy] = [x - x0, y - y0];
        const px = (xx: number, yy: number) => image.data[(clampY(yy) * image.width + clampX(xx)) * 3 + ch]!;
        return px(x0, y0) * (1 - fx) * (1 - fy) + px(x0 + 1, y0) * fx * (1 - fy) + px(x0, y0 + 1) * (1 - fx) * fy + px(x0 + 1, y0 + 1) * fx * fy;
      };
      const out = new Float32Array(w * h * 3);
      for (let oy = 0; oy < h; oy++) {
        for (let ox = 0; ox < w; ox++) {
          for (let ch = 0; ch < 3; ch++) {
            let sum = 0;
            for (let sy = 0; sy < k[1]; sy++) {
              for (let sx = 0; sx < k[0]; sx++) {
                const [fx, fy] = [ox + (sx + 0.5) / k[0], oy + (sy + 0.5) / k[1]];
                sum += at(a * fx + b * fy + tx - 0.5, c * fx + d * fy + ty - 0.5, o.channelOrder === 'BGR' ? 2 - ch : ch);
              }
            }
            const i = o.transpose ? (ox * h + oy) * 3 + ch : (oy * w + ox) * 3 + ch;
            out[i] = (sum / (k[0] * k[1]) - (o.mean ?? 0)) / (o.std ?? 1);
          }
        }
      }
      return out;
    };
    const image = gradient(37, 29);
    for (let i = 0; i < image.data.length; i++) image.data[i] = (i * 7919) % 251;
    const cases: [number[], number, number, Parameters<typeof reference>[4]][] = [
      [[1, 0, 0, 0, 1, 0], 37, 29, {}],
      [[0.8 * Math.cos(0.3), -0.8 * Math.sin(0.3), 6, 0.8 * Math.sin(0.3), 0.8 * Math.cos(0.3), -3], 40, 40, { mean: 127.5, std: 128 }],
      [[1.3 * Math.cos(-0.5), -1.3 * Math.sin(-0.5), -4, 1.3 * Math.sin(-0.5), 1.3 * Math.cos(-0.5), 10], 30, 25, { border: 77, transpose: true, channelOrder: 'BGR' }],
      [[3.2, 0.4, -5, -0.4, 2.1, -2], 15, 17, { mean: 10, std: 3 }],
    ];
    for (const [m, w, h, o] of cases) {
      const got = warpToTensor(image, m as [number, number, number, number, number, number], w, h, o);
      const want = reference(image, m, w, h, o);
      let worst = 0;
      for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i]! - want[i]!));
      expect(worst).toBeLessThan(1e-4);
    }
  });
});
