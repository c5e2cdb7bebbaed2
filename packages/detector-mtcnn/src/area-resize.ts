import type { RgbImage } from '@faceattr/core';

/**
 * For each output index along one axis: the source pixels it covers and their weights
 * (overlap of the output cell, mapped to source units, with each source pixel).
 */
export interface Taps {
  start: Int32Array;
  count: Int32Array;
  weights: Float32Array;
  stride: number;
}

export function areaTaps(src: number, dst: number): Taps {
  const ratio = src / dst;
  const stride = Math.ceil(ratio) + 1;
  const start = new Int32Array(dst);
  const count = new Int32Array(dst);
  const weights = new Float32Array(dst * stride);
  for (let o = 0; o < dst; o++) {
    const a = o * ratio;
    const b = Math.min(src, (o + 1) * ratio);
    const first = Math.floor(a);
    let n = 0;
    for (let s = first; s < b && n < stride; s++, n++) weights[o * stride + n] = (Math.min(b, s + 1) - Math.max(a, s)) / (b - a);
    start[o] = first;
    count[o] = n;
  }
  return { start, count, weights, stride };
}

/**
 * Shrinks packed RGB by area averaging (each output pixel is the mean of the source area it
 * covers), separably: cost grows with the source size, not with the shrink ratio, which keeps
 * a full image pyramid cheap. Only for shrinking (output no larger than input on both axes).
 */
export function areaResize(image: RgbImage, width: number, height: number): RgbImage {
  const { data, width: W, height: H } = image;
  if (width > W || height > H) throw new RangeError(`areaResize only shrinks: ${W}x${H} -> ${width}x${height}`);
  const tx = areaTaps(W, width);
  const ty = areaTaps(H, height);
  // Horizontal pass: H rows of `width` pixels.
  const mid = new Float32Array(H * width * 3);
  for (let y = 0; y < H; y++) {
    const row = y * W * 3;
    for (let o = 0; o < width; o++) {
      let r = 0;
      let g = 0;
      let b = 0;
      const n = tx.count[o]!;
      let s = row + tx.start[o]! * 3;
      for (let k = 0; k < n; k++, s += 3) {
        const w = tx.weights[o * tx.stride + k]!;
        r += data[s]! * w;
        g += data[s + 1]! * w;
        b += data[s + 2]! * w;
      }
      const d = (y * width + o) * 3;
      mid[d] = r;
      mid[d + 1] = g;
      mid[d + 2] = b;
    }
  }
  // Vertical pass.
  const out = new Uint8Array(width * height * 3);
  for (let o = 0; o < height; o++) {
    const n = ty.count[o]!;
    const first = ty.start[o]!;
    for (let x = 0; x < width; x++) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (let k = 0; k < n; k++) {
        const w = ty.weights[o * ty.stride + k]!;
        const s = ((first + k) * width + x) * 3;
        r += mid[s]! * w;
        g += mid[s + 1]! * w;
        b += mid[s + 2]! * w;
      }
      const d = (o * width + x) * 3;
      out[d] = Math.round(r);
      out[d + 1] = Math.round(g);
      out[d + 2] = Math.round(b);
    }
  }
  return { data: out, width, height, channels: 3 };
}
