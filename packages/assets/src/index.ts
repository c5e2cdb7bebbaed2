/**
 * `@faceattr/assets`: the model assets faceattr ships, as data. Each asset is a folder
 * `models/<name>/` with a `manifest.json` (every file's size and sha256) and its files in the
 * formats the backends read (a tfjs graph and ONNX). No plugin imports this package: pipelines
 * find it at run time in Node (see `createPipeline`'s model locations in @faceattr/core); in a
 * browser, serve its `models/` folder and pass that URL as `modelBasePath`.
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
