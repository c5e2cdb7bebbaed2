/**
 * Measures where MTCNN puts its landmarks and its box on UTKFace aligned 200x200 chips:
 * the source of UTKFACE_TEMPLATE_200 (src/utkface-template.ts) and of the synthetic benchmark's
 * ground-truth box fraction (bench/synthetic.ts). Each chip is padded by 60 px of gray so the
 * whole face (and the box, which reaches above the chip) fits in the frame.
 *
 *   npx tsx --conditions=@faceattr/source packages/detector-mtcnn/bench/measure-utkface-template.ts [train|val]
 */
import { alignmentError, createModelContext, type Landmarks5, type Point } from '@faceattr/core';
import { tfjsBackend } from '@faceattr/backend-tfjs';
import { hasUtkface, UTKFACE_DIR, utkfaceRows } from '@faceattr/test-support';
import { mtcnn } from '../src/detector.js';
import { loadChip, padChip } from '../test/support.js';

if (!hasUtkface()) {
  console.log(`UTKFace (labels.csv + images/) is not in ${UTKFACE_DIR}: nothing to measure.`);
  process.exit(0);
}

const split = process.argv[2] === 'val' ? 'val' : 'train';
const COUNT = 100;
const PAD = 60;
const CHIP = 200;

const rows = utkfaceRows(split);
const step = Math.floor(rows.length / COUNT);
const backend = tfjsBackend({ runtime: 'wasm' });
await backend.init();
const det = mtcnn();
await det.load(createModelContext(backend));

const points: Point[][] = [];
const boxes: number[][] = [];
let missed = 0;
for (let i = 0; i < COUNT; i++) {
  const chip = await loadChip(rows[i * step]!.file);
  const faces = await det.detect(padChip(chip, CHIP + 2 * PAD, PAD, PAD));
  if (!faces.length) {
    missed++;
    continue;
  }
  const { box, landmarks: l } = faces[0]!;
  points.push([l!.leftEye, l!.rightEye, l!.nose, l!.mouthLeft, l!.mouthRight].map((p) => ({ x: p.x - PAD, y: p.y - PAD })));
  boxes.push([(box.x - PAD) / CHIP, (box.y - PAD) / CHIP, box.width / CHIP, box.height / CHIP]);
}
await det.dispose();
await backend.dispose();

const mean = [0, 1, 2, 3, 4].map((k) => ({
  x: points.reduce((s, p) => s + p[k]!.x, 0) / points.length,
  y: points.reduce((s, p) => s + p[k]!.y, 0) / points.length,
}));
const iod = Math.hypot(mean[1]!.x - mean[0]!.x, mean[1]!.y - mean[0]!.y);
const spread = [0, 1, 2, 3, 4].map((k) => Math.sqrt(points.reduce((s, p) => s + (p[k]!.x - mean[k]!.x) ** 2 + (p[k]!.y - mean[k]!.y) ** 2, 0) / points.length) / iod);
const asL = (p: Point[]): Landmarks5 => ({ leftEye: p[0]!, rightEye: p[1]!, nose: p[2]!, mouthLeft: p[3]!, mouthRight: p[4]! });
const errors = points.map((p) => alignmentError(asL(p), mean)).sort((a, b) => a - b);
const boxFraction = [0, 1, 2, 3].map((k) => boxes.reduce((s, b) => s + b[k]!, 0) / boxes.length);
const r = (v: number, d = 1) => Number(v.toFixed(d));

console.log(
  JSON.stringify(
    {
      split,
      chips: COUNT,
      missed,
      template200: mean.map((p) => ({ x: r(p.x), y: r(p.y) })),
      interOcular: r(iod),
      spreadPerPointIod: spread.map((s) => r(s, 3)),
      alignmentErrorToOwnMean: { mean: r(errors.reduce((a, b) => a + b, 0) / errors.length, 4), median: r(errors[errors.length >> 1]!, 4), max: r(errors.at(-1)!, 4) },
      faceBoxFractionOfChip: { x: r(boxFraction[0]!, 3), y: r(boxFraction[1]!, 3), width: r(boxFraction[2]!, 3), height: r(boxFraction[3]!, 3) },
    },
    null,
    2,
  ),
);
