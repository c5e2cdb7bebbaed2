/**
 * Per-face attribute latency (align + encode + heads) for each encoder, on tfjs wasm and
 * onnxruntime-node cpu, in one process, interleaved run by run, on real faces from the demo photos.
 *
 *   npm run bench -w @faceattr/eval
 *
 * Writes packages/eval/bench/results.json.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createPipeline, type FaceAttributePipeline, type Landmarks5, type RgbImage } from '@faceattr/core';
import { decodeImage } from '@faceattr/core/node';
import { tfjsBackend } from '@faceattr/backend-tfjs';
import { onnxBackend } from '@faceattr/backend-onnx';
import { mtcnn } from '@faceattr/detector-mtcnn';
import { faceAttributes, type FaceAttributes } from '@faceattr/attributes';
import { assetsDir, demoPhoto } from '@faceattr/test-support';

const RUNS = 30;
const WARMUP = 3;

const image = await decodeImage(demoPhoto(1));
const finder = await createPipeline({ backend: onnxBackend(), detector: mtcnn(), attributeModel: null, attributes: [] });
const face: Landmarks5 = (await finder.detect(image))[0]!.landmarks;
await finder.dispose();

interface Runner {
  label: string;
  encoder: string;
  backend: string;
  pipeline: FaceAttributePipeline;
  attrs: FaceAttributes;
  ms: number[];
}
const runners: Runner[] = [];
for (const encoder of ['dlib-resnet-128', 'dlib-resnet-128-utk', 'faceres-1024']) {
  if (!existsSync(join(assetsDir(), `heads-${encoder}`, 'manifest.json'))) {
    console.log(`skip ${encoder}: no trained heads asset`);
    continue;
  }
  for (const backend of ['tfjs-wasm', 'onnx-cpu'] as const) {
    const attrs = faceAttributes({ encoder });
    const pipeline = await createPipeline({ backend: backend === 'onnx-cpu' ? onnxBackend() : tfjsBackend({ runtime: 'wasm' }), detector: mtcnn(), attributeModel: attrs });
    runners.push({ label: `${encoder} on ${backend}`, encoder, backend, pipeline, attrs, ms: [] });
  }
}
const request = { attributes: ['age', 'gender', 'race'] as const, embedding: false };
for (let i = 0; i < WARMUP + RUNS; i++) {
  for (const r of runners) {
    const t0 = performance.now();
    await r.attrs.predict(image as RgbImage, [face], { ...request, attributes: [...request.attributes] });
    if (i >= WARMUP) r.ms.push(performance.now() - t0);
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const rows = runners.map((r) => ({ encoder: r.encoder, backend: r.backend, median_ms_per_face: Math.round(median(r.ms) * 10) / 10, runs: RUNS }));
for (const r of runners) await r.pipeline.dispose();
const result = { date: new Date().toISOString(), node: process.version, note: 'align + encode + heads for one face, backends interleaved in one process', rows };
writeFileSync(join(import.meta.dirname, 'results.json'), `${JSON.stringify(result, null, 2)}\n`);
console.log('| encoder | backend | median ms / face |\n|---|---|---:|');
for (const r of rows) console.log(`| ${r.encoder} | ${r.backend} | ${r.median_ms_per_face} |`);
