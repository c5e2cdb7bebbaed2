import type { ImageInput, RgbImage } from '../image/image-types.js';
import { toRgbImage } from '../image/to-rgb.js';

/**
 * Checks the caller's image and takes a copy of its pixels: calls wait in a queue, and meanwhile the
 * caller may reuse its buffer or a video may move on to its next frame.
 */
export function readImage(input: ImageInput): RgbImage {
  const image = toRgbImage(input);
  // toRgbImage passes packed RGB bytes through as they are; every other input it has already copied.
  return image.data === (input as { data?: unknown }).data ? { ...image, data: image.data.slice() } : image;
}
