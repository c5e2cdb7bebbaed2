import type { Affine } from '../geometry/align.js';
import type { Box } from '../types.js';
import type { RgbImage } from './image-types.js';

/** How pixels become model input values: `(pixel - mean) / std`, per channel, in `channelOrder`. */
export interface TensorNormalization {
  /** Per-channel (in output channel order) or scalar mean. Default 0. */
  mean?: number | readonly [number, number, number];
  /** Per-channel or scalar divisor. Default 1. */
  std?: number | readonly [number, number, number];
  /** Channel order written to the tensor. Default 'RGB'. */
  channelOrder?: 'RGB' | 'BGR';
}

export interface SampleOptions extends TensorNormalization {
  /**
   * Write the tensor transposed (width-major, `[W, H, 3]`), for models trained on
   * column-major images such as Caffe-converted MTCNN.
   */
  transpose?: boolean;
  /** Pixel value used outside the image. Default 0 (black). */
  border?: number;
  /** Average several samples per output pixel when shrinking, to avoid aliasing. Default true. */
  antialias?: boolean;
}

function triple(v: number | readonly [number, number, number] | undefined, dflt: number): [number, number, number] {
  if (v === undefined) return [dflt, dflt, dflt];
  if (typeof v === 'number') return [v, v, v];
  return [v[0], v[1], v[2]];
}

/**
 * How {@link warpToTensor} samples a map: sub-samples per output pixel along each axis (box-filter
 * supersampling when the map shrinks the image) and their offsets, the normalisation and layout.
 * Exported so that faster kernels of the same warp (the attribute model's WebAssembly alignment)
 * sample exactly as this one does.
 */
export interface WarpPlan {
  /** Sub-samples per output pixel along x (1 unless the map shrinks the image; at most 8). */
  kx: number;
  /** Sub-samples per output pixel along y. */
  ky: number;
  /** Sub-sample offsets within an output pixel along x, (s + 0.5) / kx. */
  offX: number[];
  /** Sub-sample offsets along y, (s + 0.5) / ky. */
  offY: number[];
  /** Subtracted per output channel. */
  mean: [number, number, number];
  /** 1 / std per channel. */
  inv: [number, number, number];
  /** Channels written as BGR. */
  bgr: boolean;
  /** Pixel value outside the image. */
  border: number;
  /** Tensor written width-major, `[W, H, 3]`. */
  transpose: boolean;
}

/** The {@link WarpPlan} of `warpToTensor(image, dstToSrc, w, h, options)`. */
export function warpPlan(dstToSrc: Affine, options: SampleOptions = {}): WarpPlan {
  const [a, b, , c, d] = dstToSrc;
  const std = triple(options.std, 1);
  // Source pixels covered by one output pixel along each axis.
  const aa = options.antialias !== false;
  const kx = aa ? Math.max(1, Math.min(8, Math.ceil(Math.hypot(a, c) - 1e-6))) : 1;
  const ky = aa ? Math.max(1, Math.min(8, Math.ceil(Math.hypot(b, d) - 1e-6))) : 1;
  return {
    kx,
    ky,
    offX: Array.from({ length: kx }, (_, s) => (s + 0.5) / kx),
    offY: Array.from({ length: ky }, (_, s) => (s + 0.5) / ky),
    mean: triple(options.mean, 0),
    inv: [1 / std[0], 1 / std[1], 1 / std[2]],
    bgr: options.channelOrder === 'BGR',
    border: options.border ?? 0,
    transpose: options.transpose === true,
  };
}

/**
 * Samples `image` through the affine map `dstToSrc` (output pixel centre -> source pixel
 * coordinates) into a normalised float tensor `[outHeight, outWidth, 3]` (or transposed).
 * Bilinear, with box-filter supersampling when the map shrinks the image.
 * Writes into `out` when given (so per-frame calls can reuse one buffer).
 */
