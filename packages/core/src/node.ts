/**
 * Node-only helpers: image file decoding. Import from `@faceattr/core/node`.
 * @packageDocumentation
 */
export { decodeImage, decodeImageBytes, sniffImageFormat } from './node/decode-image.js';
export type { DecodedImage, DecodeOptions, DecoderChoice, ImageFormat } from './node/decode-image.js';
export { DEFAULT_MAX_MEMORY_MB, DEFAULT_MAX_PIXELS, estimateDecodeMB } from './node/decode-limits.js';
export type { DecodeLimits } from './node/decode-limits.js';
export { shrinkForMinFaceSize } from './node/shrink.js';
