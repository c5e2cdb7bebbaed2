import { resizeImage, type RgbImage } from '@faceattr/core';
import { areaResize } from './area-resize.js';
import type { PyramidLevel } from './pyramid.js';

/**
 * Resized images for every pyramid level, area-averaged from the smallest image already made
 * (the original or a bigger level) that is at least twice its size: area averaging over >= 2x2
 * source pixels per output pixel is as faithful as shrinking the original, and much cheaper
 * deep in the pyramid.
 */
export function* pyramidImages(image: RgbImage, levels: readonly PyramidLevel[]): Generator<RgbImage> {
  const made: RgbImage[] = [image];
  for (const level of levels) {
    let src = image;
    for (const m of made) if (m.width >= 2 * level.width && m.height >= 2 * level.height && m.width < src.width) src = m;
    // A level larger than the image (minFaceSize < 12) is upsampled by bilinear interpolation.
    const grow = level.width > src.width || level.height > src.height;
    const next = level.width === src.width && level.height === src.height ? src : grow ? resizeImage(src, level.width, level.height) : areaResize(src, level.width, level.height);
    made.push(next);
    yield next;
  }
}

/**
 * Packed RGB bytes to a normalised float tensor `[W, H, 3]` (transposed: the nets were trained
 * on column-major Caffe images), `(v - mean) / std`, in the requested channel order.
 */
export function toTransposedTensor(image: RgbImage, mean: number, std: number, channelOrder: 'RGB' | 'BGR', out?: Float32Array): Float32Array {
  const { data, width: W, height: H } = image;
  const dst = out && out.length >= W * H * 3 ? out : new Float32Array(W * H * 3);
  const inv = 1 / std;
  const c0 = channelOrder === 'BGR' ? 2 : 0;
  const c2 = 2 - c0;
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const s = (y * W + x) * 3;
      const d = (x * H + y) * 3;
      dst[d] = (data[s + c0]! - mean) * inv;
      dst[d + 1] = (data[s + 1]! - mean) * inv;
      dst[d + 2] = (data[s + c2]! - mean) * inv;
    }
  }
  return dst;
}
