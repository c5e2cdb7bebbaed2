import { areaTaps, type Taps } from './area-resize.js';
import { resizeImage, type RgbImage } from '@faceattr/core';
import type { PyramidLevel } from './pyramid.js';

/** How pixel bytes become net input: `(v - mean) * inv`, channels in `bgr` order or not. */
export interface NetInput {
  mean: number;
  inv: number;
  bgr: boolean;
}

/**
 * Builds image pyramids for P-Net, one level at a time, reusing its buffers and tap tables from
 * frame to frame (video frames share a size, so after the first frame nothing is allocated but
 * the level images, which R-Net and O-Net crop from).
 */
export class PyramidBuilder {
  readonly #taps = new Map<string, Taps>();
  #mid = new Float32Array(0);
  #tensor = new Float32Array(0);

  #tapsFor(extent: number, dst: number): Taps {
    const key = `${extent}>${dst}`;
    let t = this.#taps.get(key);
    if (!t) {
      // Bounded: one entry per (source, level) size pair; a new frame size adds ~20 small tables.
      if (this.#taps.size > 512) this.#taps.clear();
      t = areaTaps(extent, dst);
      this.#taps.set(key, t);
    }
    return t;
  }

  /**
   * Every level of the pyramid as packed RGB plus P-Net's input tensor (transposed `[W, H, 3]`,
   * normalised; a view of one buffer reused for all levels, valid until the next level is made).
   *
   * Each level is area-averaged from the smallest image at hand that is at least twice its size:
   * the original, a level already made, or a halving of the original (exact 2x2 means, cheap).
   * Area averaging over >= 2x2 source pixels per output pixel is about as faithful as shrinking
   * the original, and avoids re-reading the full frame for every level down to a quarter of it.
   * (Halvings with < 2x left to shrink were tried: blurrier levels, 4 demo false positives, not 1.)
   */
  *levels(image: RgbImage, levels: readonly PyramidLevel[], input: NetInput): Generator<{ image: RgbImage; tensor: Float32Array }> {
    // Candidate sources with their extent in their own pixels (a halving of an odd side has a half pixel at the edge).
    const made: { image: RgbImage; w: number; h: number }[] = [{ image, w: image.width, h: image.height }];
    let half = made[0]!;
    for (const level of levels) {
      const size = level.width * level.height * 3;
      // Levels only shrink, so the first level's buffer fits them all.
      if (this.#tensor.length < size) this.#tensor = new Float32Array(size);
      const tensor = this.#tensor.subarray(0, size);
      while (half.w / 2 >= 2 * level.width && half.h / 2 >= 2 * level.height) {
        half = { image: halve(half.image), w: half.w / 2, h: half.h / 2 };
        made.push(half);
      }
      let src = made[0]!;
      for (const m of made) if (m.w >= 2 * level.width && m.h >= 2 * level.height && m.w < src.w) src = m;
      let next: RgbImage;
      if (level.width === image.width && level.height === image.height) {
        next = image;
        toTransposedTensor(next, input, tensor);
      } else if (level.width <= image.width && level.height <= image.height) {
        next = this.#shrink(src.image, src.w, src.h, level.width, level.height, tensor, input);
      } else {
        // minFaceSize < 12: the level is larger than the image, upsampled bilinearly.
        next = resizeImage(image, level.width, level.height);
        toTransposedTensor(next, input, tensor);
      }
      made.push({ image: next, w: next.width, h: next.height });
      yield { image: next, tensor };
    }
  }

  /**
   * Area averaging in two separable passes (gathering each output from its source taps, so sums
   * stay in registers), then the transposed, normalised copy for P-Net.
   * `extentW` x `extentH` is the part of `image` (in its pixels, maybe fractional) to shrink.
   */
  #shrink(image: RgbImage, extentW: number, extentH: number, width: number, height: number, tensor: Float32Array, input: NetInput): RgbImage {
    const { data, width: W, height: H } = image;
    const tx = this.#tapsFor(extentW, width);
    const ty = this.#tapsFor(extentH, height);
    if (this.#mid.length < H * width * 3) this.#mid = new Float32Array(H * width * 3);
    const mid = this.#mid;
    {
      const { start, count, weights, stride } = tx;
      for (let y = 0; y < H; y++) {
        const row = y * W * 3;
        for (let o = 0, d = y * width * 3; o < width; o++, d += 3) {
          let r = 0;
          let g = 0;
          let b = 0;
          const n = count[o]!;
          let s = row + start[o]! * 3;
          for (let k = 0, w0 = o * stride; k < n; k++, s += 3, w0++) {
            const w = weights[w0]!;
            r += data[s]! * w;
            g += data[s + 1]! * w;
            b += data[s + 2]! * w;
          }
          mid[d] = r;
          mid[d + 1] = g;
          mid[d + 2] = b;
        }
      }
    }
    const out = new Uint8Array(width * height * 3);
    {
      const { start, count, weights, stride } = ty;
      for (let o = 0, d = 0; o < height; o++) {
        const n = count[o]!;
        const first = start[o]!;
        for (let x = 0; x < width; x++, d += 3) {
          let r = 0;
          let g = 0;
          let b = 0;
          let s = (first * width + x) * 3;
          for (let k = 0, w0 = o * stride; k < n; k++, s += width * 3, w0++) {
            const w = weights[w0]!;
            r += mid[s]! * w;
            g += mid[s + 1]! * w;
            b += mid[s + 2]! * w;
          }
          out[d] = Math.round(r);
          out[d + 1] = Math.round(g);
          out[d + 2] = Math.round(b);
        }
      }
    }
    const next: RgbImage = { data: out, width, height, channels: 3 };
    // P-Net sees the same rounded bytes that R-Net and O-Net will crop from.
    toTransposedTensor(next, input, tensor);
    return next;
  }
}

/**
 * 2x2 means (rounded), the last row/column repeated when a side is odd: output pixel (x, y)
 * covers source pixels [2x, 2x + 2) x [2y, 2y + 2), so the image's extent halves exactly.
 */
export function halve(image: RgbImage): RgbImage {
  const { data, width: W, height: H } = image;
  const w = Math.ceil(W / 2);
  const h = Math.ceil(H / 2);
  const out = new Uint8Array(w * h * 3);
  const rowBytes = W * 3;
  let d = 0;
  for (let y = 0; y < h; y++) {
    const r0 = 2 * y * rowBytes;
    const r1 = 2 * y + 1 < H ? r0 + rowBytes : r0;
    for (let x = 0; x < w; x++) {
      const c0 = 2 * x * 3;
      const c1 = 2 * x + 1 < W ? c0 + 3 : c0;
      for (let c = 0; c < 3; c++, d++) out[d] = (data[r0 + c0 + c]! + data[r0 + c1 + c]! + data[r1 + c0 + c]! + data[r1 + c1 + c]! + 2) >> 2;
    }
  }
  return { data: out, width: w, height: h, channels: 3 };
}

/**
 * Packed RGB bytes to a normalised float tensor `[W, H, 3]` (transposed: the nets were trained
 * on column-major Caffe images), `(v - mean) * inv`, in the requested channel order.
 */
export function toTransposedTensor(image: RgbImage, input: NetInput, out?: Float32Array): Float32Array {
  const { data, width: W, height: H } = image;
  const dst = out && out.length >= W * H * 3 ? out : new Float32Array(W * H * 3);
  const { mean, inv } = input;
  const c0 = input.bgr ? 2 : 0;
  const c2 = 2 - c0;
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const s = (y * W + x) * 3;
      const d = (x * H + y) * 3;
      dst[d] = (data[s + c0]! - mean) * inv;
      dst[d + 1] = (data[s + 1]! - mean) * inv;
      dst[d + 2] = (data[s + c2]! - mean) * inv;
    }
  }
  return dst;
}
