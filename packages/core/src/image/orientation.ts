import type { RgbImage } from './image-types.js';

/**
 * An EXIF Orientation value: how the stored pixels must be turned to be shown upright.
 * 1 upright, 2 mirrored, 3 rotated 180°, 4 flipped vertically, 5 transposed, 6 rotate 90° clockwise to view,
 * 7 transversed, 8 rotate 90° counter-clockwise to view.
 */
export type Orientation = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8;

/** True for the orientations that swap width and height (5-8). */
export function swapsSides(o: Orientation): boolean {
  return o >= 5;
}

/**
 * The upright image for pixels stored with EXIF orientation `o` (a new image; the input is untouched).
 * For each upright pixel (x, y) it reads the stored pixel the tag maps there.
 */
export function applyOrientation(img: RgbImage, o: Orientation): RgbImage {
  if (o === 1) return img;
  const { width: w, height: h, data } = img;
  const W = swapsSides(o) ? h : w;
  const H = swapsSides(o) ? w : h;
  // Stored index of upright (x, y) = base + x * dx + y * dy, in pixels.
  let base = 0;
  let dx = 1;
  let dy = w;
  switch (o) {
    case 2: [base, dx, dy] = [w - 1, -1, w]; break;
    case 3: [base, dx, dy] = [w * h - 1, -1, -w]; break;
    case 4: [base, dx, dy] = [(h - 1) * w, 1, -w]; break;
    case 5: [base, dx, dy] = [0, w, 1]; break;
    case 6: [base, dx, dy] = [(h - 1) * w, -w, 1]; break;
    case 7: [base, dx, dy] = [w * h - 1, -w, -1]; break;
    case 8: [base, dx, dy] = [w - 1, w, -1]; break;
  }
  const out = new Uint8Array(data.length);
  for (let y = 0, d = 0; y < H; y++) {
    let s = base + y * dy;
    for (let x = 0; x < W; x++, d += 3, s += dx) {
      const i = s * 3;
      out[d] = data[i]!;
      out[d + 1] = data[i + 1]!;
      out[d + 2] = data[i + 2]!;
    }
  }
  return { data: out, width: W, height: H, channels: 3 };
}
