/**
 * Per-model latency: onnxruntime-node cpu (default threads and 1 thread), onnxruntime-web wasm
 * and tfjs wasm, in one process, on the same real-photo inputs, runs interleaved so load changes
 * on the machine hit every backend alike. Writes bench/results.json and the backend-latency
 * section of docs/benchmarks.md.
 *
 *   npx tsx --conditions=@faceattr/source packages/backend-onnx/bench/backend-latency.ts [--runs 30]
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { loadModelAsset, type InferenceBackend, type ModelHandle } from '@faceattr/core';
import { tfjsBackend } from '../../backend-tfjs/src/index.js';
import { onnxBackend } from '../src/index.js';
import { onnxBackend as onnxWebBackend } from '../src/index.web.js';
import { REPO_ROOT } from '@faceattr/test-support';
import { photoFeeds, tfjsGraphAssets } from '../test/support.js';

const COMMAND = 'npx tsx --conditions=@faceattr/source packages/backend-onnx/bench/backend-latency.ts';
const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 30;
const WARMUP = 5;

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const round = (x: number) => Math.round(x * 100) / 100;

// Other work on a shared machine skews absolute times (less so the interleaved ratios): record the load.
const loadBefore = loadavg()[0]!;
const backends: Record<string, InferenceBackend> = {
  'tfjs-wasm': tfjsBackend({ runtime: 'wasm' }),
  'onnx-cpu': onnxBackend(),
  'onnx-cpu 1 thread': onnxBackend({ intraOpNumThreads: 1 }),
  'onnx-wasm (web, in Node)': onnxWebBackend(),
};
for (const b of Object.values(backends)) await b.init();

interface ModelResult {
  inputs: Record<string, number[]>;
  medianMs: Record<string, number>;
  /** tfjs-wasm median / onnx-cpu median: how many times faster ONNX Runtime is. */
  speedupOnnxCpuVsTfjsWasm: number;
}
const results: Record<string, ModelResult> = {};

for (const { dir, manifest } of tfjsGraphAssets()) {
  if (!manifest.artifacts.onnx) throw new Error(`${manifest.name} has no onnx artifact: run \`npm run build\` first.`);
  const feeds = await photoFeeds(manifest);
  const models: Record<string, ModelHandle> = {};
  for (const [name, b] of Object.entries(backends)) models[name] = await b.loadModel(await loadModelAsset(dir, b.artifact));
  const times: Record<string, number[]> = Object.fromEntries(Object.keys(models).map((k) => [k, []]));
  for (let i = 0; i < WARMUP + RUNS; i++) {
    for (const [name, m] of Object.entries(models)) {
      const t0 = performance.now();
      await m.run(feeds);
      const dt = performance.now() - t0;
      if (i >= WARMUP) times[name]!.push(dt);
    }
  }
  for (const m of Object.values(models)) await m.release();
  const medianMs = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, round(median(v))]));
  results[manifest.name] = {
    inputs: Object.fromEntries(Object.entries(feeds).map(([k, v]) => [k, [...v.shape]])),
    medianMs,
    speedupOnnxCpuVsTfjsWasm: round(median(times['tfjs-wasm']!) / median(times['onnx-cpu']!)),
  };
  console.log(manifest.name, JSON.stringify(results[manifest.name]));
}
for (const b of Object.values(backends)) await b.dispose();

const env = {
  date: new Date().toISOString(),
  node: process.version,
  cpu: cpus()[0]?.model ?? 'unknown',
  cores: availableParallelism(),
  runs: RUNS,
  warmup: WARMUP,
  loadAverage1m: { before: round(loadBefore), after: round(loadavg()[0]!) },
};
writeFileSync(join(import.meta.dirname, 'results.json'), `${JSON.stringify({ command: COMMAND, ...env, models: results }, null, 2)}\n`);

// The table goes between markers so other sections of docs/benchmarks.md stay as they are.
const names = Object.keys(backends);
const table = [
  `| model | input | ${names.map((n) => `${n} ms`).join(' | ')} | tfjs-wasm / onnx-cpu |`,
  `|---|---|${names.map(() => '---:').join('|')}|---:|`,
  ...Object.entries(results).map(
    ([m, r]) => `| ${m} | ${Object.values(r.inputs).map((s) => s.join('x')).join(', ')} | ${names.map((n) => r.medianMs[n]!.toFixed(2)).join(' | ')} | ${r.speedupOnnxCpuVsTfjsWasm.toFixed(2)}x |`,
  ),
].join('\n');
const section = `<!-- backend-latency:start -->
## Backend latency per model (ONNX Runtime vs tfjs)

Median milliseconds per \`ModelHandle.run\` (input upload, inference and output copy), ${RUNS} runs after ${WARMUP} warm-up runs,
backends interleaved run by run in one process on the same real-photo inputs (free dims: batch 2, 48x64 images).
${env.cpu}, ${env.cores} cores shared with other work (1-minute load average ${env.loadAverage1m.before} before, ${env.loadAverage1m.after} after), Node ${env.node}, ${env.date.slice(0, 10)}.
tfjs wasm runs single-threaded in Node; \`onnx-cpu\` uses onnxruntime-node's default thread pool, \`onnx-cpu 1 thread\` sets \`intraOpNumThreads: 1\`.

Command: \`${COMMAND}\` (raw numbers: \`packages/backend-onnx/bench/results.json\`).

${table}

Not measured yet: end-to-end pipeline parity and per-face / per-frame latency on ONNX, which need the attribute model.
<!-- backend-latency:end -->`;
const docs = join(REPO_ROOT, 'docs', 'benchmarks.md');
const current = existsSync(docs) ? readFileSync(docs, 'utf8') : '# Benchmarks\n';
const re = /<!-- backend-latency:start -->[\s\S]*<!-- backend-latency:end -->/;
writeFileSync(docs, re.test(current) ? current.replace(re, section) : `${current.trimEnd()}\n\n${section}\n`);
console.log(`wrote bench/results.json and ${docs}`);
