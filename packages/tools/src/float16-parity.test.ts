import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { faceAttributes } from '@faceattr/attributes';
import { onnxBackend } from '@faceattr/backend-onnx';
import { tfjsBackend } from '@faceattr/backend-tfjs';
import { createPipeline, type FaceResult, type InferenceBackend, type RgbImage } from '@faceattr/core';
import { decodeImage } from '@faceattr/core/node';
import { mtcnn } from '@faceattr/detector-mtcnn';
import { assetPackageModels, assetsDir, demoPhoto } from '@faceattr/test-support';
import { ASSET_PACKAGES, FLOAT16_ASSETS } from './asset-packages.js';

/** The published folder of `name` for one artifact kind (the default or the extra package). */
function published(name: string, kind: 'onnx' | 'tfjs-graph'): string | undefined {
  return ASSET_PACKAGES.filter((p) => p.artifact === kind)
    .map((p) => join(assetPackageModels(p.folder), name))
    .find((d) => existsSync(join(d, 'manifest.json')));
}

const photos: RgbImage[] = [];
async function demoPhotos(): Promise<RgbImage[]> {
  if (photos.length === 0) for (let n = 1; n <= 6; n++) photos.push(await decodeImage(demoPhoto(n)));
  return photos;
}

/** Every face of the six demo photos: MTCNN and the heads from the full float32 build; the encoder from `encoderDir`. */
async function run(backend: InferenceBackend, encoder: string, encoderDir: string | undefined): Promise<FaceResult[]> {
  const pipeline = await createPipeline({
    backend,
    detector: mtcnn(),
    attributeModel: faceAttributes({ encoder }),
    attributes: ['age', 'gender', 'race'],
    returnEmbedding: true,
    modelBasePath: assetsDir(),
    ...(encoderDir ? { models: { [encoder]: encoderDir } } : {}),
  });
  try {
    const faces: FaceResult[] = [];
    for (const image of await demoPhotos()) faces.push(...(await pipeline.detect(image)));
    return faces;
  } finally {
    await pipeline.dispose();
  }
}

const norm = (v: Float32Array) => Math.hypot(...v);
const relError = (a: Float32Array, b: Float32Array) => norm(a.map((x, i) => x - b[i]!)) / norm(b);
const measured: Record<string, unknown> = {};
afterAll(() => console.log(`[float16 parity] ${JSON.stringify(measured)}`));

// The published encoders store their weights as float16 (asset-packages.ts); the repository's full build keeps
// float32. Same detector, same crops: only the encoder's weights differ.
/** How far the float16 run is from the float32 one, face by face (same detector, same crops: only the encoder's weights differ). */
function compare(float16: FaceResult[], float32: FaceResult[]) {
  expect(float32.length).toBeGreaterThanOrEqual(20);
  expect(float16.map((f) => f.box)).toEqual(float32.map((f) => f.box));
  const max = (d: (a: FaceResult, b: FaceResult) => number) => Math.max(...float16.map((f, i) => d(f, float32[i]!)));
  // Labels, not rounded ages: an age near x.5 may round either way within maxAgeYears (checked below).
  const answers = (faces: FaceResult[]) => faces.map((f) => [f.gender!.label, f.race!.label]);
  return {
    faces: float32.length,
    maxEmbeddingRelError: max((a, b) => relError(a.embedding!, b.embedding!)),
    maxAgeYears: max((a, b) => Math.abs(a.age!.years - b.age!.years)),
    maxFemaleProbability: max((a, b) => Math.abs(a.gender!.femaleProbability - b.gender!.femaleProbability)),
    maxRaceProbability: max((a, b) => Math.abs(a.race!.probability - b.race!.probability)),
    sameAnswers: JSON.stringify(answers(float16)) === JSON.stringify(answers(float32)),
  };
}

// The published encoders store their weights as float16 (asset-packages.ts); the repository's full build keeps
// float32. The limits are about 3x the largest change measured on these photos (printed as "[float16 parity]").
describe.each(FLOAT16_ASSETS.filter((name) => published(name, 'onnx')))('%s published as float16', (encoder) => {
  it.each([
    ['onnx', () => onnxBackend(), 'onnx'],
    ['tfjs (wasm)', () => tfjsBackend({ runtime: 'wasm' }), 'tfjs-graph'],
  ] as const)('%s: embeddings within 2e-3 relative (L2) of float32; the same gender and race on the demo photos', async (label, backend, kind) => {
    const float32 = await run(backend(), encoder, undefined);
    const float16 = await run(backend(), encoder, published(encoder, kind));
    const d = compare(float16, float32);
    measured[`${encoder} ${label}`] = d;
    expect(d.maxEmbeddingRelError).toBeLessThan(2e-3);
    expect(d.maxAgeYears).toBeLessThan(0.1);
    expect(d.maxFemaleProbability).toBeLessThan(5e-3);
    expect(d.maxRaceProbability).toBeLessThan(5e-3);
    expect(d.sameAnswers).toBe(true);
  }, 300_000);
});