export function warpToTensor(
  image: RgbImage,
  dstToSrc: Affine,
  outWidth: number,
  outHeight: number,
  options: SampleOptions = {},
  out?: Float32Array,
): Float32Array {
  const size = outWidth * outHeight * 3;
  const dst = out && out.length >= size ? out : new Float32Array(size);
  const { kx, ky, offX, offY, mean, inv, bgr, border, transpose } = warpPlan(dstToSrc, options);
  const { data, width: W, height: H } = image;
  const [a, b, tx, c, d, ty] = dstToSrc;
  const nSamples = kx * ky;
  const [m0, m1, m2] = mean;
  const [i0, i1, i2] = inv;
  // Hot loop (every aligned face and crop): bilinear sampling inlined, no call or array per sample.
  for (let oy = 0; oy < outHeight; oy++) {
    for (let ox = 0; ox < outWidth; ox++) {
      let r = 0;
      let g = 0;
      let bl = 0;
      for (let sy = 0; sy < ky; sy++) {
        const fy = oy + offY[sy]!;
        for (let sx = 0; sx < kx; sx++) {
          const fx = ox + offX[sx]!;
          // Pixel centres sit at +0.5: map the continuous position, then back to index space.
          const x = a * fx + b * fy + tx - 0.5;
          const y = c * fx + d * fy + ty - 0.5;
          // Clamp to the edge within half a pixel of it, use the border colour beyond.
          if (x < -0.5 || y < -0.5 || x > W - 0.5 || y > H - 0.5) {
            r += border;
            g += border;
            bl += border;
            continue;
          }
          const x0 = Math.floor(x);
          const y0 = Math.floor(y);
          const wx = x - x0;
          const wy = y - y0;
          const xa = x0 < 0 ? 0 : x0;
          const xb = x0 + 1 > W - 1 ? W - 1 : x0 + 1;
          const ya = y0 < 0 ? 0 : y0;
          const yb = y0 + 1 > H - 1 ? H - 1 : y0 + 1;
          const i00 = (ya * W + xa) * 3;
          const i01 = (ya * W + xb) * 3;
          const i10 = (yb * W + xa) * 3;
          const i11 = (yb * W + xb) * 3;
          const w00 = (1 - wx) * (1 - wy);
          const w01 = wx * (1 - wy);
          const w10 = (1 - wx) * wy;
          const w11 = wx * wy;
          r += data[i00]! * w00 + data[i01]! * w01 + data[i10]! * w10 + data[i11]! * w11;
          g += data[i00 + 1]! * w00 + data[i01 + 1]! * w01 + data[i10 + 1]! * w10 + data[i11 + 1]! * w11;
          bl += data[i00 + 2]! * w00 + data[i01 + 2]! * w01 + data[i10 + 2]! * w10 + data[i11 + 2]! * w11;
        }
      }
      r /= nSamples;
      g /= nSamples;
      bl /= nSamples;
      const o = transpose ? (ox * outHeight + oy) * 3 : (oy * outWidth + ox) * 3;
      const c0 = bgr ? bl : r;
      const c2 = bgr ? r : bl;
      dst[o] = (c0 - m0) * i0;
      dst[o + 1] = (g - m1) * i1;
      dst[o + 2] = (c2 - m2) * i2;
    }
  }
  return dst;
}

/** The map from an output grid of `outWidth`x`outHeight` onto `box` in the source image. */
export function boxToAffine(box: Box, outWidth: number, outHeight: number): Affine {
  return [box.width / outWidth, 0, box.x, 0, box.height / outHeight, box.y];
}

/** Crops `box` (may extend past the image; filled with `border`) and resizes it into a tensor. */
export function cropResizeToTensor(
  image: RgbImage,
  box: Box,
  outWidth: number,
  outHeight: number,
  options: SampleOptions = {},
  out?: Float32Array,
): Float32Array {
  return warpToTensor(image, boxToAffine(box, outWidth, outHeight), outWidth, outHeight, options, out);
}

/** Resizes a whole image (box-filtered when shrinking) into packed RGB bytes. */
export function resizeImage(image: RgbImage, outWidth: number, outHeight: number): RgbImage {
  const f = warpToTensor(image, boxToAffine({ x: 0, y: 0, width: image.width, height: image.height }, outWidth, outHeight), outWidth, outHeight);
  const data = new Uint8Array(f.length);
  for (let i = 0; i < f.length; i++) data[i] = Math.round(f[i]!);
  return { data, width: outWidth, height: outHeight, channels: 3 };
}
