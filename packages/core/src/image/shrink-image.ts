import { FaceAttrError } from '../errors.js';
import { formatValue } from '../format-value.js';
import type { RgbImage } from './image-types.js';

/**
 * `image` shrunk by an integer `factor`: each output pixel is the exact mean of a `factor` x `factor` block
 * (the blocks on the right and bottom edges are cut short by the image and average what they hold), so the
 * result is ceil(width / factor) x ceil(height / factor) and a point at (x, y) in it is at (x * factor,
 * y * factor) in `image`. Integer sums in one pass over the source, much cheaper than `resizeImage`'s general
 * warp: the pipeline reduces images for the detector with it (`detectShrink`).
 */
export function shrinkImage(image: RgbImage, factor: number): RgbImage {
  if (!Number.isInteger(factor) || factor < 1) throw new FaceAttrError('INVALID_OPTIONS', `shrinkImage: factor must be a positive integer, got ${formatValue(factor)}.`);
  const { data, width: W, height: H } = image;
  if (factor === 1) return image;
  const w = Math.ceil(W / factor);
  const h = Math.ceil(H / factor);
  const out = new Uint8Array(w * h * 3);
  if (factor === 2 && W % 2 === 0 && H % 2 === 0) return halveEven(data, W, H, out);
  const sums = new Uint32Array(w * 3);
  // Pixels per block across: `factor`, but fewer in the last column of blocks.
  const lastCols = W - (w - 1) * factor;
  for (let oy = 0; oy < h; oy++) {
    sums.fill(0);
    const y0 = oy * factor;
    const y1 = Math.min(H, y0 + factor);
    for (let y = y0; y < y1; y++) {
      let i = y * W * 3;
      for (let ox = 0, o = 0; ox < w; ox++, o += 3) {
        const n = ox === w - 1 ? lastCols : factor;
        let r = 0;
        let g = 0;
        let b = 0;
        for (let k = 0; k < n; k++, i += 3) {
          r += data[i]!;
          g += data[i + 1]!;
          b += data[i + 2]!;
        }
        sums[o] = sums[o]! + r;
        sums[o + 1] = sums[o + 1]! + g;
        sums[o + 2] = sums[o + 2]! + b;
      }
    }
    const rows = y1 - y0;
    const full = 1 / (rows * factor);
    const last = 1 / (rows * lastCols);
    const base = oy * w * 3;
    for (let o = 0; o < w * 3; o++) {
      // Rounded to nearest (+0.5 then truncated; the sums are non-negative).
      out[base + o] = sums[o]! * (o >= (w - 1) * 3 ? last : full) + 0.5;
    }
  }
  return { data: out, width: w, height: h, channels: 3 };
}

/** `shrinkImage(image, 2)` for even sides, the common case, in about a third of the time of the general loop. */
function halveEven(data: Uint8Array, W: number, H: number, out: Uint8Array): RgbImage {
  const w = W / 2;
  const stride = W * 3;
  let o = 0;
  for (let y = 0; y < H; y += 2) {
    let i = y * stride;
    const end = i + stride;
    for (; i < end; i += 6, o += 3) {
      const j = i + stride;
      out[o] = (data[i]! + data[i + 3]! + data[j]! + data[j + 3]! + 2) >> 2;
      out[o + 1] = (data[i + 1]! + data[i + 4]! + data[j + 1]! + data[j + 4]! + 2) >> 2;
      out[o + 2] = (data[i + 2]! + data[i + 5]! + data[j + 2]! + data[j + 5]! + 2) >> 2;
    }
  }
  return { data: out, width: w, height: H / 2, channels: 3 };
}
