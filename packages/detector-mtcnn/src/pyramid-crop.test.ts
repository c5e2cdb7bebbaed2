import { describe, expect, it } from 'vitest';
import { cropResizeToTensor, type RgbImage } from '@faceattr/core';
import { areaResize } from './area-resize.js';
import { CropSampler } from './crop.js';
import { halve, PyramidBuilder, toTransposedTensor } from './pyramid-images.js';
import { pyramidLevels } from './pyramid.js';
import { frame640 } from '../test/support.js';

const input = { mean: 127.5, inv: 1 / 128, bgr: false };

describe('fast pyramid and crops (real photo frame)', () => {
  it('CropSampler cuts the same samples as core cropResizeToTensor (bilinear, black outside), and mirrors', async () => {
    const frame = await frame640();
    const sampler = new CropSampler(24);
    const boxes = [
      { x: 100.3, y: 50.7, width: 30.2, height: 30.2 },
      { x: -10, y: 400, width: 100, height: 100 }, // past the left and bottom edges
      { x: 300, y: 200, width: 12, height: 12 }, // upsampled
    ];
    for (const box of boxes) {
      const want = cropResizeToTensor(frame, box, 24, 24, { mean: 127.5, std: 128, transpose: true, border: 0, antialias: false });
      const got = new Float32Array(24 * 24 * 3 + 5);
      sampler.crop(frame, box, input, got, 5);
      let max = 0;
      for (let i = 0; i < want.length; i++) max = Math.max(max, Math.abs(want[i]! - got[5 + i]!));
      expect(max).toBeLessThan(1e-4);
      // Mirrored: transposed layout, so column x becomes column 23 - x.
      const mirrored = new Float32Array(24 * 24 * 3);
      sampler.crop(frame, box, input, mirrored, 0, true);
      for (const [x, y] of [[0, 0], [3, 17], [23, 5]] as const) {
        for (let c = 0; c < 3; c++) expect(mirrored[((23 - x) * 24 + y) * 3 + c]).toBeCloseTo(got[5 + (x * 24 + y) * 3 + c]!, 5);
      }
    }
  });

  it('PyramidBuilder levels match area-averaging the original, and its tensors are the levels transposed', async () => {
    const frame = await frame640();
    for (const minFace of [20, 40]) {
      const levels = pyramidLevels(frame.width, frame.height, minFace, 0.709);
      const builder = new PyramidBuilder();
      let k = 0;
      for (const { image, tensor } of builder.levels(frame, levels, input)) {
        const level = levels[k++]!;
        expect([image.width, image.height]).toEqual([level.width, level.height]);
        // Built from a level or halving >= 2x its size rather than the original: measured < 1 grey level
        // on average for the big levels, up to ~1.8 for the last few (< 20 px wide, chained the most).
        const direct = areaResize(frame, level.width, level.height);
        let sum = 0;
        let max = 0;
        for (let i = 0; i < direct.data.length; i++) {
          const d = Math.abs(direct.data[i]! - image.data[i]!);
          sum += d;
          max = Math.max(max, d);
        }
        expect(sum / direct.data.length).toBeLessThan(2.5);
        expect(max).toBeLessThan(32);
        expect(Array.from(tensor)).toEqual(Array.from(toTransposedTensor(image, input)));
      }
      expect(k).toBe(levels.length);
    }
  });

  it('halve takes exact 2x2 means and repeats the last row/column of odd sizes', () => {
    const img: RgbImage = { data: Uint8Array.from({ length: 3 * 3 * 3 }, (_, i) => i * 9), width: 3, height: 3, channels: 3 };
    const h = halve(img);
    expect([h.width, h.height]).toEqual([2, 2]);
    const px = (x: number, y: number, c: number) => img.data[(y * 3 + x) * 3 + c]!;
    expect(h.data[0]).toBe(Math.round((px(0, 0, 0) + px(1, 0, 0) + px(0, 1, 0) + px(1, 1, 0)) / 4));
    // Bottom-right output: only source pixel (2, 2), repeated.
    expect(h.data[(1 * 2 + 1) * 3 + 2]).toBe(px(2, 2, 2));
  });
});
