/**
 * The two dlib encoders alone (no alignment, no heads), on onnxruntime-node, as published
 * (float16 storage behind a Cast), on the same aligned demo face, in alternating order, one thread each.
 * They share one graph; this separates the encoder's cost from the rest of attribute-latency.ts's rows.
 *
 *   npm run bench -- encoder-ab
 *
 * Writes packages/eval/bench/encoder-ab-results.json.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { createPipeline, type Landmarks5 } from '@faceattr/core';
import { decodeImage } from '@faceattr/core/node';
import { onnxBackend } from '@faceattr/backend-onnx';
import { mtcnn } from '@faceattr/detector-mtcnn';
import { faceAttributes } from '@faceattr/attributes';
import { assetPackageModels, demoPhoto } from '@faceattr/test-support';

const RUNS = 200;
const WARMUP = 10;
const encoders = ['dlib-resnet-128', 'dlib-resnet-128-utk'];
const file = (name: string) => ['assets-onnx', 'assets-extra-onnx'].map((f) => join(assetPackageModels(f), name, 'model.onnx')).find(existsSync);

const image = await decodeImage(demoPhoto(1));
const finder = await createPipeline({ backend: onnxBackend(), detector: mtcnn(), attributeModel: null, attributes: [] });
const face: Landmarks5 = (await finder.detect(image))[0]!.landmarks;
await finder.dispose();
const crop = faceAttributes().alignBatch(image, [face]);

const sessions = new Map<string, ort.InferenceSession>();
for (const name of encoders) {
  const path = file(name);
  if (!path) throw new Error(`${name}: not built (npm run build)`);
  sessions.set(name, await ort.InferenceSession.create(path, { intraOpNumThreads: 1, interOpNumThreads: 1 }));
}
const ms = new Map(encoders.map((n) => [n, [] as number[]]));
for (let i = 0; i < WARMUP + RUNS; i++) {
  for (const name of i % 2 ? encoders : [...encoders].reverse()) {
    const s = sessions.get(name)!;
    const feeds = { [s.inputNames[0]!]: new ort.Tensor('float32', crop, [1, 150, 150, 3]) };
    const t0 = performance.now();
    const out = await s.run(feeds);
    if (i >= WARMUP) ms.get(name)!.push(performance.now() - t0);
    for (const t of Object.values(out)) t.dispose();
  }
}
for (const s of sessions.values()) await s.release();
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const rows = encoders.map((n) => ({ encoder: n, median_ms: Math.round(median(ms.get(n)!) * 100) / 100, runs: RUNS }));
const ratio = Math.round((rows[1]!.median_ms / rows[0]!.median_ms) * 1000) / 1000;
writeFileSync(join(import.meta.dirname, 'encoder-ab-results.json'), `${JSON.stringify({ date: new Date().toISOString(), note: 'encoder only, onnxruntime-node cpu, 1 thread, alternating order', rows, ratio_utk_over_dlib: ratio }, null, 2)}\n`);
console.log('| encoder | median ms |\n|---|---:|');
for (const r of rows) console.log(`| ${r.encoder} | ${r.median_ms} |`);
console.log(`ratio dlib-resnet-128-utk / dlib-resnet-128: ${ratio}`);
