import { FaceAttrError } from '../errors.js';
import { formatValue } from '../format-value.js';
import type { ImageInput, RawImage, RgbImage } from './image-types.js';

/** Larger images are refused rather than exhausting memory; 16k x 16k is beyond any camera. */
const MAX_SIDE = 16384;

function checkSize(width: unknown, height: unknown, what: string): asserts width is number {
  if (
    typeof width !== 'number' ||
    typeof height !== 'number' ||
    !Number.isInteger(width) ||
    !Number.isInteger(height)
  ) {
    throw new FaceAttrError('INVALID_INPUT', `${what}: width and height must be integers, got width ${formatValue(width)} (${typeof width}) and height ${formatValue(height)} (${typeof height}).`);
  }
  if (width <= 0 || height <= 0) {
    throw new FaceAttrError(
      'INVALID_INPUT',
      `${what} is empty (${width}x${height}). Pass an image with at least one pixel; for video, wait until a frame is available (readyState >= 2).`,
    );
  }
  if (width > MAX_SIDE || height > MAX_SIDE) {
    throw new FaceAttrError('INVALID_INPUT', `${what} is ${width}x${height}; the largest side accepted is ${MAX_SIDE}px. Downscale it first.`);
  }
}

function isRawImage(x: unknown): x is RawImage {
  return (
    typeof x === 'object' &&
    x !== null &&
    'data' in x &&
    'width' in x &&
    'height' in x &&
    'channels' in x
  );
}

function isImageDataLike(x: unknown): x is { data: Uint8ClampedArray; width: number; height: number } {
  return (
    typeof x === 'object' &&
    x !== null &&
    'data' in x &&
    (x as { data: unknown }).data instanceof Uint8ClampedArray &&
    'width' in x &&
    'height' in x &&
    !('channels' in x)
  );
}

/** Converts a validated raw buffer into packed RGB. */
export function rawToRgb(input: RawImage): RgbImage {
  const { data, width, height, channels } = input;
  checkSize(width, height, 'Raw image');
  if (channels !== 1 && channels !== 3 && channels !== 4) {
    throw new FaceAttrError(
      'INVALID_INPUT',
      `Raw image has channels=${String(channels)}; use 1 (gray), 3 (RGB) or 4 (RGBA).`,
    );
  }
  if (!(data instanceof Uint8Array || data instanceof Uint8ClampedArray || data instanceof Float32Array)) {
    throw new FaceAttrError('INVALID_INPUT', 'Raw image data must be a Uint8Array, Uint8ClampedArray or Float32Array.');
  }
  const expected = width * height * channels;
  if (data.length !== expected) {
    throw new FaceAttrError(
      'INVALID_INPUT',
      `Raw image data has ${data.length} values but ${width}x${height}x${channels} needs ${expected}. Check width, height and channels (rows must be tightly packed).`,
    );
  }
  // Packed RGB bytes are used as they are: nothing downstream writes into an input buffer.
  if (channels === 3 && data instanceof Uint8Array) return { data, width, height, channels: 3 };
  const n = width * height;
  const out = new Uint8Array(n * 3);
  if (data instanceof Float32Array) {
    for (let i = 0; i < data.length; i++) {
      const v = data[i]!;
      if (!Number.isFinite(v)) {
        const p = Math.floor(i / channels);
        throw new FaceAttrError(
          'INVALID_INPUT',
          `Raw image has a non-finite value (${v}) at pixel (${p % width}, ${Math.floor(p / width)}). Float pixel data must be finite values in 0..255.`,
        );
      }
    }
  }
  const clamp = data instanceof Float32Array ? (v: number) => (v < 0 ? 0 : v > 255 ? 255 : Math.round(v)) : (v: number) => v;
  if (channels === 3) {
    if (data instanceof Float32Array) for (let i = 0; i < out.length; i++) out[i] = clamp(data[i]!);
    else out.set(data);
  } else if (channels === 4) {
    for (let p = 0, s = 0, d = 0; p < n; p++, s += 4, d += 3) {
      out[d] = clamp(data[s]!);
      out[d + 1] = clamp(data[s + 1]!);
      out[d + 2] = clamp(data[s + 2]!);
    }
  } else {
    for (let p = 0, d = 0; p < n; p++, d += 3) {
      const v = clamp(data[p]!);
      out[d] = v;
      out[d + 1] = v;
      out[d + 2] = v;
    }
  }
  return { data: out, width, height, channels: 3 };
}

