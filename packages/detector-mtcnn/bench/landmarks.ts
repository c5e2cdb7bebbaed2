/**
 * Landmark error on UTKFace aligned chips, as in src/landmarks.test.ts: the mean per-face
 * `alignmentError` (in inter-ocular distances, after the best similarity fit) of the detected
 * landmarks to UTKFACE_TEMPLATE_200, on the 50 val chips the test uses, each padded by 60 px of
 * gray into 320x320. Compares the detector's landmark variants (cascade settings vote and mirror,
 * src/cascade-settings.ts); for each, also the error to a template re-measured with that variant
 * on 100 train chips (as bench/measure-utkface-template.ts).
 *
 *   npx tsx --conditions=@faceattr/source packages/detector-mtcnn/bench/landmarks.ts
 */
import { alignmentError, createModelContext, type Landmarks5, type Point, type RgbImage } from '@faceattr/core';
import { tfjsBackend } from '@faceattr/backend-tfjs';
import { hasUtkface, UTKFACE_DIR, utkfaceRows } from '@faceattr/test-support';
import { mtcnn } from '../src/detector.js';
import { instrument } from '../src/instrument.js';
import { UTKFACE_TEMPLATE_200 } from '../src/utkface-template.js';
import { loadChip, padChip } from '../test/support.js';

if (!hasUtkface()) {
  console.log(`UTKFace (labels.csv + images/) is not in ${UTKFACE_DIR}: nothing to measure.`);
  process.exit(0);
}
const PAD = 60;
const backend = tfjsBackend({ runtime: 'wasm' });
await backend.init();

async function chips(split: 'train' | 'val', n: number): Promise<RgbImage[]> {
  const rows = utkfaceRows(split);
  const step = Math.floor(rows.length / n);
  const out: RgbImage[] = [];
  for (let i = 0; i < n; i++) out.push(padChip(await loadChip(rows[i * step]!.file), 200 + 2 * PAD, PAD, PAD));
  return out;
}
const train = await chips('train', 100);
const val = await chips('val', 50);

type Det = { detect(image: RgbImage): Promise<{ landmarks?: Landmarks5 }[]> };
async function points(det: Det, images: RgbImage[]): Promise<Point[][]> {
  const r: Point[][] = [];
  for (const im of images) {
    const l = (await det.detect(im))[0]?.landmarks;
    if (l) r.push([l.leftEye, l.rightEye, l.nose, l.mouthLeft, l.mouthRight].map((p) => ({ x: p.x - PAD, y: p.y - PAD })));
  }
  return r;
}
const asL = (p: Point[]): Landmarks5 => ({ leftEye: p[0]!, rightEye: p[1]!, nose: p[2]!, mouthLeft: p[3]!, mouthRight: p[4]! });
const meanOf = (ps: Point[][]): Point[] =>
  [0, 1, 2, 3, 4].map((k) => ({ x: ps.reduce((s, p) => s + p[k]!.x, 0) / ps.length, y: ps.reduce((s, p) => s + p[k]!.y, 0) / ps.length }));
const error = (ps: Point[][], t: readonly Point[]): number => Number((ps.map((p) => alignmentError(asL(p), t)).reduce((a, b) => a + b, 0) / ps.length).toFixed(4));

async function measure(name: string, det: Det) {
  const tp = await points(det, train);
  const vp = await points(det, val);
  const r = { variant: name, valChips: vp.length, valErrorToShippedTemplate: error(vp, UTKFACE_TEMPLATE_200), valErrorToOwnTrainTemplate: error(vp, meanOf(tp)), trainErrorToOwnMean: error(tp, meanOf(tp)) };
  console.log(JSON.stringify(r));
  return r;
}

const det = mtcnn();
await det.load(createModelContext(backend));
for (const [name, cascade] of [
  ['single O-Net crop', { vote: false, mirror: false }],
  ['default: vote', { vote: true, mirror: false }],
  ['vote + mirror', { vote: true, mirror: true }],
] as const) {
  instrument(det, { cascade });
  await measure(name, det);
}
await det.dispose();
await backend.dispose();
