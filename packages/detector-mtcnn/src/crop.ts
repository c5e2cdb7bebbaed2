import type { Box, RgbImage } from '@faceattr/core';
import type { NetInput } from './pyramid-images.js';

/**
 * Cuts square `size`x`size` net inputs out of packed RGB images: bilinear, transposed `[W, H, 3]`,
 * normalised, pixels outside the image black. Same samples as core's
 * `cropResizeToTensor(image, box, size, size, { transpose: true, border: 0, antialias: false, ... })`
 * (what the detector used before), but with per-axis index/weight tables computed once per crop
 * instead of per pixel, and no per-pixel calls or allocations: R-Net may get hundreds of crops.
 */
export class CropSampler {
  readonly #size: number;
  // Per output column / row: first and second source offset (bytes), weight of the second, inside?
  readonly #xa: Int32Array;
  readonly #xb: Int32Array;
  readonly #xf: Float64Array;
  readonly #xin: Uint8Array;
  readonly #ya: Int32Array;
  readonly #yb: Int32Array;
  readonly #yf: Float64Array;
  readonly #yin: Uint8Array;

  constructor(size: number) {
    this.#size = size;
    this.#xa = new Int32Array(size);
    this.#xb = new Int32Array(size);
    this.#xf = new Float64Array(size);
    this.#xin = new Uint8Array(size);
    this.#ya = new Int32Array(size);
    this.#yb = new Int32Array(size);
    this.#yf = new Float64Array(size);
    this.#yin = new Uint8Array(size);
  }

  /**
   * Writes the crop of `box` (in `image` pixels) at `out[offset...]`, `size * size * 3` floats;
   * `mirror` flips it left-right.
   */
  crop(image: RgbImage, box: Box, input: NetInput, out: Float32Array, offset: number, mirror = false): void {
    const S = this.#size;
    const { data, width: W, height: H } = image;
    axis(box.x, box.width / S, W, 3, this.#xa, this.#xb, this.#xf, this.#xin);
    axis(box.y, box.height / S, H, W * 3, this.#ya, this.#yb, this.#yf, this.#yin);
    const { mean, inv } = input;
    const c0 = input.bgr ? 2 : 0;
    const c2 = 2 - c0;
    const border = (0 - mean) * inv;
    for (let ox = 0; ox < S; ox++) {
      // Transposed layout: output column ox is one contiguous run of S pixels.
      let o = offset + (mirror ? S - 1 - ox : ox) * S * 3;
      const xa = this.#xa[ox]!;
      const xb = this.#xb[ox]!;
      const fx = this.#xf[ox]!;
      const xin = this.#xin[ox]!;
      for (let oy = 0; oy < S; oy++, o += 3) {
        if (!xin || !this.#yin[oy]) {
          out[o] = border;
          out[o + 1] = border;
          out[o + 2] = border;
          continue;
        }
        const fy = this.#yf[oy]!;
        const w00 = (1 - fx) * (1 - fy);
        const w01 = fx * (1 - fy);
        const w10 = (1 - fx) * fy;
        const w11 = fx * fy;
        const i00 = this.#ya[oy]! + xa;
        const i01 = this.#ya[oy]! + xb;
        const i10 = this.#yb[oy]! + xa;
        const i11 = this.#yb[oy]! + xb;
        const r = data[i00]! * w00 + data[i01]! * w01 + data[i10]! * w10 + data[i11]! * w11;
        const g = data[i00 + 1]! * w00 + data[i01 + 1]! * w01 + data[i10 + 1]! * w10 + data[i11 + 1]! * w11;
        const b = data[i00 + 2]! * w00 + data[i01 + 2]! * w01 + data[i10 + 2]! * w10 + data[i11 + 2]! * w11;
        out[o + c0] = (r - mean) * inv;
        out[o + 1] = (g - mean) * inv;
        out[o + c2] = (b - mean) * inv;
      }
    }
  }
}

/**
 * One axis of the sampling grid: output pixel centre i + 0.5 maps to source position
 * `origin + step * (i + 0.5) - 0.5`; clamped to the edge within half a pixel of it, outside beyond.
 */
function axis(origin: number, step: number, n: number, stride: number, a: Int32Array, b: Int32Array, f: Float64Array, inside: Uint8Array): void {
  for (let i = 0; i < a.length; i++) {
    const p = origin + step * (i + 0.5) - 0.5;
    const p0 = Math.floor(p);
    f[i] = p - p0;
    inside[i] = p >= -0.5 && p <= n - 0.5 ? 1 : 0;
    const lo = p0 < 0 ? 0 : p0 > n - 1 ? n - 1 : p0;
    const hi = p0 + 1 > n - 1 ? n - 1 : p0 + 1 < 0 ? 0 : p0 + 1;
    a[i] = lo * stride;
    b[i] = hi * stride;
  }
}
