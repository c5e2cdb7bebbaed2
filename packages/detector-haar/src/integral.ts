/**
 * Integral images with one leading row and column of zeros, stride `width + 1`, as OpenCV's
 * `integral()`: `sum[y][x]` adds pixels above and left of (x, y). Both are int32 like OpenCV's
 * cascade buffers; they may wrap on big images, but window differences taken in int32 (`| 0`, as
 * the scan does) stay exact.
 */
export function integralSums(gray: Uint8Array, width: number, height: number, sum: Int32Array, sqsum: Int32Array): void {
  const stride = width + 1;
  sum.fill(0, 0, stride);
  sqsum.fill(0, 0, stride);
  for (let y = 0; y < height; y++) {
    const row = (y + 1) * stride;
    const prev = row - stride;
    const src = y * width;
    let s = 0;
    let q = 0;
    sum[row] = 0;
    sqsum[row] = 0;
    for (let x = 0; x < width; x++) {
      const v = gray[src + x]!;
      s += v;
      q = (q + v * v) | 0;
      sum[row + x + 1] = sum[prev + x + 1]! + s;
      sqsum[row + x + 1] = (sqsum[prev + x + 1]! + q) | 0;
    }
  }
}

/**
 * The 45-degree (rotated) integral of Lienhart and Maydt, laid out like OpenCV's:
 * `tilted[Y][X]` adds pixels (x, y) with y < Y and |x - X + 1| <= Y - y - 1, i.e. the triangle whose
 * apex is the pixel just above-left of (X, Y). Computed on a grid padded by `height` columns on
 * each side so triangles centred outside the image are built by the same recurrence.
 */
export function tiltedIntegral(gray: Uint8Array, width: number, height: number, out: Int32Array): void {
  const stride = width + 1;
  const pad = height + 1;
  const ew = stride + 2 * pad;
  // t[Y][E]: triangle with apex column E - pad - 1 and apex row Y - 1.
  const t = new Int32Array(ew * (height + 1));
  const px = (x: number, y: number) => (x >= 0 && x < width && y >= 0 ? gray[y * width + x]! : 0);
  for (let Y = 1; Y <= height; Y++) {
    const row = Y * ew;
    for (let E = 0; E < ew; E++) {
      const c = E - pad - 1;
      let v = px(c, Y - 1) + px(c, Y - 2);
      if (Y >= 2) {
        if (E > 0) v += t[row - ew + E - 1]!;
        if (E + 1 < ew) v += t[row - ew + E + 1]!;
        if (Y >= 3) v -= t[row - 2 * ew + E]!;
      }
      t[row + E] = v;
    }
  }
  for (let Y = 0; Y <= height; Y++) for (let X = 0; X < stride; X++) out[Y * stride + X] = t[Y * ew + X + pad]!;
}
