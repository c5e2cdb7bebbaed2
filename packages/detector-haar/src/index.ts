/**
 * `@faceattr/detector-haar`: Viola-Jones face detection with OpenCV Haar cascades, in TypeScript
 * with a WebAssembly scan carried in the bundle (no OpenCV, no native code at run time), matching
 * OpenCV's `detectMultiScale`. No side effects:
 * import `@faceattr/detector-haar/register` to register it as detector "haar".
 * @packageDocumentation
 */
export { haar, HAAR_MODEL_NAME } from './haar-detector.js';
export type { HaarDetectorOptions, HaarMode } from './haar-detector.js';
export { detectMultiScale, detectRaw, haarEngine, pyramidLevels } from './detect-multi-scale.js';
export { loadHaarWasm } from './scan-wasm.js';
export type { HaarImage, HaarDetection, PyramidLevel } from './detect-multi-scale.js';
export type { HaarEngine, HaarOptions, Size } from './options.js';
export { resolveHaarOptions } from './options.js';
// The cascade formats, also importable alone from `@faceattr/detector-haar/cascade`.
export * from './cascade.js';
export { groupRectangles } from './group-rectangles.js';
export type { GroupedBox } from './group-rectangles.js';
export { rgbToGray } from './grayscale.js';
export { neighborScore } from './score.js';
