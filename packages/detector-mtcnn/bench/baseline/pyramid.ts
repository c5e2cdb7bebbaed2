/** P-Net looks at 12x12 windows: the face size one pyramid level finds is 12 / scale. */
export const PNET_WINDOW = 12;
/** P-Net's output grid step in input pixels (one 2x2 pooling). */
export const PNET_STRIDE = 2;

export interface PyramidLevel {
  /** Nominal scale (12 / face size searched). */
  scale: number;
  /** Size of the resized image fed to P-Net. */
  width: number;
  height: number;
}

/**
 * Pyramid levels for an image: the first level maps `minFaceSize` onto the 12 px window, each
 * next one shrinks by `scaleFactor`, until the shorter side drops below the window.
 */
export function pyramidLevels(width: number, height: number, minFaceSize: number, scaleFactor: number): PyramidLevel[] {
  const levels: PyramidLevel[] = [];
  let scale = PNET_WINDOW / minFaceSize;
  for (;;) {
    const w = Math.ceil(width * scale);
    const h = Math.ceil(height * scale);
    if (Math.min(w, h) < PNET_WINDOW) break;
    levels.push({ scale, width: w, height: h });
    scale *= scaleFactor;
  }
  return levels;
}
