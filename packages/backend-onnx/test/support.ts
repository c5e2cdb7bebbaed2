/** Real-photo inputs for the built assets (this package's tests and its latency bench share them). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ModelManifest, TensorData } from '@faceattr/core';
import { decodeImage } from '@faceattr/core/node';
import { manifestFeeds } from '@faceattr/core/testing';
import { assetsDir, builtAssetDirs, demoPhoto } from '@faceattr/test-support';

export const BLAZEFACE = join(assetsDir(), 'blazeface-back');

const readManifest = (dir: string) => JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as ModelManifest;

/** Built assets whose manifest lists a tfjs-graph artifact (found at run time, so new assets are covered). */
export function tfjsGraphAssets(): { dir: string; manifest: ModelManifest }[] {
  return builtAssetDirs()
    .map((dir) => ({ dir, manifest: readManifest(dir) }))
    .filter((a) => a.manifest.artifacts['tfjs-graph'] !== undefined);
}

/** Feeds for an asset's inputs, cut from face-api's demo sample 1. */
export async function photoFeeds(manifest: ModelManifest): Promise<Record<string, TensorData>> {
  return manifestFeeds(manifest, await decodeImage(demoPhoto(1)));
}

/** BlazeFace's input: the photo centre-cropped to 256x256, normalised as its manifest says. */
export const blazefaceFeeds = (): Promise<Record<string, TensorData>> => photoFeeds(readManifest(BLAZEFACE));
