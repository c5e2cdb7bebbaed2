import { FaceAttrError } from '../errors.js';

/** Limits checked from the file's header, before any pixel data is inflated, for every format and decoder. */
export interface DecodeLimits {
  /** Refuse images with more pixels than this. Default 268,435,456 (16384 x 16384, the largest image detect() takes). */
  maxPixels?: number;
  /**
   * Refuse images whose decoding would take more memory than this, in MB (2^20 bytes). Default 1024.
   * Estimated as 8 bytes per pixel (the RGB result plus the decoders' working copies; a 16-bit PNG's raw
   * rows add more), so the default admits about 134 megapixels, e.g. a 108 MP (12000x9000) phone photo.
   */
  maxMemoryMB?: number;
}

/** Default {@link DecodeLimits.maxPixels}: 16384 x 16384. */
export const DEFAULT_MAX_PIXELS = 16384 * 16384;
/** Default {@link DecodeLimits.maxMemoryMB}. */
export const DEFAULT_MAX_MEMORY_MB = 1024;
const BYTES_PER_PIXEL = 8;

/** The limits in force, after checking the options' values. */
export function resolveLimits(o: DecodeLimits): Required<DecodeLimits> {
  const maxPixels = o.maxPixels ?? DEFAULT_MAX_PIXELS;
  const maxMemoryMB = o.maxMemoryMB ?? DEFAULT_MAX_MEMORY_MB;
  for (const [key, v] of [['maxPixels', maxPixels], ['maxMemoryMB', maxMemoryMB]] as const) {
    if (typeof v !== 'number' || !(v > 0)) {
      throw new FaceAttrError('INVALID_OPTIONS', `decodeImage: ${key} must be a positive number, got ${String(v)}.`);
    }
  }
  return { maxPixels, maxMemoryMB };
}

/** The memory decoding a width x height image is estimated to take, in MB. */
export function estimateDecodeMB(width: number, height: number, rawBytesPerPixel = 0): number {
  return (width * height * Math.max(BYTES_PER_PIXEL, 7 + rawBytesPerPixel)) / 2 ** 20;
}

/** Throws INVALID_INPUT naming the size and the option that raises the limit when the image is over it. */
export function checkDecodeLimits(
  name: string,
  width: number,
  height: number,
  limits: Required<DecodeLimits>,
  rawBytesPerPixel = 0,
): void {
  if (!(width > 0 && height > 0)) {
    throw new FaceAttrError('INVALID_INPUT', `${name} declares an empty image (${width}x${height}); the file is damaged.`, {
      details: { name, width, height },
    });
  }
  const pixels = width * height;
  const mb = estimateDecodeMB(width, height, rawBytesPerPixel);
  const size = `${width}x${height} (${(pixels / 1e6).toFixed(1)} megapixels)`;
  const details = { name, width, height, estimatedMB: Math.ceil(mb), ...limits };
  if (pixels > limits.maxPixels) {
    throw new FaceAttrError(
      'INVALID_INPUT',
      `${name} is ${size}, over the decode limit of ${limits.maxPixels} pixels. Downscale it, or raise the limit with decodeImage(file, { maxPixels }).`,
      { details },
    );
  }
  if (mb > limits.maxMemoryMB) {
    throw new FaceAttrError(
      'INVALID_INPUT',
      `${name} is ${size} and would take about ${Math.ceil(mb)} MB to decode, over the limit of ${limits.maxMemoryMB} MB. Downscale it, or raise the limit with decodeImage(file, { maxMemoryMB }).`,
      { details },
    );
  }
}
