import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alignmentError, arrayToLandmarks, createModelContext, type Point } from '@faceattr/core';
import { tfjsBackend, type TfjsBackend } from '@faceattr/backend-tfjs';
import { hasUtkface, UTKFACE_DIR, utkfaceRows } from '@faceattr/test-support';
import { FaceMesh, frameOffsets, hasFaceMesh, MESH_DIR } from '../test/face-mesh-reference.js';
import { loadChip, padChip } from '../test/support.js';
import { mtcnn, type MtcnnDetector } from './detector.js';

const PAD = 60;
const N = 40;
const ready = hasUtkface() && hasFaceMesh();
if (!ready) console.warn(`Skipping the landmark reference test: needs UTKFace (labels.csv + images/ in ${UTKFACE_DIR}) and FaceMesh (${MESH_DIR}, devDependency @vladmandic/human).`);

const mean = (v: readonly number[]): number => v.reduce((a, b) => a + b, 0) / v.length;
const meanPoints = (ps: readonly Point[][]): Point[] => ps[0]!.map((_, k) => ({ x: mean(ps.map((p) => p[k]!.x)), y: mean(ps.map((p) => p[k]!.y)) }));

/**
 * The landmark target ("within 5% of the inter-ocular distance") checked against an
 * independent landmark model, MediaPipe FaceMesh, on UTKFace chips; bench/landmarks-reference.ts
 * is the 300 + 300 chip version (measured 0.036 IOD on val).
 */
describe.skipIf(!ready)('mtcnn landmarks against FaceMesh on UTKFace chips', () => {
  let backend: TfjsBackend;
  let det: MtcnnDetector;
  let mesh: FaceMesh;
  beforeAll(async () => {
    backend = tfjsBackend({ runtime: 'wasm' });
    await backend.init();
    det = mtcnn();
    await det.load(createModelContext(backend));
    mesh = await FaceMesh.load();
  });
  afterAll(async () => {
    mesh?.dispose();
    await det?.dispose();
    await backend?.dispose();
  });

  async function faces(split: 'train' | 'val'): Promise<{ mtcnn: Point[]; mesh: Point[] }[]> {
    const rows = utkfaceRows(split);
    const step = Math.floor(rows.length / N);
    const out: { mtcnn: Point[]; mesh: Point[] }[] = [];
    for (let i = 0; i < N; i++) {
      const chip = await loadChip(rows[i * step + 3]!.file);
      const l = (await det.detect(padChip(chip, 200 + 2 * PAD, PAD, PAD)))[0]?.landmarks;
      const ref = mesh.onChip(chip);
      // Every chip holds one face: the mesh must see it (its flag is ~1e-5 on a non-face).
      expect(ref.flag).toBeGreaterThan(0.5);
      if (l) out.push({ mtcnn: [l.leftEye, l.rightEye, l.nose, l.mouthLeft, l.mouthRight].map((p) => ({ x: p.x - PAD, y: p.y - PAD })), mesh: ref.points.slice(0, 5) });
    }
    expect(out.length).toBeGreaterThanOrEqual(N - 1);
    return out;
  }

  it('agree within 5% of the inter-ocular distance, while both sit ~6% from one fixed template', { timeout: 240_000 }, async () => {
    const train = await faces('train');
    const val = await faces('val');
    // Where each model puts "the eye" or "the nose" differs by a constant: measured on train only.
    const bias = meanPoints(train.map((f) => frameOffsets(f.mtcnn, f.mesh)));
    const err = val.map((f) => mean(frameOffsets(f.mtcnn, f.mesh).map((d, k) => Math.hypot(d.x - bias[k]!.x, d.y - bias[k]!.y))));
    const raw = val.map((f) => mean(frameOffsets(f.mtcnn, f.mesh).map((d) => Math.hypot(d.x, d.y))));
    // Measured 0.036 (bias removed) and 0.046 (raw) on 299 val chips; the mesh's own error is in these too.
    expect(mean(err)).toBeLessThan(0.05);
    expect(mean(raw)).toBeLessThan(0.06);
    expect(err.filter((e) => e < 0.05).length / err.length).toBeGreaterThan(0.7);
    // The metric the issue names, residual to one template after a similarity fit, is ~0.06 for
    // the mesh too (its own train-mean template): faces differ from a template by that much.
    const meshTemplate = meanPoints(train.map((f) => f.mesh));
    const meshResidual = mean(val.map((f) => alignmentError(arrayToLandmarks(f.mesh), meshTemplate)));
    const mtcnnTemplate = meanPoints(train.map((f) => f.mtcnn));
    const mtcnnResidual = mean(val.map((f) => alignmentError(arrayToLandmarks(f.mtcnn), mtcnnTemplate)));
    expect(meshResidual).toBeGreaterThan(0.05);
    expect(Math.abs(mtcnnResidual - meshResidual)).toBeLessThan(0.015);
    console.log(`MTCNN vs FaceMesh on ${val.length} val chips: ${mean(err).toFixed(4)} IOD (bias removed), ${mean(raw).toFixed(4)} raw; template residual MTCNN ${mtcnnResidual.toFixed(4)}, FaceMesh ${meshResidual.toFixed(4)}`);
  });
});
