/**
 * MTCNN's five landmarks against an independent reference: MediaPipe FaceMesh (468 points), as
 * shipped in @vladmandic/human@3.3.6's models/facemesh.{json,bin} (used as data only). Asks how
 * much of the ~0.065 IOD residual to UTKFACE_TEMPLATE_200 (bench/landmarks.ts) is detector error
 * and how much is real faces differing from one fixed template.
 *
 * Chips: every k-th UTKFace row, 300 train + 300 val; MTCNN sees each 200x200 chip padded by 60 px
 * of gray, exactly as bench/landmarks.ts. All distances are in inter-ocular distances (IOD) of the
 * face's mesh eye centres. Writes bench/landmarks-reference.json.
 *
 *   npx tsx --conditions=@faceattr/source packages/detector-mtcnn/bench/landmarks-reference.ts
 */
import { execSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { alignmentError, arrayToLandmarks, createModelContext, type Point, type RgbImage } from '@faceattr/core';
import { tfjsBackend } from '@faceattr/backend-tfjs';
import { hasUtkface, REPO_ROOT, UTKFACE_DIR, utkfaceRows } from '@faceattr/test-support';
import { mtcnn } from '../src/detector.js';
import { UTKFACE_TEMPLATE_200 } from '../src/utkface-template.js';
import { EYE_A, EYE_B, FaceMesh, frameOffsets, MESH_DIR, MESH_SHA256, MOUTH_A, MOUTH_B, NOSE_ALT, NOSE_TIP, RANGES, type MeshInput, type MeshResult, type RangeName } from '../test/face-mesh-reference.js';
import { loadChip, padChip } from '../test/support.js';

if (!hasUtkface()) {
  console.log(`UTKFace (labels.csv + images/) is not in ${UTKFACE_DIR}: nothing to measure.`);
  process.exit(0);
}

const COMMAND = 'npx tsx --conditions=@faceattr/source packages/detector-mtcnn/bench/landmarks-reference.ts';
const OUT_FILE = join(dirname(fileURLToPath(import.meta.url)), 'landmarks-reference.json');
const N_TRAIN = 300;
const N_VAL = 300;
const N_CALIB = 30;
const CHIP = 200;
const MTCNN_PAD = 60;
/** Below this face flag (a probability: ~1e-5 on flat gray or noise, 1.000 on faces) the mesh counts as failed. */
const MIN_FLAG = 0.5;

/** Points compared: MTCNN's five, plus the mesh's alternative nose tip (4) against MTCNN's nose. */
const NAMES = ['leftEye', 'rightEye', 'nose', 'mouthLeft', 'mouthRight', 'nose(mesh 4)'] as const;
const MTCNN_OF = [0, 1, 2, 3, 4, 2];

const round = (v: number, d = 4): number => Number(v.toFixed(d));
const mean = (v: readonly number[]): number => v.reduce((a, b) => a + b, 0) / v.length;
function quantile(v: readonly number[], q: number): number {
  const s = [...v].sort((a, b) => a - b);
  const i = (s.length - 1) * q;
  const lo = Math.floor(i);
  return s[lo]! + (s[Math.min(lo + 1, s.length - 1)]! - s[lo]!) * (i - lo);
}
const dist = (a: Point, b: Point): number => Math.hypot(a.x - b.x, a.y - b.y);
const PAD_FACTORS = [1.0, 1.2, 1.3, 1.4, 1.5, 1.6];
const meanPoints = (ps: readonly Point[][]): Point[] =>
  ps[0]!.map((_, k) => ({ x: mean(ps.map((p) => p[k]!.x)), y: mean(ps.map((p) => p[k]!.y)) }));

const git = (cmd: string): string => execSync(`git ${cmd}`, { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
// The code that runs is the working tree at start: record it before anything else.
const gitHead = git('rev-parse HEAD');
const detectorSrcUncommitted = git('status --porcelain -- packages/detector-mtcnn/src').split('\n').filter(Boolean);

// ---- Models --------------------------------------------------------------------------------

const backend = tfjsBackend({ runtime: 'wasm' });
await backend.init();
const det = mtcnn();
await det.load(createModelContext(backend));
const mesh = await FaceMesh.load();
const meshOnChip = (chip: RgbImage, input: MeshInput): MeshResult => mesh.onChip(chip, input);
const humanVersion = (JSON.parse(readFileSync(join(MESH_DIR, '..', 'package.json'), 'utf8')) as { version: string }).version;

/** MTCNN's first face on the padded chip, back in chip pixels (as bench/landmarks.ts). */
async function mtcnnOnChip(chip: RgbImage): Promise<Point[] | undefined> {
  const l = (await det.detect(padChip(chip, CHIP + 2 * MTCNN_PAD, MTCNN_PAD, MTCNN_PAD)))[0]?.landmarks;
  return l && [l.leftEye, l.rightEye, l.nose, l.mouthLeft, l.mouthRight].map((p) => ({ x: p.x - MTCNN_PAD, y: p.y - MTCNN_PAD }));
}

async function loadChips(split: 'train' | 'val', n: number, start = 0): Promise<{ file: string; chip: RgbImage }[]> {
  const rows = utkfaceRows(split);
  const step = Math.floor(rows.length / n);
  const out: { file: string; chip: RgbImage }[] = [];
  for (let i = 0; i < n; i++) {
    const file = rows[start + i * step]!.file;
    out.push({ file, chip: await loadChip(file) });
  }
  return out;
}

// ---- Calibration: input range and padding (train chips, offset from the main sample) ---------

const t0 = Date.now();
const calibChips = await loadChips('train', N_CALIB, 11);
const calibMtcnn: (Point[] | undefined)[] = [];
for (const c of calibChips) calibMtcnn.push(await mtcnnOnChip(c.chip));
const calibration: Record<string, unknown>[] = [];
let best: (MeshInput & { score: number }) | undefined;
for (const range of Object.keys(RANGES) as RangeName[]) {
  for (const padFactor of PAD_FACTORS) {
    const rs = calibChips.map((c) => meshOnChip(c.chip, { range, padFactor }));
    const disagreement = mean(rs.map((r) => mean(r.mirrorDisagreement.slice(0, 5))));
    const minFlag = Math.min(...rs.flatMap((r) => [r.flag, r.flagMirrored]));
    // Sanity only (not used to choose): how far the plain mesh eye centres sit from MTCNN's eyes.
    const eyeToMtcnn = rs.flatMap((r, i) => {
      const m = calibMtcnn[i];
      return m ? [(dist(r.plain[0]!, m[0]!) + dist(r.plain[1]!, m[1]!)) / 2 / dist(r.plain[0]!, r.plain[1]!)] : [];
    });
    const row = { range, padFactor, minFlag: round(minFlag), meanMirrorDisagreement: round(disagreement), medianEyeDistanceToMtcnn: round(quantile(eyeToMtcnn, 0.5)) };
    calibration.push(row);
    console.log('calibration', JSON.stringify(row));
    // Pick by the mesh's own consistency under mirroring, among settings that see a face on every chip.
    if (minFlag >= 0.9 && (!best || disagreement < best.score)) best = { range, padFactor, score: disagreement };
  }
}
if (!best) throw new Error('no mesh input setting gave a face flag >= 0.9 on every calibration chip');
const meshInput: MeshInput = { range: best.range, padFactor: best.padFactor };
console.log('mesh input', JSON.stringify(meshInput));

// ---- Main sample ---------------------------------------------------------------------------

interface Face { file: string; mtcnn?: Point[]; mesh: MeshResult }
async function measureSplit(split: 'train' | 'val', n: number): Promise<Face[]> {
  const faces: Face[] = [];
  for (const { file, chip } of await loadChips(split, n)) faces.push({ file, mtcnn: await mtcnnOnChip(chip), mesh: meshOnChip(chip, meshInput) });
  return faces;
}
const train = await measureSplit('train', N_TRAIN);
const val = await measureSplit('val', N_VAL);
const meshOk = (f: Face): boolean => f.mesh.flag >= MIN_FLAG;
const usable = (fs: Face[]): (Face & { mtcnn: Point[] })[] => fs.filter((f): f is Face & { mtcnn: Point[] } => !!f.mtcnn && meshOk(f));
const trainOk = usable(train);
const valOk = usable(val);

// Image-left/right convention: the EYE_A centre must be the image-left one and match MTCNN's leftEye.
const leftRightCheck = {
  faces: trainOk.length + valOk.length,
  meshEyeAIsImageLeft: [...trainOk, ...valOk].filter((f) => f.mesh.points[0]!.x < f.mesh.points[1]!.x).length,
  mtcnnLeftEyeNearerMeshEyeA: [...trainOk, ...valOk].filter((f) => dist(f.mtcnn[0]!, f.mesh.points[0]!) < dist(f.mtcnn[0]!, f.mesh.points[1]!)).length,
};

// ---- 1. MTCNN vs mesh, in a face-normalised frame ------------------------------------------

const stats = (v: readonly number[]) => ({
  mean: round(mean(v)),
  median: round(quantile(v, 0.5)),
  p90: round(quantile(v, 0.9)),
  within5: round(v.filter((e) => e < 0.05).length / v.length, 3),
  within10: round(v.filter((e) => e < 0.1).length / v.length, 3),
});
/** Per-point and per-face (mean of the five) error statistics, raw and after removing `bias`. */
const offsets = (f: Face & { mtcnn: Point[] }, ref: readonly Point[]): Point[] => frameOffsets(f.mtcnn, ref, MTCNN_OF);
function compare(fs: (Face & { mtcnn: Point[] })[], pick: (f: Face) => Point[], bias: readonly Point[]) {
  const raw = fs.map((f) => offsets(f, pick(f)).map((d) => Math.hypot(d.x, d.y)));
  const fixed = fs.map((f) => offsets(f, pick(f)).map((d, k) => Math.hypot(d.x - bias[k]!.x, d.y - bias[k]!.y)));
  const table = (e: number[][]) => ({
    perPoint: Object.fromEntries(NAMES.map((n, k) => [n, stats(e.map((r) => r[k]!))])),
    meanOfFive: stats(e.map((r) => mean(r.slice(0, 5)))),
  });
  return { faces: fs.length, raw: table(raw), biasCorrected: table(fixed) };
}
const reference = {
  'mesh, plain + mirrored averaged (main)': (f: Face) => f.mesh.points,
  'mesh, plain only': (f: Face) => f.mesh.plain,
};
const mtcnnVsMesh: Record<string, unknown> = {};
for (const [name, pick] of Object.entries(reference)) {
  // The definitional offset (where each model puts "the eye", "the nose") is measured on train only.
  const bias = meanPoints(trainOk.map((f) => offsets(f, pick(f))));
  mtcnnVsMesh[name] = {
    biasFromTrain: Object.fromEntries(NAMES.map((n, k) => [n, { x: round(bias[k]!.x), y: round(bias[k]!.y), length: round(Math.hypot(bias[k]!.x, bias[k]!.y)) }])),
    val: compare(valOk, pick, bias),
    trainInSample: compare(trainOk, pick, bias),
  };
}

// ---- 2. The template residual used so far, both models, same val chips ---------------------

const five = (p: readonly Point[]): Point[] => p.slice(0, 5);
const residual = (ps: Point[][], t: readonly Point[]) => {
  const e = ps.map((p) => alignmentError(arrayToLandmarks(p), t));
  return { mean: round(mean(e)), median: round(quantile(e, 0.5)), p90: round(quantile(e, 0.9)), within5: round(e.filter((v) => v < 0.05).length / e.length, 3) };
};
const sets = {
  mtcnn: { train: trainOk.map((f) => f.mtcnn), val: valOk.map((f) => f.mtcnn) },
  'mesh (plain + mirrored averaged)': { train: trainOk.map((f) => five(f.mesh.points)), val: valOk.map((f) => five(f.mesh.points)) },
  'mesh (plain)': { train: trainOk.map((f) => five(f.mesh.plain)), val: valOk.map((f) => five(f.mesh.plain)) },
};
const templateResidual: Record<string, unknown> = { valFaces: valOk.length };
for (const [name, s] of Object.entries(sets)) {
  const own = meanPoints(s.train);
  templateResidual[name] = {
    ownTrainMeanTemplate: own.map((p) => ({ x: round(p.x, 1), y: round(p.y, 1) })),
    valToOwnTrainMean: residual(s.val, own),
    ...(name === 'mtcnn' ? { valToUTKFACE_TEMPLATE_200: residual(s.val, UTKFACE_TEMPLATE_200) } : {}),
  };
}
// Reproduces bench/landmarks.ts's number (~0.065) on its 50 val chips, to tie this run to it.
const testChips = await loadChips('val', 50);
const testPoints: Point[][] = [];
for (const c of testChips) {
  const p = await mtcnnOnChip(c.chip);
  if (p) testPoints.push(p);
}
templateResidual['mtcnn on the 50 chips of src/landmarks.test.ts, to UTKFACE_TEMPLATE_200'] = residual(testPoints, UTKFACE_TEMPLATE_200);

// ---- 3. Failures, mesh self-consistency -----------------------------------------------------

const failures = (fs: Face[]) => ({
  chips: fs.length,
  mtcnnNoFace: fs.filter((f) => !f.mtcnn).length,
  meshFlagLow: fs.filter((f) => !meshOk(f)).length,
  meshMinFlag: round(Math.min(...fs.map((f) => f.mesh.flag))),
  used: usable(fs).length,
});
const meshMirrorDisagreement = Object.fromEntries(NAMES.map((n, k) => [n, round(mean(valOk.map((f) => f.mesh.mirrorDisagreement[k]!)))]));

// ---- Report ---------------------------------------------------------------------------------

const report = {
  command: COMMAND,
  date: new Date().toISOString(),
  gitHead,
  detectorSrcUncommitted,
  seconds: Math.round((Date.now() - t0) / 1000),
  units: 'inter-ocular distance (IOD) = distance between the two mesh eye centres of each face',
  referenceModel: {
    package: `@vladmandic/human@${humanVersion}`,
    files: { 'models/facemesh.json': MESH_SHA256['facemesh.json'], 'models/facemesh.bin': MESH_SHA256['facemesh.bin'] },
    points: { leftEye: `mean of ${EYE_A.join(',')}`, rightEye: `mean of ${EYE_B.join(',')}`, nose: NOSE_TIP, 'nose(mesh 4)': NOSE_ALT, mouthLeft: MOUTH_A, mouthRight: MOUTH_B },
    input: { ...meshInput, note: 'chip pasted centred on a gray canvas padFactor x 200 px, resized to 192x192; reference = mean of the plain and the mirrored prediction' },
    minFaceFlag: MIN_FLAG,
    calibration: { chips: N_CALIB, split: 'train (offset from the main sample)', chosenBy: 'lowest mean mirror disagreement (IOD) with face flag >= 0.9 on every chip', rows: calibration },
  },
  sample: { train: failures(train), val: failures(val), every: { train: Math.floor(utkfaceRows('train').length / N_TRAIN), val: Math.floor(utkfaceRows('val').length / N_VAL) } },
  leftRightCheck,
  meshMirrorDisagreementVal: meshMirrorDisagreement,
  mtcnnVsMesh,
  templateResidual,
};
writeFileSync(OUT_FILE, `${JSON.stringify(report, null, 2)}\n`);

const main = mtcnnVsMesh['mesh, plain + mirrored averaged (main)'] as { val: ReturnType<typeof compare> };
console.log(JSON.stringify({ sample: report.sample, leftRightCheck, meshMirrorDisagreementVal: meshMirrorDisagreement }));
console.log('MTCNN vs mesh (val, main reference), raw:', JSON.stringify(main.val.raw.meanOfFive));
console.log('MTCNN vs mesh (val, main reference), bias-corrected:', JSON.stringify(main.val.biasCorrected));
console.log('template residual:', JSON.stringify(templateResidual));
console.log(`wrote ${OUT_FILE} (${report.seconds} s)`);

mesh.dispose();
await det.dispose();
await backend.dispose();
