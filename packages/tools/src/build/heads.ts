import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ModelManifest } from '@faceattr/core';
import { sha256 } from './pinned-source.js';
import { GraphDefBuilder } from './tf-graph-def.js';
import { writeAsset } from './write-asset.js';

interface HeadsMeta {
  encoder: string;
  dim: number;
  ageBins: number;
  trainedOn: string;
  settings: Record<string, unknown>;
  valMetrics: Record<string, unknown>;
  tensors: { name: string; shape: number[] }[];
}

/** The trained heads live in the repository (heads-src/), written by train/train-heads.ts. */
export const HEADS_SRC = join(dirname(fileURLToPath(import.meta.url)), '..', 'heads-src');

/**
 * Builds `heads-<encoder>`: three small MLPs on one embedding input, outputs `age`
 * (softmax over ages 0..100), `gender` (sigmoid, P(female)) and `race` (softmax over 5 classes).
 */
export function buildHeads(encoder: string) {
  return (root: string): ModelManifest | undefined => {
    const metaPath = join(HEADS_SRC, `heads-${encoder}.json`);
    if (!existsSync(metaPath)) {
      console.warn(`no trained heads for ${encoder} (${metaPath}); run packages/eval/train/train-heads.ts`);
      return undefined;
    }
    const metaBytes = readFileSync(metaPath);
    const binBytes = readFileSync(join(HEADS_SRC, `heads-${encoder}.bin`));
    const meta = JSON.parse(metaBytes.toString('utf8')) as HeadsMeta;
    const all = new Float32Array(binBytes.buffer.slice(binBytes.byteOffset, binBytes.byteOffset + binBytes.byteLength));
    const t = new Map<string, { shape: number[]; data: Float32Array }>();
    let off = 0;
    for (const s of meta.tensors) {
      const n = s.shape.reduce((a, b) => a * b, 1);
      t.set(s.name, { shape: s.shape, data: all.subarray(off, off + n) });
      off += n;
    }
    if (off !== all.length) throw new Error(`heads-${encoder}.bin has ${all.length} floats, the json describes ${off}`);
    const g = new GraphDefBuilder();
    const x = g.placeholder('embedding', [-1, meta.dim]);
    const w = (name: string) => {
      const v = t.get(name);
      if (!v) throw new Error(`heads-${encoder} has no tensor ${name}`);
      return g.constFloat(name, v.shape, v.data);
    };
    const mlp = (head: string) => {
      const h = g.relu(`${head}/relu`, g.biasAdd(`${head}/dense1`, g.matMul(`${head}/dense1/MatMul`, x, w(`${head}/dense1/kernel`)), w(`${head}/dense1/bias`)));
      return g.biasAdd(`${head}/dense2`, g.matMul(`${head}/dense2/MatMul`, h, w(`${head}/dense2/kernel`)), w(`${head}/dense2/bias`));
    };
    g.identity('age', g.softmax('age/softmax', mlp('age')));
    g.identity('gender', g.sigmoid('gender/sigmoid', mlp('gender')));
    g.identity('race', g.softmax('race/softmax', mlp('race')));
    const files = g.files({ generatedBy: 'faceattr train/train-heads.ts', convertedBy: '@faceattr/models build' });
    return writeAsset(
      root,
      {
        name: `heads-${encoder}`,
        version: '1.0.0',
        description: `Age, gender and race heads on ${encoder} embeddings, trained on UTKFace (train split). ${meta.trainedOn}.`,
        inputs: [{ name: 'embedding', shape: [null, meta.dim], dtype: 'float32', description: `${encoder} embedding` }],
        outputs: [
          { name: 'age', shape: [null, meta.ageBins], dtype: 'float32', description: 'probability of each age 0..100' },
          { name: 'gender', shape: [null, 1], dtype: 'float32', description: 'probability the face is perceived as female' },
          { name: 'race', shape: [null, 5], dtype: 'float32', description: 'probabilities of White, Black, Asian, Indian, Others' },
        ],
        artifacts: { 'tfjs-graph': { entry: 'model.json', files: ['model.bin', 'model.json'] } },
        license: 'CC-BY-NC-4.0-like terms inherited from UTKFace: trained on UTKFace, which is available for non-commercial research purposes only',
        source: {
          path: `packages/models/heads-src/heads-${encoder}.{json,bin}`,
          sha256: { [`heads-${encoder}.json`]: sha256(metaBytes), [`heads-${encoder}.bin`]: sha256(binBytes) },
          notes: 'reproduce with: npx tsx packages/models/train/extract-embeddings.ts && npx tsx packages/models/train/train-heads.ts',
        },
        extra: { settings: meta.settings, valMetrics: meta.valMetrics },
      },
      files,
    );
  };
}
