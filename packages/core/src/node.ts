/**
 * Node-only helpers: image file decoding. Import from `@faceattr/core/node`.
 * @packageDocumentation
 */
export { decodeImage, decodeImageBytes, sniffImageFormat } from './node/decode-image.js';
export type { DecodeOptions, ImageFormat } from './node/decode-image.js';
