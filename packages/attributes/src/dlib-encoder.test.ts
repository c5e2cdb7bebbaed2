import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPipeline, flipHorizontal, type FaceAttributePipeline, type FaceResult } from '@faceattr/core';
import { decodeImage } from '@faceattr/core/node';
import { tfjsBackend } from '@faceattr/backend-tfjs';
import { mtcnn } from '@faceattr/detector-mtcnn';
import { demoPhoto as photo } from '@faceattr/test-support';
import { faceAttributes } from './face-attributes.js';

const dist = (a: Float32Array, b: Float32Array) => Math.hypot(...a.map((v, i) => v - b[i]!));
const centre = (f: FaceResult) => ({ x: f.box.x + f.box.width / 2, y: f.box.y + f.box.height / 2 });

/**
 * The same woman appears in sample1.jpg (the right-most face, box near x=1483, y=208) and sample3.jpg
 * (the top-centre face, box near x=1052, y=212): checked by eye on the aligned crops. Every other face
 * in the demo photos is someone else.
 */
describe('dlib-resnet-128 encoder through detect -> align -> encode', () => {
  let pipeline: FaceAttributePipeline;
  const faces: { photo: number; face: FaceResult }[] = [];

  beforeAll(async () => {
    pipeline = await createPipeline({ backend: tfjsBackend({ runtime: 'wasm' }), detector: mtcnn(), attributeModel: faceAttributes(), attributes: [], returnEmbedding: true });
    for (const n of [1, 2, 3, 4, 5, 6]) {
      for (const face of await pipeline.detect(await decodeImage(photo(n)))) faces.push({ photo: n, face });
    }
  }, 300_000);
  afterAll(() => pipeline?.dispose());

  it('gives 128-d embeddings, not L2-normalised (norms measured 1.37-1.52 on these faces)', () => {
    expect(faces.length).toBeGreaterThanOrEqual(21);
    for (const { face } of faces) {
      expect(face.embedding!.length).toBe(128);
      const norm = Math.hypot(...face.embedding!);
      expect(norm).toBeGreaterThan(1);
      expect(norm).toBeLessThan(2);
    }
  });

  it('puts the same person in two photos closer than dlib\'s 0.6 threshold and closer than any two different people', () => {
    const rightmost1 = faces.filter((f) => f.photo === 1).sort((a, b) => centre(b.face).x - centre(a.face).x)[0]!;
    const near = (f: FaceResult, x: number, y: number) => Math.hypot(f.box.x - x, f.box.y - y);
    const leftmost3 = faces.filter((f) => f.photo === 3).sort((a, b) => near(a.face, 1052, 212) - near(b.face, 1052, 212))[0]!;
    expect(near(leftmost3.face, 1052, 212)).toBeLessThan(40);
    const same = dist(rightmost1.face.embedding!, leftmost3.face.embedding!);
    expect(same).toBeLessThan(0.6);
    let closestDifferent = Infinity;
    let sumDifferent = 0;
    let nDifferent = 0;
    for (let i = 0; i < faces.length; i++) {
      for (let j = i + 1; j < faces.length; j++) {
        const pair = [faces[i], faces[j]];
        if (pair.includes(rightmost1) && pair.includes(leftmost3)) continue;
        const d = dist(faces[i]!.face.embedding!, faces[j]!.face.embedding!);
        closestDifferent = Math.min(closestDifferent, d);
        sumDifferent += d;
        nDifferent++;
      }
    }
    expect(same).toBeLessThan(closestDifferent);
    expect(sumDifferent / nDifferent).toBeGreaterThan(0.6);
  });

  it('is nearly invariant to mirroring the photo', async () => {
    const img = await decodeImage(photo(1));
    const a = await pipeline.detect(img);
    const b = await pipeline.detect(flipHorizontal(img));
    let matched = 0;
    for (const fa of a) {
      // The mirrored face's centre is at width - x (a borderline face may be found in only one of the two).
      const fb = b.find((f) => Math.abs(centre(f).x - (img.width - centre(fa).x)) < fa.box.width / 4 && Math.abs(centre(f).y - centre(fa).y) < fa.box.height / 4);
      if (!fb) continue;
      matched++;
      expect(dist(fa.embedding!, fb.embedding!)).toBeLessThan(0.35);
    }
    expect(matched).toBe(3);
  });
});
