/**
 * A raw pixel buffer, usable in every runtime.
 * `channels` is 1 (gray), 3 (RGB) or 4 (RGBA, alpha ignored); rows are tightly packed.
 * Float32Array data is read as 0..255 values and rounded.
 */
export interface RawImage {
  data: Uint8Array | Uint8ClampedArray | Float32Array;
  width: number;
  height: number;
  channels: number;
}

/** The one image layout every stage works on: interleaved RGB, 8 bits, tightly packed rows. */
export interface RgbImage {
  readonly data: Uint8Array;
  readonly width: number;
  readonly height: number;
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
