/**
 * RGB -> 8-bit gray as OpenCV 4's cvtColor does it: 0.299 R + 0.587 G + 0.114 B in 15-bit fixed
 * point (9798, 19235, 3735), rounded. The fixed-point form (not a float, which differs on ~0.04% of
 * pixels) is what makes our pyramid, and so our detections, identical to OpenCV's.
 */
export function rgbToGray(rgb: Uint8Array, width: number, height: number, out = new Uint8Array(width * height)): Uint8Array {
  const n = width * height;
  for (let i = 0, j = 0; i < n; i++, j += 3) {
    out[i] = (rgb[j]! * 9798 + rgb[j + 1]! * 19235 + rgb[j + 2]! * 3735 + 16384) >> 15;
  }
  return out;
}
