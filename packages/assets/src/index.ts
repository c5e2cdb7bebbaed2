/**
 * `@faceattr/assets` (private): every model asset the repository builds, in every format (a tfjs
 * graph and ONNX, float32), as data, for the tests, benches and training. Users install the
 * published packages written from it, one format each: `@faceattr/assets-onnx` and
 * `@faceattr/assets-tfjs` (the default set) and `@faceattr/assets-extra-onnx` / `-tfjs`.
 * @packageDocumentation
 */

/** Names of the assets in `models/`. */
export const ASSET_NAMES = [
  'mtcnn-pnet',
  'mtcnn-rnet',
  'mtcnn-onet',
  'dlib-resnet-128',
  'heads-dlib-resnet-128',
  'dlib-resnet-128-utk',
  'heads-dlib-resnet-128-utk',
  'faceres-1024',
  'heads-faceres-1024',
  'haar-frontalface-default',
  'blazeface-back',
] as const;
/** One of {@link ASSET_NAMES}. */
export type AssetName = (typeof ASSET_NAMES)[number];

/**
 * The `models/` folder of this package: a file URL in Node, a URL next to this module elsewhere
 * (copy or serve the folder there, or pass your own `modelBasePath`).
 */
export function assetsUrl(): URL {
  // This module and its bundles in dist/ both sit one level below the package root. A variable, not
  // a literal in the call: Vite rewrites `new URL('<literal>', import.meta.url)` into a build-time asset lookup.
  const relative = '../models/';
  return new URL(relative, import.meta.url);
}
