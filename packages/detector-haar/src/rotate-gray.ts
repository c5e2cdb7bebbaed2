/** An 8-bit gray image rotated (and scaled) onto a canvas that holds all of it, with the map back. */
export interface RotatedGray {
  data: Uint8Array;
  width: number;
  height: number;
  /** A point of the rotated canvas, in the source image's pixels. */
  toSource(x: number, y: number): { x: number; y: number };
}

/**
 * Rotates `gray` by `degrees` (positive: clockwise on screen, y pointing down) about its centre and scales
 * it by `scale`, bilinearly, onto the smallest canvas that holds the whole turned image; corners
 * outside the source are black. Used to search tilted faces with an upright cascade.
 */
export function rotateGray(gray: Uint8Array, width: number, height: number, degrees: number, scale: number): RotatedGray {
  const t = (degrees * Math.PI) / 180;
  const cos = Math.cos(t);
  const sin = Math.sin(t);
  const w = Math.max(1, Math.round((width * Math.abs(cos) + height * Math.abs(sin)) * scale));
  const h = Math.max(1, Math.round((width * Math.abs(sin) + height * Math.abs(cos)) * scale));
  // Canvas pixel centre (u, v) -> source position: R^-1 ((u, v) - canvas centre) / scale + source centre.
  const a = cos / scale;
  const b = sin / scale;
  const c = -sin / scale;
  const d = cos / scale;
  const tx = width / 2 - (a * w) / 2 - (b * h) / 2;
  const ty = height / 2 - (c * w) / 2 - (d * h) / 2;
  const out = new Uint8Array(w * h);
  for (let v = 0; v < h; v++) {
    // Pixel centres at +0.5, back to index space with -0.5.
    let x = a * 0.5 + b * (v + 0.5) + tx - 0.5;
    let y = c * 0.5 + d * (v + 0.5) + ty - 0.5;
    const row = v * w;
    for (let u = 0; u < w; u++, x += a, y += c) {
      // Within half a pixel of the edge: the edge pixel (as core's sampler); beyond: black.
      if (x < -0.5 || y < -0.5 || x > width - 0.5 || y > height - 0.5) continue;
      const xc = x < 0 ? 0 : x > width - 1 ? width - 1 : x;
      const yc = y < 0 ? 0 : y > height - 1 ? height - 1 : y;
      const x0 = xc | 0;
      const y0 = yc | 0;
      const fx = xc - x0;
      const fy = yc - y0;
      const x1 = x0 + 1 < width ? x0 + 1 : x0;
      const i0 = y0 * width;
      const i1 = y0 + 1 < height ? i0 + width : i0;
      const top = gray[i0 + x0]! + (gray[i0 + x1]! - gray[i0 + x0]!) * fx;
      const bottom = gray[i1 + x0]! + (gray[i1 + x1]! - gray[i1 + x0]!) * fx;
      out[row + u] = (top + (bottom - top) * fy + 0.5) | 0;
    }
  }
  return { data: out, width: w, height: h, toSource: (x, y) => ({ x: a * x + b * y + tx, y: c * x + d * y + ty }) };
}
