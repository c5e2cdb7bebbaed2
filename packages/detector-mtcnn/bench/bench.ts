/**
 * MTCNN benchmark on tfjs wasm: (1) speed on a 640x480 frame with 3 faces, default options and
 * minFaceSize 20, 40 and 80, with each stage's share; (2) recall and precision on seeded synthetic
 * scenes of UTKFace val chips pasted on varied backgrounds. Writes packages/detector-mtcnn/bench/results.json.
 *
 *   npm run build   # the mtcnn-* assets in packages/assets/models
 *   npx tsx --conditions=@faceattr/source packages/detector-mtcnn/bench/bench.ts
 *
 * BENCH_RUNS (default 60) sets the frames per configuration; SYNTH_IMAGES the synthetic scenes.
 */
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createModelContext, type RgbImage } from '@faceattr/core';
import { tfjsBackend } from '@faceattr/backend-tfjs';
import { hasUtkface, UTKFACE_DIR } from '@faceattr/test-support';
import { mtcnn } from '../src/detector.js';
import { recordTimings, type MtcnnTimings } from '../src/instrument.js';
import type { MtcnnOptions } from '../src/options.js';
import { frame640 } from '../test/support.js';
import { runSynthetic } from './synthetic.js';

const RUNS = Number(process.env['BENCH_RUNS'] ?? 60);
const here = dirname(fileURLToPath(import.meta.url));

const median = (v: number[]): number => {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const ms = (v: number): number => Number(v.toFixed(1));

/** Wall and process-CPU ms of one detection. tfjs wasm computes on this thread, so CPU time is the compute cost without the waits a shared machine adds. */
async function timed(det: { detect(image: RgbImage): Promise<unknown[]> }, frame: RgbImage): Promise<{ wall: number; cpu: number; faces: number }> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const faces = (await det.detect(frame)).length;
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { wall, cpu: (c.user + c.system) / 1000, faces };
}

type SplitKey = keyof MtcnnTimings['split'];

/** The detector with `options` on `frame`: `runs` timed calls after 5 warm-up ones. */
async function frameSpeed(backend: ReturnType<typeof tfjsBackend>, frame: RgbImage, options: MtcnnOptions, runs: number) {
  const det = mtcnn(options);
  await det.load(createModelContext(backend));
  const timings = recordTimings(det);
  for (let i = 0; i < 5; i++) await det.detect(frame);
  const wall: number[] = [];
  const cpu: number[] = [];
  const split = {} as Record<SplitKey, number[]>;
  let faces = 0;
  for (let i = 0; i < runs; i++) {
    const r = await timed(det, frame);
    wall.push(r.wall);
    cpu.push(r.cpu);
    faces = r.faces;
    for (const [k, v] of Object.entries(timings.last().split) as [SplitKey, number][]) (split[k] ??= []).push(v);
  }
  const sorted = [...wall].sort((a, b) => a - b);
  const result = {
    options: { minFaceSize: det.options.minFaceSize, scaleFactor: det.options.scaleFactor, thresholds: det.options.thresholds },
    runs,
    faces,
    medianWallMs: ms(median(wall)),
    medianCpuMs: ms(median(cpu)),
    minWallMs: ms(sorted[0]!),
    p90WallMs: ms(sorted[Math.floor(sorted.length * 0.9)]!),
    medianSplitMs: Object.fromEntries(Object.entries(split).map(([k, v]) => [k, ms(median(v))])),
    counts: timings.last().counts,
  };
  await det.dispose();
  return result;
}

const backend = tfjsBackend({ runtime: 'wasm' });
await backend.init();
const load0 = loadavg()[0]!;
const frame = await frame640();
// The measurement: default options, nothing else in the process.
const alone = await frameSpeed(backend, frame, {}, 2 * RUNS);
console.log('defaults 640x480', JSON.stringify(alone));
const frameResults: Awaited<ReturnType<typeof frameSpeed>>[] = [];
for (const minFaceSize of [20, 40, 80]) {
  const r = await frameSpeed(backend, frame, { minFaceSize }, RUNS);
  console.log('frame 640x480', JSON.stringify(r));
  frameResults.push(r);
}

let synthetic: unknown = { skipped: `UTKFace (labels.csv + images/) is not in ${UTKFACE_DIR}` };
if (hasUtkface()) {
  const det = mtcnn();
  await det.load(createModelContext(backend));
  synthetic = await runSynthetic(det);
  console.log('synthetic', JSON.stringify(synthetic, (k, v) => (k === 'misses' || k === 'falsePositives' ? undefined : v)));
  await det.dispose();
} else console.warn(`Skipping the synthetic scenes: UTKFace (labels.csv + images/) is not in ${UTKFACE_DIR}.`);
await backend.dispose();

const results = {
  command: 'npx tsx --conditions=@faceattr/source packages/detector-mtcnn/bench/bench.ts',
  date: new Date().toISOString(),
  backend: 'tfjs-wasm (SIMD, 1 thread)',
  machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, node: process.version, loadAverageAtStart: Number(load0.toFixed(2)), loadAverageAtEnd: Number(loadavg()[0]!.toFixed(2)) },
  /** Default options (the target: median <= 40 ms). */
  defaultsAlone640x480: alone,
  /** By minFaceSize. */
  frame640x480: frameResults,
  synthetic,
};
writeFileSync(join(here, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
console.log(`wrote ${join(here, 'results.json')}`);
