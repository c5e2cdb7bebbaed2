/**
 * Haar 'confirmed' mode (the default: cascade tuned for recall, then MTCNN's O-Net) against today's
 * code, the 'exact' mode at OpenCV's defaults, measured in the same process: face-api's six demo
 * photos fitted into 640x480 and 1280x720 (22 hand-checked faces), through createPipeline on
 * onnxruntime-node. Per size: faces found (IoU >= 0.5, one box per face), extra boxes, median ms per
 * frame (wall and process CPU, the two modes interleaved frame by frame, order alternating), the
 * confirmed mode's split (cascade searches / O-Net), and how far each mode's five landmarks are
 * from the mtcnn detector's on the same faces (in inter-ocular distances; exact mode's are
 * estimated from the box).
 *
 *   npx tsx --conditions=@faceattr/source packages/detector-haar/bench/confirmed-bench.ts [--runs 5]
 *
 * Writes packages/detector-haar/bench/confirmed-results.json.
 */
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { createModelContext, createPipeline, iou, type FaceResult, type Landmarks5 } from '@faceattr/core';
import { onnxBackend } from '@faceattr/backend-onnx';
import { loadOnetStage, mtcnn } from '@faceattr/detector-mtcnn';
import { haarCandidates } from '../src/confirm.js';
import { decodeCascade, haar, HAAR_MODEL_NAME } from '../src/index.js';
import { demoFrames, matchFaces } from '../test/support.js';

