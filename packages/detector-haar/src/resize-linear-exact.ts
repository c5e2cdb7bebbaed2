import { roundHalfEven } from './rounding.js';

/** Source offsets and 8-bit fixed-point weights along one axis of a bilinear resize. */
export interface AxisPlan {
  offset: Int32Array;
  /** Weight of `offset + 1`, in 1/256; the weight of `offset` is 256 minus it. */
  weight: Int32Array;
  /** Outputs below `min` replicate the first source sample, outputs from `max` on the last. */
  min: number;
  max: number;
  last: number;
}

export function planAxis(srcSize: number, dstSize: number): AxisPlan {
  // OpenCV derives the scale from the sizes (dst/src), then inverts it, both in double.
  const scale = 1 / (dstSize / srcSize);
  const offset = new Int32Array(dstSize);
  const weight = new Int32Array(dstSize);
  let min = 0;
  let max = dstSize;
  for (let d = 0; d < dstSize; d++) {
    const f = scale * (d + 0.5) - 0.5;
    const i = Math.floor(f);
    if (i >= 0 && srcSize > 1) {
      if (i < srcSize - 1) {
        offset[d] = i;
        weight[d] = roundHalfEven((f - i) * 256);
      } else {
        offset[d] = srcSize - 1;
        max = Math.min(max, d);
      }
    } else {
      min = Math.max(min, d + 1);
    }
  }
  // Sizes where the last output is a border one read the last source sample.
  const last = max < dstSize ? offset[dstSize - 1]! : srcSize - 1;
  return { offset, weight, min: Math.min(min, dstSize), max: Math.max(max, Math.min(min, dstSize)), last };
}

/**
 * Bilinear resize of an 8-bit gray image, bit-exact with OpenCV's INTER_LINEAR_EXACT (the mode its
 * cascade detector uses to build the pyramid): half-pixel centres, clamped borders, weights in 1/256,
 * the horizontal pass kept in 8.8 fixed point and the vertical pass rounded from 16.16.
 */
export function resizeGrayLinearExact(
  src: Uint8Array,
  sw: number,
  sh: number,
  dw: number,
  dh: number,
  dst: Uint8Array = new Uint8Array(dw * dh),
): Uint8Array {
  if (sw === dw && sh === dh) {
    dst.set(src.subarray(0, sw * sh));
    return dst;
  }
  const px = planAxis(sw, dw);
  const py = planAxis(sh, dh);
  // Horizontal lines of two source rows (8.8 fixed point); rows are produced in order, so each
  // source row is filtered once and reused by the next output row when the two share it.
  let rowA = new Int32Array(dw);
  let rowB = new Int32Array(dw);
  let rowAIndex = -1;
  let rowBIndex = -1;
  for (let y = 0; y < dh; y++) {
    const o = y * dw;
    const border = y < py.min || y >= py.max;
    const sy = border ? (y < py.min ? 0 : py.last) : py.offset[y]!;
    const sy1 = border ? sy : sy + 1;
    // Bring rows sy (into A) and sy1 (into B) in, filtering only the new ones.
    if (rowAIndex !== sy) {
      if (rowBIndex === sy) {
        const t = rowA;
        rowA = rowB;
        rowB = t;
        rowAIndex = sy;
        rowBIndex = -1;
      } else {
        hline(src, sy * sw, px, dw, rowA);
        rowAIndex = sy;
      }
    }
    if (border) {
      for (let x = 0; x < dw; x++) dst[o + x] = (rowA[x]! + 128) >> 8;
      continue;
    }
    if (rowBIndex !== sy1) {
      hline(src, sy1 * sw, px, dw, rowB);
      rowBIndex = sy1;
    }
    const w1 = py.weight[y]!;
    const w0 = 256 - w1;
    const h0 = rowA;
    const h1 = rowB;
    for (let x = 0; x < dw; x++) dst[o + x] = (h0[x]! * w0 + h1[x]! * w1 + 32768) >>> 16;
  }
  return dst;
}

/** One source row (starting at `base`) filtered horizontally into 8.8 fixed point. */
function hline(src: Uint8Array, base: number, px: AxisPlan, dw: number, out: Int32Array): void {
  const { offset, weight, min, max } = px;
  const first = src[base]! << 8;
  let d = 0;
  for (; d < min; d++) out[d] = first;
  for (; d < max; d++) {
    const o = base + offset[d]!;
    const w1 = weight[d]!;
    out[d] = src[o]! * (256 - w1) + src[o + 1]! * w1;
  }
  const lastV = src[base + px.last]! << 8;
  for (; d < dw; d++) out[d] = lastV;
}
