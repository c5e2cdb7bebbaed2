/**
 * MTCNN benchmark on tfjs wasm: (1) speed on a 640x480 frame with 3 faces, (2) recall and
 * precision on seeded synthetic scenes of UTKFace val chips pasted on varied backgrounds.
 * Writes packages/detector-mtcnn/bench/results.json.
 *
 *   npm run build -w @faceattr/models   # the mtcnn-* assets
 *   npx tsx --tsconfig tsconfig.json packages/detector-mtcnn/bench/bench.ts
 */
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tfjsBackend } from '@faceattr/backend-tfjs';
import { mtcnn, type MtcnnDetector } from '../src/detector.js';
import { frame640, hasUtkface, pluginContext } from '../src/test-support.js';
import { runSynthetic } from './synthetic.js';

const RUNS = 30;
const here = dirname(fileURLToPath(import.meta.url));

const median = (v: number[]): number => {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const ms = (v: number): number => Number(v.toFixed(1));

async function frameSpeed(det: MtcnnDetector) {
  const frame = await frame640();
  let faces = 0;
  for (let i = 0; i < 3; i++) faces = (await det.detect(frame)).length; // warm-up
  const t = { pnet: [] as number[], rnet: [] as number[], onet: [] as number[], total: [] as number[] };
  const cpu: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const c0 = process.cpuUsage();
    await det.detect(frame);
    const c = process.cpuUsage(c0);
    // tfjs wasm computes on this thread: process CPU time is the compute cost without the waits
    // a shared machine adds to wall time.
    cpu.push((c.user + c.system) / 1000);
    for (const k of ['pnet', 'rnet', 'onet', 'total'] as const) t[k].push(det.lastTimings[k]);
  }
  return {
    options: { minFaceSize: det.options.minFaceSize, scaleFactor: det.options.scaleFactor, thresholds: det.options.thresholds },
    faces,
    runs: RUNS,
    medianMs: { total: ms(median(t.total)), pnet: ms(median(t.pnet)), rnet: ms(median(t.rnet)), onet: ms(median(t.onet)) },
    medianCpuMs: ms(median(cpu)),
    minTotalMs: ms(Math.min(...t.total)),
  };
}

const backend = tfjsBackend({ runtime: 'wasm' });
await backend.init();
const load0 = loadavg()[0]!;
const frame: Awaited<ReturnType<typeof frameSpeed>>[] = [];
for (const options of [{}, { minFaceSize: 40 }, { minFaceSize: 80 }]) {
  const det = mtcnn(options);
  await det.load(pluginContext(backend));
  const r = await frameSpeed(det);
  console.log('frame 640x480', JSON.stringify(r));
  frame.push(r);
  await det.dispose();
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

const results = {
  command: 'npx tsx --tsconfig tsconfig.json packages/detector-mtcnn/bench/bench.ts',
  date: new Date().toISOString(),
  backend: 'tfjs-wasm (SIMD, 1 thread)',
  machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, node: process.version, loadAverageAtStart: Number(load0.toFixed(2)), loadAverageAtEnd: Number(loadavg()[0]!.toFixed(2)) },
  frame640x480: frame,
  synthetic,
};
writeFileSync(join(here, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
console.log(`wrote ${join(here, 'results.json')}`);
