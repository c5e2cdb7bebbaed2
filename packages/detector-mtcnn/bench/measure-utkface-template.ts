import { readFileSync } from 'node:fs';
import { alignmentError, createPipeline, type Point } from '@faceattr/core';
import { decodeImage } from '@faceattr/core/node';
import { tfjsBackend } from '@faceattr/backend-tfjs';
import { mtcnn } from '@faceattr/detector-mtcnn';
const split = process.env.SPLIT ?? 'train';
const rows = readFileSync('/work/shared/datasets/utkface/labels.csv', 'utf8').trim().split(/\r?\n/).slice(1).map(l => l.trim().split(',')).filter(r => r[4] === split);
const pick = rows.filter((_, i) => i % Math.floor(rows.length / 100) === 0).slice(0, 100);
const det = mtcnn();
const p = await createPipeline({ backend: tfjsBackend({ runtime: 'wasm' }), detector: det, attributeModel: null, attributes: [] });
const PAD = 60, S = 320;
const pts: Point[][] = []; let miss = 0; let t = performance.now();
for (const r of pick) {
  const chip = await decodeImage(`/work/shared/datasets/utkface/images/${r[0]}`);
  const data = new Uint8Array(S * S * 3).fill(128);
  for (let y = 0; y < chip.height; y++) data.set(chip.data.subarray(y * chip.width * 3, (y + 1) * chip.width * 3), ((y + PAD) * S + PAD) * 3);
  const faces = await det.detect({ data, width: S, height: S, channels: 3 });
  if (!faces.length) { miss++; continue; }
  const l = faces[0]!.landmarks!;
  pts.push([l.leftEye, l.rightEye, l.nose, l.mouthLeft, l.mouthRight].map(q => ({ x: q.x - PAD, y: q.y - PAD })));
}
console.log('n', pts.length, 'miss', miss, 'ms/img', ((performance.now() - t) / pick.length).toFixed(1));
const mean = [0,1,2,3,4].map(k => ({ x: pts.reduce((s, q) => s + q[k]!.x, 0) / pts.length, y: pts.reduce((s, q) => s + q[k]!.y, 0) / pts.length }));
console.log(JSON.stringify(mean.map(q => ({ x: +q.x.toFixed(1), y: +q.y.toFixed(1) }))));
const iod = Math.hypot(mean[1]!.x - mean[0]!.x, mean[1]!.y - mean[0]!.y);
const sd = [0,1,2,3,4].map(k => Math.sqrt(pts.reduce((s, q) => s + (q[k]!.x - mean[k]!.x) ** 2 + (q[k]!.y - mean[k]!.y) ** 2, 0) / pts.length) / iod);
console.log('iod', iod.toFixed(1), 'rms spread/iod', sd.map(x => x.toFixed(3)).join(' '));
const errs = pts.map(q => alignmentError({ leftEye: q[0]!, rightEye: q[1]!, nose: q[2]!, mouthLeft: q[3]!, mouthRight: q[4]! }, mean));
errs.sort((a, b) => a - b);
console.log('alignErr mean', (errs.reduce((a, b) => a + b, 0) / errs.length).toFixed(4), 'median', errs[errs.length >> 1]!.toFixed(4), 'max', errs[errs.length - 1]!.toFixed(4));
await p.dispose();
