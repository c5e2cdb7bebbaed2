import { isNodeRuntime } from '@faceattr/core';

/** Names of the assets this package ships. */
export const MODEL_NAMES = ['blazeface-back', 'mtcnn-pnet', 'mtcnn-rnet', 'mtcnn-onet', 'dlib-resnet-128', 'heads-dlib-resnet-128', 'haar-frontalface-default'] as const;
export type ModelName = (typeof MODEL_NAMES)[number] | (string & {});

/**
 * The installed location of a shipped asset's folder: a file path in Node, a URL in browsers
 * (resolved next to this module, so bundlers that copy `@faceattr/models/assets` serve it).
 */
export function modelLocation(name: ModelName): string {
  // This file and the bundles in dist/ both sit one level below the package root.
  // A variable, not a template literal in the call: Vite rewrites `new URL(`...${x}`, import.meta.url)` into a
  // build-time glob lookup that finds none of the (git-ignored, built) asset folders.
  const relative = `../assets/${name}/`;
  const url = new URL(relative, import.meta.url);
  if (isNodeRuntime() && url.protocol === 'file:') {
    return decodeURIComponent(url.pathname.replace(/^\/([A-Za-z]:)/, '$1')).replace(/\/$/, '');
  }
  return url.toString();
}
