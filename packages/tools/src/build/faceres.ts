import type { ModelManifest } from '@faceattr/core';
import { readPinned } from './pinned-source.js';
import { tfjsGraphFiles, writeAsset } from './write-asset.js';

const PKG = { pkg: '@vladmandic/human', version: '3.3.6' } as const;
const JSON_FILE = { ...PKG, path: 'models/faceres.json', sha256: '5b83d49c0385d2e68a05122441b94226313677cae9fcc40b9587ad50079eb4df' };
const BIN_FILE = { ...PKG, path: 'models/faceres.bin', sha256: '2c7d2d62b76c97528b736527aa09d310ea71743c9e3e79fb6c62d4b2d73af79b' };

/**
 * HSE FaceRes (a MobileNet trained on VGGFace2, 224x224 RGB 0..255), repackaged unchanged. faceattr uses its
 * 1024-d `global_pooling/Mean` output as an embedding; its own age/gender outputs are kept for comparison.
 */
export function buildFaceres(root: string): ModelManifest {
  const modelJson = JSON.parse(readPinned(JSON_FILE).toString('utf8')) as Record<string, unknown>;
  const files = tfjsGraphFiles(modelJson, readPinned(BIN_FILE));
  return writeAsset(
    root,
    {
      name: 'faceres-1024',
      version: '1.0.0',
      description: 'HSE FaceRes encoder (MobileNet, VGGFace2-pretrained), 1024-d embedding from its global pooling layer.',
      inputs: [
        {
          name: 'input_1',
          shape: [null, 224, 224, 3],
          dtype: 'float32',
          normalization: { mean: 0, std: 1, channelOrder: 'RGB', layout: 'NHWC' },
        },
      ],
      outputs: [
        { name: 'global_pooling/Mean', shape: [null, 1024], dtype: 'float32', description: 'embedding' },
        { name: 'age_pred/Softmax', shape: [null, 100], dtype: 'float32', description: 'upstream age head (unused by faceattr)' },
        { name: 'gender_pred/Sigmoid', shape: [null, 1], dtype: 'float32', description: 'upstream gender head (unused by faceattr)' },
      ],
      artifacts: { 'tfjs-graph': { entry: 'model.json', files: ['model.bin', 'model.json'] } },
      license: 'MIT (as distributed in @vladmandic/human); upstream HSE FaceRes by A. Savchenko (HSE), research use',
      source: {
        package: PKG.pkg,
        version: PKG.version,
        path: `${JSON_FILE.path}, ${BIN_FILE.path}`,
        sha256: { [JSON_FILE.path]: JSON_FILE.sha256, [BIN_FILE.path]: BIN_FILE.sha256 },
        notes: 'float16 weights as shipped',
      },
    },
    files,
  );
}
