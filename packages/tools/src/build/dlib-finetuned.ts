import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ModelManifest } from '@faceattr/core';
import { DLIB_INPUTS, writeDlibGraph } from './dlib-resnet.js';
import { sha256 } from './pinned-source.js';
import type { NamedWeight } from './tfjs-weights.js';
import { writeAsset } from './write-asset.js';

/** Fine-tuned encoders' weights live in the repository (encoder-src/), written by training/ (PyTorch). */
export const ENCODER_SRC = join(dirname(fileURLToPath(import.meta.url)), '..', 'encoder-src');

interface EncoderSrcMeta {
  name: string;
  description: string;
  base: string;
  trainedOn: string;
  settings: Record<string, unknown>;
  valMetrics: Record<string, unknown>;
  /** `<layer>/conv/filters` (HWIO, affine already folded in), `<layer>/conv/bias`, `fc` [256, 128]; float32, concatenated in this order. */
  tensors: { name: string; shape: number[] }[];
}

/**
 * Builds a fine-tuned dlib ResNet (same topology as `dlib-resnet-128`, weights from
 * `encoder-src/<name>.{json,bin}`) through the same graph writer: each conv's affine is the
 * identity (scale 1, shift 0), so the folded weights are the trained ones bit for bit.
 */
export function buildFinetunedDlib(name: string) {
  return (root: string): ModelManifest | undefined => {
    const metaPath = join(ENCODER_SRC, `${name}.json`);
    if (!existsSync(metaPath)) {
      console.warn(`no fine-tuned encoder ${name} (${metaPath}); see training/README.md`);
      return undefined;
    }
    const metaBytes = readFileSync(metaPath);
    const binBytes = readFileSync(join(ENCODER_SRC, `${name}.bin`));
    const meta = JSON.parse(metaBytes.toString('utf8')) as EncoderSrcMeta;
    const all = new Float32Array(binBytes.buffer.slice(binBytes.byteOffset, binBytes.byteOffset + binBytes.byteLength));
    const weights = new Map<string, NamedWeight>();
    let off = 0;
    for (const s of meta.tensors) {
      const n = s.shape.reduce((a, b) => a * b, 1);
      weights.set(s.name, { shape: s.shape, data: all.subarray(off, off + n) });
      off += n;
      if (s.name.endsWith('/conv/bias')) {
        const layer = s.name.slice(0, -'/conv/bias'.length);
        weights.set(`${layer}/scale/weights`, { shape: s.shape, data: new Float32Array(n).fill(1) });
        weights.set(`${layer}/scale/biases`, { shape: s.shape, data: new Float32Array(n) });
      }
    }
    if (off !== all.length) throw new Error(`${name}.bin has ${all.length} floats, the json describes ${off}`);
    const files = writeDlibGraph(weights).files({ generatedBy: `faceattr training/ (PyTorch fine-tuning of ${meta.base})`, convertedBy: '@faceattr/tools build' });
    return writeAsset(
      root,
      {
        name,
        version: '1.0.0',
        description: meta.description,
        inputs: DLIB_INPUTS,
        outputs: [{ name: 'embedding', shape: [null, 128], dtype: 'float32', description: '128-d attribute embedding (fine-tuned for age, gender, race: not an identity descriptor)' }],
        artifacts: { 'tfjs-graph': { entry: 'model.json', files: ['model.bin', 'model.json'] } },
        license: 'Non-commercial research only: fine-tuned on UTKFace, which is available for non-commercial research purposes only (base weights: dlib, public domain)',
        source: {
          path: `packages/tools/encoder-src/${name}.{json,bin}`,
          sha256: { [`${name}.json`]: sha256(metaBytes), [`${name}.bin`]: sha256(binBytes) },
          notes: 'reproduce with the commands in training/README.md',
        },
        extra: { base: meta.base, trainedOn: meta.trainedOn, settings: meta.settings, valMetrics: meta.valMetrics },
      },
      files,
    );
  };
}
