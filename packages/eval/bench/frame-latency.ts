/**
 * Per-frame MTCNN latency, onnxruntime-node cpu vs tfjs wasm, same process, same 640x480 frame
 * (face-api demo sample4 scaled down, 4 faces), backends interleaved frame by frame.
 *
 *   npm run bench -- frame-latency
 *
 * Writes packages/eval/bench/frame-results.json.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createPipeline, resizeImage } from '@faceattr/core';
import { decodeImage } from '@faceattr/core/node';
import { tfjsBackend } from '@faceattr/backend-tfjs';
import { mtcnn } from '@faceattr/detector-mtcnn';
import { onnxBackend } from '@faceattr/backend-onnx';
import { demoPhoto } from '@faceattr/test-support';

const RUNS = 15;
const src = await decodeImage(demoPhoto(4));
const frame = resizeImage(src, 640, 480);
const runners = [
  { backend: 'tfjs-wasm', pipeline: await createPipeline({ backend: tfjsBackend({ runtime: 'wasm' }), detector: mtcnn(), attributeModel: null, attributes: [] }), ms: [] as number[] },
  { backend: 'onnx-cpu', pipeline: await createPipeline({ backend: onnxBackend(), detector: mtcnn(), attributeModel: null, attributes: [] }), ms: [] as number[] },
];
let faces = 0;
for (let i = 0; i < RUNS + 2; i++) {
  for (const r of runners) {
    const t0 = performance.now();
    faces = (await r.pipeline.detect(frame)).length;
    if (i >= 2) r.ms.push(performance.now() - t0);
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const rows = runners.map((r) => ({ backend: r.backend, median_ms_per_frame: Math.round(median(r.ms) * 10) / 10 }));
for (const r of runners) await r.pipeline.dispose();
writeFileSync(join(import.meta.dirname, 'frame-results.json'), `${JSON.stringify({ date: new Date().toISOString(), frame: '640x480', faces, runs: RUNS, rows }, null, 2)}\n`);
console.log(`MTCNN, 640x480 frame, ${faces} faces, default options`);
for (const r of rows) console.log(`${r.backend}: ${r.median_ms_per_frame} ms/frame`);
