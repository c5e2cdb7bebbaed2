/**
 * MTCNN benchmark on tfjs wasm: (1) speed on a 640x480 frame with 3 faces, against the frozen
 * pre-speed-work detector (bench/baseline/, its nets through GraphModel as then) run in the same process, frame by frame interleaved,
 * so the ratio survives a shared machine; (2) recall and precision on seeded synthetic scenes of
 * UTKFace val chips pasted on varied backgrounds. Writes packages/detector-mtcnn/bench/results.json.
 *
 *   npm run build -w @faceattr/models   # the mtcnn-* assets
 *   npx tsx --tsconfig tsconfig.json packages/detector-mtcnn/bench/bench.ts
 *
 * BENCH_RUNS (default 60) sets the frames per configuration; SYNTH_IMAGES the synthetic scenes.
 */
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RgbImage } from '@faceattr/core';
import { tfjsBackend } from '@faceattr/backend-tfjs';
import { mtcnn, type MtcnnDetector, type MtcnnTimings } from '../src/detector.js';
import type { MtcnnOptions } from '../src/options.js';
import { frame640, hasUtkface, pluginContext } from '../src/test-support.js';
import { mtcnn as baselineMtcnn } from './baseline/detector.js';
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

/** Current detector with `options` vs the baseline with `baselineOptions`, interleaved frame by frame. */
async function frameSpeed(backend: ReturnType<typeof tfjsBackend>, frame: RgbImage, options: MtcnnOptions, baselineOptions: MtcnnOptions) {
  const det: MtcnnDetector = mtcnn(options);
  const base = baselineMtcnn(baselineOptions);
  await det.load(pluginContext(backend));
  // The baseline runs its nets as it did then: through tfjs-converter's GraphModel.
  await base.load(pluginContext(baselineBackend));
  for (let i = 0; i < 3; i++) {
    await det.detect(frame);
    await base.detect(frame);
  } // warm-up
  const cur = { wall: [] as number[], cpu: [] as number[] };
  const old = { wall: [] as number[], cpu: [] as number[] };
  const split = {} as Record<SplitKey, number[]>;
  let faces = 0;
  let baselineFaces = 0;
  for (let i = 0; i < RUNS; i++) {
    // Alternate which goes first, so neither always runs right after a GC of the other.
    const order = i % 2 ? [0, 1] : [1, 0];
    for (const which of order) {
      if (which === 0) {
        const r = await timed(det, frame);
        cur.wall.push(r.wall);
        cur.cpu.push(r.cpu);
        faces = r.faces;
        for (const [k, v] of Object.entries(det.lastTimings.split) as [SplitKey, number][]) (split[k] ??= []).push(v);
      } else {
        const r = await timed(base, frame);
        old.wall.push(r.wall);
        old.cpu.push(r.cpu);
        baselineFaces = r.faces;
      }
    }
  }
  const result = {
    options: { minFaceSize: det.options.minFaceSize, scaleFactor: det.options.scaleFactor, thresholds: det.options.thresholds },
    baselineOptions: { minFaceSize: base.options.minFaceSize, scaleFactor: base.options.scaleFactor },
    faces,
    baselineFaces,
    runs: RUNS,
    medianWallMs: ms(median(cur.wall)),
    medianCpuMs: ms(median(cur.cpu)),
    minWallMs: ms(Math.min(...cur.wall)),
    medianSplitMs: Object.fromEntries(Object.entries(split).map(([k, v]) => [k, ms(median(v))])),
    counts: det.lastTimings.counts,
    baselineMedianWallMs: ms(median(old.wall)),
    baselineMedianCpuMs: ms(median(old.cpu)),
    baselineMinWallMs: ms(Math.min(...old.wall)),
    /** Baseline time / current time, medians (higher is better). */
    speedupWall: Number((median(old.wall) / median(cur.wall)).toFixed(2)),
    speedupCpu: Number((median(old.cpu) / median(cur.cpu)).toFixed(2)),
  };
  await det.dispose();
  await base.dispose();
  return result;
}

const backend = tfjsBackend({ runtime: 'wasm' });
await backend.init();
const baselineBackend = tfjsBackend({ runtime: 'wasm', executor: 'graph-model' });
await baselineBackend.init();
const load0 = loadavg()[0]!;
const frame = await frame640();
// The measurement: the current detector alone, default options, nothing else in the process.
const alone = await (async () => {
  const det = mtcnn();
  await det.load(pluginContext(backend));
  for (let i = 0; i < 5; i++) await det.detect(frame);
  const wall: number[] = [];
  const cpu: number[] = [];
  const split = {} as Record<SplitKey, number[]>;
  for (let i = 0; i < 2 * RUNS; i++) {
    const r = await timed(det, frame);
    wall.push(r.wall);
    cpu.push(r.cpu);
    for (const [k, v] of Object.entries(det.lastTimings.split) as [SplitKey, number][]) (split[k] ??= []).push(v);
  }
  const sorted = [...wall].sort((a, b) => a - b);
  const result = {
    runs: wall.length,
    faces: (await det.detect(frame)).length,
    medianWallMs: ms(median(wall)),
    medianCpuMs: ms(median(cpu)),
    minWallMs: ms(sorted[0]!),
    p90WallMs: ms(sorted[Math.floor(sorted.length * 0.9)]!),
    medianSplitMs: Object.fromEntries(Object.entries(split).map(([k, v]) => [k, ms(median(v))])),
    counts: det.lastTimings.counts,
  };
  await det.dispose();
  return result;
})();
console.log('defaults alone 640x480', JSON.stringify(alone));
const frameResults: Awaited<ReturnType<typeof frameSpeed>>[] = [];
// Defaults vs the baseline's defaults (minFaceSize 20 then); then like for like at 20, 40 and 80.
for (const [options, baselineOptions] of [
  [{}, {}],
  [{ minFaceSize: 20 }, { minFaceSize: 20 }],
  [{ minFaceSize: 40 }, { minFaceSize: 40 }],
  [{ minFaceSize: 80 }, { minFaceSize: 80 }],
] as [MtcnnOptions, MtcnnOptions][]) {
  const r = await frameSpeed(backend, frame, options, baselineOptions);
  console.log('frame 640x480', JSON.stringify(r));
  frameResults.push(r);
}

let synthetic: unknown = { skipped: 'UTKFace (/work/shared/datasets/utkface) is not present' };
if (hasUtkface()) {
  const det = mtcnn();
  await det.load(pluginContext(backend));
  synthetic = await runSynthetic(det);
  console.log('synthetic', JSON.stringify(synthetic, (k, v) => (k === 'misses' || k === 'falsePositives' ? undefined : v)));
  await det.dispose();
}
await backend.dispose();
await baselineBackend.dispose();

const results = {
  command: 'npx tsx --tsconfig tsconfig.json packages/detector-mtcnn/bench/bench.ts',
  date: new Date().toISOString(),
  backend: 'tfjs-wasm (SIMD, 1 thread)',
  machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, node: process.version, loadAverageAtStart: Number(load0.toFixed(2)), loadAverageAtEnd: Number(loadavg()[0]!.toFixed(2)) },
  /** Current detector alone, default options (the target: median <= 40 ms). */
  defaultsAlone640x480: alone,
  /** Current vs the frozen baseline, interleaved frame by frame (ratios). */
  frame640x480: frameResults,
  synthetic,
};
writeFileSync(join(here, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
console.log(`wrote ${join(here, 'results.json')}`);