// One scratch canvas for browser sources: drawing a video frame per call must not allocate a canvas per frame.
let scratch: { canvas: OffscreenCanvas | HTMLCanvasElement; ctx: CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D } | undefined;

function scratchContext(width: number, height: number) {
  if (!scratch) {
    let canvas: OffscreenCanvas | HTMLCanvasElement;
    if (typeof OffscreenCanvas !== 'undefined') canvas = new OffscreenCanvas(width, height);
    else if (typeof document !== 'undefined') canvas = document.createElement('canvas');
    else {
      throw new FaceAttrError(
        'INVALID_INPUT',
        'This input needs a canvas to read its pixels, and none exists in this runtime. In Node, decode files with decodeImage() from @faceattr/core/node or pass {data, width, height, channels}.',
      );
    }
    const ctx = canvas.getContext('2d', { willReadFrequently: true }) as
      | CanvasRenderingContext2D
      | OffscreenCanvasRenderingContext2D
      | null;
    if (!ctx) throw new FaceAttrError('INVALID_INPUT', 'Could not create a 2D canvas context to read image pixels.');
    scratch = { canvas, ctx };
  }
  if (scratch.canvas.width !== width) scratch.canvas.width = width;
  if (scratch.canvas.height !== height) scratch.canvas.height = height;
  return scratch.ctx;
}

function drawableSize(input: object): { width: number; height: number; what: string } {
  const g = globalThis as Record<string, unknown>;
  const is = (name: string) => typeof g[name] === 'function' && input instanceof (g[name] as new () => unknown);
  if (is('HTMLVideoElement')) {
    const v = input as HTMLVideoElement;
    if (v.readyState < 2) {
      throw new FaceAttrError('INVALID_INPUT', 'The video has no frame yet (readyState < 2). Wait for "loadeddata" or use pipeline.track().');
    }
    return { width: v.videoWidth, height: v.videoHeight, what: 'Video frame' };
  }
  if (is('HTMLImageElement')) {
    const im = input as HTMLImageElement;
    if (!im.complete) throw new FaceAttrError('INVALID_INPUT', 'The image has not finished loading. Await img.decode() first.');
    return { width: im.naturalWidth, height: im.naturalHeight, what: 'Image element' };
  }
  if (is('VideoFrame')) {
    const f = input as VideoFrame;
    return { width: f.displayWidth, height: f.displayHeight, what: 'VideoFrame' };
  }
  if (is('HTMLCanvasElement') || is('OffscreenCanvas') || is('ImageBitmap')) {
    const c = input as { width: number; height: number };
    return { width: c.width, height: c.height, what: 'Canvas/ImageBitmap' };
  }
  throw new FaceAttrError(
    'INVALID_INPUT',
    'Unsupported image input. Pass {data, width, height, channels}, ImageData, an HTMLImageElement, HTMLCanvasElement, HTMLVideoElement, ImageBitmap, OffscreenCanvas or VideoFrame.',
  );
}

/**
 * Reads any supported input into packed RGB. Raw buffers are validated (size, channels,
 * length, finite values); browser sources are drawn to a shared scratch canvas.
 */
export function toRgbImage(input: ImageInput): RgbImage {
  // Paths and encoded files are the usual first try: say how to decode them.
  if (typeof input === 'string' || ArrayBuffer.isView(input) || input instanceof ArrayBuffer) {
    const what = typeof input === 'string' ? `the string ${formatValue(input)}` : `encoded bytes (${formatValue(input)})`;
    throw new FaceAttrError(
      'INVALID_INPUT',
      `Expected decoded pixels, got ${what}. Decode the file first: in Node, await decodeImage(pathOrBytes) from @faceattr/core/node; in browsers, await createImageBitmap(blob).`,
    );
  }
  if (input === null || typeof input !== 'object') {
    throw new FaceAttrError('INVALID_INPUT', `Expected an image, got ${formatValue(input)}.`);
  }
  if (isRawImage(input)) return rawToRgb(input);
  if (isImageDataLike(input)) {
    checkSize(input.width, input.height, 'ImageData');
    return rawToRgb({ data: input.data, width: input.width, height: input.height, channels: 4 });
  }
  const { width, height, what } = drawableSize(input);
  checkSize(width, height, what);
  const ctx = scratchContext(width, height);
  ctx.drawImage(input as CanvasImageSource, 0, 0, width, height);
  const pixels = ctx.getImageData(0, 0, width, height);
  return rawToRgb({ data: pixels.data, width, height, channels: 4 });
}
