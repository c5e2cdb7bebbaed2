import { roundHalfEven } from './rounding.js';

/** Source offsets and 8-bit fixed-point weights along one axis of a bilinear resize. */
interface AxisPlan {
  offset: Int32Array;
  /** Weight of `offset + 1`, in 1/256; the weight of `offset` is 256 minus it. */
  weight: Int32Array;
  /** Outputs below `min` replicate the first source sample, outputs from `max` on the last. */
  min: number;
  max: number;
  last: number;
}

function planAxis(srcSize: number, dstSize: number): AxisPlan {
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
  dst = new Uint8Array(dw * dh),
): Uint8Array {
  if (sw === dw && sh === dh) {
    dst.set(src.subarray(0, sw * sh));
    return dst;
  }
  const px = planAxis(sw, dw);
  const py = planAxis(sh, dh);
  const rowA = new Int32Array(dw);
  const rowB = new Int32Array(dw);
  let rowAIndex = -1;
  let rowBIndex = -1;
  const hline = (sy: number, out: Int32Array) => {
    const base = sy * sw;
    const first = src[base]! << 8;
    let d = 0;
    for (; d < px.min; d++) out[d] = first;
    for (; d < px.max; d++) {
      const o = base + px.offset[d]!;
      const w1 = px.weight[d]!;
      out[d] = src[o]! * (256 - w1) + src[o + 1]! * w1;
    }
    const lastV = src[base + px.last]! << 8;
    for (; d < dw; d++) out[d] = lastV;
  };
  // Rows are produced in order, so keep the two most recent horizontal lines.
  const line = (sy: number): Int32Array => {
    if (sy === rowAIndex) return rowA;
    if (sy === rowBIndex) return rowB;
    const target = sy === rowAIndex + 1 || rowBIndex < rowAIndex ? rowB : rowA;
    hline(sy, target);
    if (target === rowA) rowAIndex = sy;
    else rowBIndex = sy;
    return target;
  };
  for (let y = 0; y < dh; y++) {
    const o = y * dw;
    if (y < py.min || y >= py.max) {
      const h = line(y < py.min ? 0 : py.last);
      for (let x = 0; x < dw; x++) dst[o + x] = (h[x]! + 128) >> 8;
      continue;
    }
    const sy = py.offset[y]!;
    const w1 = py.weight[y]!;
    const w0 = 256 - w1;
    const h0 = line(sy);
    const h1 = line(sy + 1);
    for (let x = 0; x < dw; x++) dst[o + x] = (h0[x]! * w0 + h1[x]! * w1 + 32768) >>> 16;
  }
  return dst;
}
