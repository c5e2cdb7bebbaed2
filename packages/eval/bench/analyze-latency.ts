/**
 * Decode + analyze latency of one photo on onnxruntime-node (issue 14's target: a 1280x720 JPEG with 3-5
 * faces in at most 40 ms, median), the default settings against one thread per session (what onnxruntime-node
 * ran by default on this machine before `onnxBackend()` chose the thread count), interleaved run by run; then
 * where the default's time goes, stage by stage, and the face alignment's WebAssembly warp against core's JS
 * `warpToTensor` on the same faces.
 *
 *   npm run bench -- analyze-latency        (env BENCH_RUNS: runs per variant, default 25)
 *
 * Writes packages/eval/bench/analyze-latency-results.json.
 */
import { writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { createPipeline, estimateSimilarity, invertAffine, landmarksToArray, warpToTensor, type FaceAttributePipeline } from '@faceattr/core';
import { decodeImage } from '@faceattr/core/node';
import { onnxBackend } from '@faceattr/backend-onnx';
import { mtcnn } from '@faceattr/detector-mtcnn';
import { faceAttributes } from '@faceattr/attributes';
import { demoPhoto } from '@faceattr/test-support';

const RUNS = Number(process.env['BENCH_RUNS'] ?? 25);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const round = (v: number, d = 1) => Math.round(v * 10 ** d) / 10 ** d;

// A JPEG (quality 90, 4:2:0 like a phone's) of demo photo 4 filling 1280x720, top-aligned: 5 faces.
const photo = await sharp(demoPhoto(4)).resize(1280, 720, { fit: 'cover', position: 'top' }).jpeg({ quality: 90 }).toBuffer();
const results: Record<string, unknown> = { date: new Date().toISOString(), cpus: availableParallelism(), node: process.version, runs: RUNS, loadavg_start: loadavg().map((v) => round(v, 2)) };

const make = (backendOptions: Parameters<typeof onnxBackend>[0]) => {
  const attributeModel = faceAttributes();
  return { attributeModel, pipeline: createPipeline({ backend: onnxBackend(backendOptions), detector: mtcnn(), attributeModel }) };
};
const variants = { default: make({}), 'one thread per session (the old default here)': make({ intraOpNumThreads: 1 }) };
const pipelines: Record<string, FaceAttributePipeline> = {};
for (const [name, v] of Object.entries(variants)) pipelines[name] = await v.pipeline;

// 1. Decode + analyze, variants interleaved so that machine load hits them alike; the first run is warm-up.
const ms: Record<string, number[]> = Object.fromEntries(Object.keys(pipelines).map((k) => [k, []]));
let faces = 0;
for (let i = 0; i < RUNS + 1; i++) {
  for (const [name, p] of Object.entries(pipelines)) {
    const t0 = performance.now();
    const found = await p.detect(await decodeImage(photo));
    if (i > 0) ms[name]!.push(performance.now() - t0);
    faces = found.length;
  }
}
const base = median(ms['one thread per session (the old default here)']!);
const rows = Object.entries(ms).map(([variant, xs]) => ({ variant, faces, median_ms: round(median(xs)), p90_ms: round([...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.9)]!), speedup_vs_one_thread: round(base / median(xs), 2) }));
results.analyze = rows;
console.table(rows);

// 2. Where the default's time goes: decode, detection, alignment (WebAssembly, and core's JS warp on the same
// faces for comparison), encoder, heads.
const p = pipelines['default']!;
const attrs = variants.default.attributeModel;
const spec = attrs.spec;
const stages: Record<string, number[]> = { decode: [], detect: [], align: [], 'align (JS warp)': [], encode: [], heads: [] };
for (let i = 0; i < RUNS + 1; i++) {
  const lap = (() => {
    let t = performance.now();
    return (key: string) => {
      const n = performance.now();
      if (i > 0) stages[key]!.push(n - t);
      t = n;
    };
  })();
  const img = await decodeImage(photo);
  lap('decode');
  const found = await p.detect(img, { attributes: [] });
  lap('detect');
  const landmarks = found.map((f) => f.landmarks);
  const aligned = attrs.alignBatch(img, landmarks);
  lap('align');
  const js = new Float32Array(aligned.length);
  const stride = spec.size * spec.size * 3;
  landmarks.forEach((l, k) => warpToTensor(img, invertAffine(estimateSimilarity(landmarksToArray(l), spec.template)), spec.size, spec.size, { mean: spec.mean, std: spec.std }, js.subarray(k * stride, (k + 1) * stride)));
  lap('align (JS warp)');
  if (js.some((v, k) => v !== aligned[k])) throw new Error('the WebAssembly warp and the JS warp disagree');
  await attrs.encodeAligned(aligned, landmarks.length);
  lap('encode');
  const timings = { encodeMs: 0, headsMs: 0 };
  await attrs.predict(img, landmarks, { attributes: ['age', 'gender'], embedding: false, timings });
  if (i > 0) stages['heads']!.push(timings.headsMs);
}
const total = median(ms['default']!);
const stageRows = Object.entries(stages).map(([stage, xs]) => ({ stage, median_ms: round(median(xs)), share_of_default: stage.includes('JS') ? '' : `${Math.round((100 * median(xs)) / total)}%` }));
results.stages = stageRows;
results.align_wasm_speedup = round(median(stages['align (JS warp)']!) / median(stages['align']!), 2);
results.target = { median_ms: round(total), target_ms: 40, met: total <= 40 };
results.loadavg_end = loadavg().map((v) => round(v, 2));
console.table(stageRows);
console.log(`alignment: WebAssembly ${results.align_wasm_speedup}x the JS warp; default ${round(total)} ms (target 40 ms: ${total <= 40 ? 'met' : 'not met'}); load average ${loadavg().map((v) => v.toFixed(2)).join(' ')}`);
writeFileSync(join(import.meta.dirname, 'analyze-latency-results.json'), `${JSON.stringify(results, null, 2)}\n`);
for (const q of Object.values(pipelines)) await q.dispose();
