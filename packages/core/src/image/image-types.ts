/**
 * A raw pixel buffer, usable in every runtime.
 * `channels` is 1 (gray), 3 (RGB) or 4 (RGBA, alpha ignored); rows are tightly packed.
 * Float32Array data is read as 0..255 values and rounded.
 */
export interface RawImage {
/** Pixels, row by row, `channels` values per pixel. */
  data: Uint8Array | Uint8ClampedArray | Float32Array;
/** Width in pixels. */
  width: number;
/** Height in pixels. */
  height: number;
/** Values per pixel: 1, 3 or 4. */
  channels: number;
}

/** The one image layout every stage works on: interleaved RGB, 8 bits, tightly packed rows. */
export interface RgbImage {
/** Pixels, row by row, R, G, B per pixel (`width * height * 3` bytes). */
  readonly data: Uint8Array;
/** Width in pixels. */
  readonly width: number;
/** Height in pixels. */
  readonly height: number;
/** Always 3. */
  readonly channels: 3;
}

/**
 * Anything `detect()` accepts. Browser element types are declared structurally so that
 * the core compiles (and runs) in Node without DOM globals.
 */
export type ImageInput =
  | RawImage
  | ImageData
  | HTMLImageElement
  | HTMLCanvasElement
  | HTMLVideoElement
  | ImageBitmap
  | OffscreenCanvas
  | VideoFrame;