const arg = (name: string, def: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const RUNS = arg('runs', 5);
const SIZES = [
  [640, 480],
  [1280, 720],
] as const;

const median = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const round = (v: number, d = 2) => Math.round(v * 10 ** d) / 10 ** d;
const POINTS = ['leftEye', 'rightEye', 'nose', 'mouthLeft', 'mouthRight'] as const;
/** Mean distance of five points to a reference's, over the reference's inter-ocular distance. */
const landmarkError = (a: Landmarks5, ref: Landmarks5) => {
  const iod = Math.hypot(ref.leftEye.x - ref.rightEye.x, ref.leftEye.y - ref.rightEye.y);
  return POINTS.reduce((s, k) => s + Math.hypot(a[k].x - ref[k].x, a[k].y - ref[k].y), 0) / 5 / iod;
};
const time = async (fn: () => Promise<FaceResult[]>) => {
  const c = process.cpuUsage();
  const t = performance.now();
  const faces = await fn();
  const wall = performance.now() - t;
  const cpu = process.cpuUsage(c);
  return { wall, cpu: (cpu.user + cpu.system) / 1000, faces };
};

const modes = {
  exact: await createPipeline({ backend: onnxBackend(), detector: haar({ mode: 'exact' }), attributeModel: null, attributes: [] }),
  confirmed: await createPipeline({ backend: onnxBackend(), detector: haar(), attributeModel: null, attributes: [] }),
};
const reference = await createPipeline({ backend: onnxBackend(), detector: mtcnn(), attributeModel: null, attributes: [] });
// The confirmed mode's two parts on their own, for the split (same cascade, same O-Net).
const splitBackend = onnxBackend();
await splitBackend.init();
const ctx = createModelContext(splitBackend);
const cascadeAsset = await ctx.loadAsset(HAAR_MODEL_NAME, 'data');
const cascade = decodeCascade(cascadeAsset.files.get(cascadeAsset.manifest.artifacts.data!.entry)!);
const onet = await loadOnetStage(ctx);

type Mode = keyof typeof modes;
const rows: Record<string, unknown>[] = [];
for (const [w, h] of SIZES) {
  const frames = await demoFrames(w, h);
  const wall: Record<Mode, number[]> = { exact: [], confirmed: [] };
  const cpu: Record<Mode, number[]> = { exact: [], confirmed: [] };
  const split = { candidates: [] as number[], onet: [] as number[], candidateCount: 0 };
  const last: Record<Mode, FaceResult[][]> = { exact: [], confirmed: [] };
  for (const f of frames) for (const m of ['exact', 'confirmed'] as const) await modes[m].detect(f.image); // warm-up
  for (let r = 0; r < RUNS; r++) {
    for (const [i, f] of frames.entries()) {
      const order: Mode[] = (r + i) % 2 ? ['confirmed', 'exact'] : ['exact', 'confirmed'];
      for (const m of order) {
        const t = await time(() => modes[m].detect(f.image, { minScore: 0 }));
        wall[m].push(t.wall);
        cpu[m].push(t.cpu);
        last[m][i] = t.faces;
      }
      const t0 = performance.now();
      const cands = haarCandidates(cascade, f.image, { minNeighbors: 1 });
      const t1 = performance.now();
      await onet.run(f.image, cands);
      split.candidates.push(t1 - t0);
      split.onet.push(performance.now() - t1);
      if (r === 0) split.candidateCount += cands.length;
    }
  }
  const refFaces = await Promise.all(frames.map((f) => reference.detect(f.image, { minScore: 0 })));
  const accuracy = (m: Mode) => {
    let found = 0;
    let extra = 0;
    const errors: number[] = [];
    frames.forEach((f, i) => {
      const faces = last[m][i]!;
      const match = matchFaces(f.faces, faces.map((x) => x.box));
      found += match.found;
      extra += match.extra;
      // Landmarks against mtcnn's on faces both found (the same true face, IoU >= 0.5 to it).
      for (const truth of f.faces) {
        const ours = faces.find((x) => iou(x.box, truth) >= 0.5);
        const ref = refFaces[i]!.find((x) => iou(x.box, truth) >= 0.5);
        if (ours && ref) errors.push(landmarkError(ours.landmarks, ref.landmarks));
      }
    });
    return { found, extra, landmarkFaces: errors.length, landmarkErrorVsMtcnnIod: round(errors.reduce((a, b) => a + b, 0) / Math.max(1, errors.length), 4) };
  };
  const exact = { ...accuracy('exact'), medianMs: round(median(wall.exact), 1), medianCpuMs: round(median(cpu.exact), 1) };
  const confirmed = { ...accuracy('confirmed'), medianMs: round(median(wall.confirmed), 1), medianCpuMs: round(median(cpu.confirmed), 1) };
  const row = {
    size: `${w}x${h} (fitted)`,
    frames: frames.map((f) => `${f.file} ${f.image.width}x${f.image.height}`),
    faces: frames.reduce((n, f) => n + f.faces.length, 0),
    exact,
    confirmed,
    confirmedSplit: { candidatesPerFrame: round(split.candidateCount / frames.length, 1), cascadeMedianMs: round(median(split.candidates), 1), onetMedianMs: round(median(split.onet), 1) },
    ratios: {
      found: round(confirmed.found / exact.found),
      extra: `${confirmed.extra} vs ${exact.extra}`,
      time: round(confirmed.medianMs / exact.medianMs),
      cpuTime: round(confirmed.medianCpuMs / exact.medianCpuMs),
      landmarkError: round(confirmed.landmarkErrorVsMtcnnIod / exact.landmarkErrorVsMtcnnIod),
    },
    targets: { found: '>= 21', extra: '<= 1', met: confirmed.found >= 21 && confirmed.extra <= 1 },
  };
  rows.push(row);
  console.log(JSON.stringify(row, null, 2));
}

for (const p of [...Object.values(modes), reference]) await p.dispose();
await onet.release();
await splitBackend.dispose();

const results = {
  command: 'npx tsx --conditions=@faceattr/source packages/detector-haar/bench/confirmed-bench.ts',
  date: new Date().toISOString(),
  machine: { node: process.version, cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, loadAverage1m: round(loadavg()[0] ?? 0) },
  backend: 'onnxruntime-node (onnxBackend(), defaults)',
  baseline: "haar({ mode: 'exact' }): today's code at today's defaults (OpenCV detectMultiScale, scaleFactor 1.1, minNeighbors 3)",
  runs: RUNS,
  matching: 'IoU >= 0.5 to the hand-checked boxes of @faceattr/test-support demoFaces(), one box per face, best pairs first; every other box is extra',
  rows,
};
writeFileSync(join(import.meta.dirname, 'confirmed-results.json'), `${JSON.stringify(results, null, 2)}\n`);
