import type { ModelManifest } from '@faceattr/core';
import { readPinned } from './pinned-source.js';
import { tfjsGraphFiles, writeAsset } from './write-asset.js';

const PKG = { pkg: '@vladmandic/human', version: '3.3.6' } as const;
const JSON_FILE = { ...PKG, path: 'models/blazeface.json', sha256: 'cd7bbfc078270572beb39f9e5ae67aadbd50b5e67cff37e6d4f6b3ea39312e5f' };
const BIN_FILE = { ...PKG, path: 'models/blazeface.bin', sha256: 'dc9a97fdc50bc43216554bdd69aa3e7b9361a519ee7bdd996a2f69a98a6f9b72' };

/**
 * MediaPipe BlazeFace (back camera, 256x256), repackaged unchanged as a faceattr asset.
 * Used as the real graph model of the backend conformance suite; a detector on it may follow.
 */
export function buildBlazeface(root: string): ModelManifest {
  const modelJson = JSON.parse(readPinned(JSON_FILE).toString('utf8')) as Record<string, unknown>;
  const weights = readPinned(BIN_FILE);
  const files = tfjsGraphFiles(modelJson, weights);
  return writeAsset(
    root,
    {
      name: 'blazeface-back',
      version: '1.0.0',
      description: 'MediaPipe BlazeFace short-range detector, back-camera variant, 256x256 input, 896 anchors.',
      inputs: [
        {
          name: 'input',
          shape: [1, 256, 256, 3],
          dtype: 'float32',
          normalization: { mean: 127.5, std: 127.5, channelOrder: 'RGB', layout: 'NHWC' },
        },
      ],
      outputs: [
        { name: 'Identity', shape: [1, 512, 1], dtype: 'float32', description: 'score logits, 16x16 grid anchors' },
        { name: 'Identity_1', shape: [1, 384, 1], dtype: 'float32', description: 'score logits, 8x8 grid anchors' },
        { name: 'Identity_2', shape: [1, 512, 16], dtype: 'float32', description: 'box + 6 keypoints, 16x16 grid anchors' },
        { name: 'Identity_3', shape: [1, 384, 16], dtype: 'float32', description: 'box + 6 keypoints, 8x8 grid anchors' },
      ],
      artifacts: { 'tfjs-graph': { entry: 'model.json', files: ['model.bin', 'model.json'] } },
      license: 'Apache-2.0 (MediaPipe model weights)',
      source: { package: PKG.pkg, version: PKG.version, path: 'models/blazeface.json, models/blazeface.bin', sha256: { [JSON_FILE.path]: JSON_FILE.sha256, [BIN_FILE.path]: BIN_FILE.sha256 } },
    },
    files,
  );
}
