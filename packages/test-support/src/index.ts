/**
 * `@faceattr/test-support` (private, source only): what tests, benches and training scripts in this
 * repository share. It depends on no @faceattr package (core's tests use it too); helpers that need
 * core live in `@faceattr/core/testing`.
 * @packageDocumentation
 */
export { REPO_ROOT, SHARED_DIR, DEMO_DIR, demoPhoto, assetsDir, builtAsset, builtAssetDirs, assetPackageModels } from './paths.js';
export { UTKFACE_DIR, hasUtkface, utkfaceRows } from './utkface.js';
export type { UtkfaceRow } from './utkface.js';
export { rng } from './rng.js';
export { demoFaces } from './demo-faces.js';
export type { DemoFaces, Rect } from './demo-faces.js';
export { syntheticScenes } from './scenes.js';
export { crc32, encodeJpeg, exifTiff, orientedJpeg, pngChunk, storeWithOrientation, withJpegOrientation, withPngOrientation } from './exif.js';
export type { Pixels } from './exif.js';
export type { SceneBackground, SceneImage, SceneImageOps, SceneOptions, SyntheticScene } from './scenes.js';
export { wasmModuleVersions } from './wasm-module.js';
