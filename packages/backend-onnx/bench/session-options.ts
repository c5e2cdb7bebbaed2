/**
 * Why `onnxBackend()` in Node sets its session options as it does: raw onnxruntime-node sessions of the
 * pipeline's nets (MTCNN P-Net over a 1280x720 frame's nine pyramid levels, R-Net on 94 crops, O-Net on 7,
 * the default encoder on 5 faces), run one after another as a pipeline runs them, under four settings,
 * the sleeping ones interleaved round by round (the spinning one alone, after them): onnxruntime's defaults; 1 thread; 2 threads with spinning idle threads
 * (onnxruntime's default for a pool); 2 threads that sleep; 2 sleeping threads without the per-shape memory
 * plan (`enableMemPattern: false`, what `onnxBackend()` uses). Inputs are random: time does not depend on values.
 *
 *   npm run bench -- session-options       (env BENCH_RUNS: rounds, default 25)
 *
 * Writes packages/backend-onnx/bench/session-options-results.json.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { builtAsset, rng } from '@faceattr/test-support';

const RUNS = Number(process.env['BENCH_RUNS'] ?? 25);
const threads = Math.max(2, availableParallelism());
const sleep = { session: { intra_op: { allow_spinning: '0' } } };
const settings: Record<string, ort.InferenceSession.SessionOptions> = {
  'onnxruntime defaults': {},
  '1 thread': { intraOpNumThreads: 1 },
  [`${threads} threads, spinning`]: { intraOpNumThreads: threads },
  [`${threads} threads, sleeping`]: { intraOpNumThreads: threads, extra: sleep },
  [`${threads} threads, sleeping, no memory pattern (onnxBackend())`]: { intraOpNumThreads: threads, extra: sleep, enableMemPattern: false },
};

const random = rng(1);
const tensor = (dims: number[]) => new ort.Tensor('float32', Float32Array.from({ length: dims.reduce((a, b) => a * b) }, () => random() * 2 - 1), dims);
// P-Net takes its levels width-first ([1, W, H, 3]): 1280x720 at minFaceSize 40 (scale 0.3, factor 0.709).
const levels: ort.Tensor[] = [];
for (let s = 0.3, i = 0; i < 9; i++, s *= 0.709) levels.push(tensor([1, Math.ceil(1280 * s), Math.ceil(720 * s), 3]));
const work: [string, ort.Tensor[]][] = [
  ['mtcnn-pnet', levels],
  ['mtcnn-rnet', [tensor([94, 24, 24, 3])]],
  ['mtcnn-onet', [tensor([7, 48, 48, 3])]],
  ['dlib-resnet-128-utk', [tensor([5, 150, 150, 3])]],
];
const model = (name: string) => readFileSync(join(builtAsset(name), 'model.onnx'));

// Spinning pools keep a core busy after their runs, which would slow whichever setting runs next: the
// sleeping settings are interleaved round by round, the spinning one runs alone after them.
const ms: Record<string, Record<string, number[]>> = Object.fromEntries(Object.keys(settings).map((l) => [l, Object.fromEntries([...work.map(([n]) => [n, []]), ['all', []]])]));
async function measure(labels: string[]): Promise<void> {
  const sessions: Record<string, Record<string, ort.InferenceSession>> = {};
  for (const label of labels) {
    sessions[label] = {};
    for (const [name] of work) sessions[label]![name] = await ort.InferenceSession.create(model(name), settings[label]!);
  }
  for (let round = 0; round < RUNS + 2; round++) {
    for (const label of labels) {
      const t0 = performance.now();
      for (const [name, inputs] of work) {
        const t = performance.now();
        for (const input of inputs) await sessions[label]![name]!.run({ [sessions[label]![name]!.inputNames[0]!]: input });
        if (round >= 2) ms[label]![name]!.push(performance.now() - t);
      }
      if (round >= 2) ms[label]!['all']!.push(performance.now() - t0);
    }
  }
}
const spinning = `${threads} threads, spinning`;
await measure(Object.keys(settings).filter((l) => l !== spinning));
await measure([spinning]);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const round2 = (v: number) => Math.round(v * 100) / 100;
const base = median(ms['1 thread']!['all']!);
const rows = Object.entries(ms).map(([setting, m]) => ({
  setting,
  ...Object.fromEntries(Object.entries(m).map(([n, xs]) => [`${n} ms`, round2(median(xs))])),
  'speedup vs 1 thread': round2(base / median(m['all']!)),
}));
console.table(rows);
writeFileSync(
  join(import.meta.dirname, 'session-options-results.json'),
  `${JSON.stringify({ date: new Date().toISOString(), node: process.version, onnxruntime: ort.env.versions.node, cpus: availableParallelism(), runs: RUNS, loadavg: loadavg().map(round2), rows }, null, 2)}\n`,
);
