import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPipeline, iou, type FaceAttributePipeline, type FaceResult } from '@faceattr/core';
import { decodeImage } from '@faceattr/core/node';
import { tfjsBackend } from '@faceattr/backend-tfjs';
import { mtcnn } from '@faceattr/detector-mtcnn';
import { haar } from '@faceattr/detector-haar';
import { onnxBackend } from '@faceattr/backend-onnx';
import { demoPhoto as photo } from '@faceattr/test-support';
import { faceAttributes } from './index.js';
const attributes = ['age', 'gender', 'race'] as const;

/** End to end (MTCNN + encoder + heads) the two backends must give the same faces and the same answers. */
describe('pipeline parity: onnxruntime-node vs tfjs wasm on the demo photos', () => {
  let onnx: FaceAttributePipeline;
  let tfjs: FaceAttributePipeline;

  beforeAll(async () => {
    onnx = await createPipeline({ backend: onnxBackend(), detector: mtcnn(), attributeModel: faceAttributes(), attributes: [...attributes] });
    tfjs = await createPipeline({ backend: tfjsBackend({ runtime: 'wasm' }), detector: mtcnn(), attributeModel: faceAttributes(), attributes: [...attributes] });
  }, 120_000);
  afterAll(async () => {
    await onnx?.dispose();
    await tfjs?.dispose();
  });

  function expectSameFaces(a: FaceResult[], b: FaceResult[]) {
    expect(a.length).toBe(b.length);
    a.forEach((fa, i) => {
      const fb = b[i]!;
      expect(iou(fa.box, fb.box)).toBeGreaterThan(0.99);
      expect(Math.abs(fa.age!.years - fb.age!.years)).toBeLessThan(0.1);
      expect(fa.gender!.label).toBe(fb.gender!.label);
      expect(fa.race!.label).toBe(fb.race!.label);
    });
  }

  for (const n of [1, 2, 3, 4, 5, 6]) {
    it(`sample${n}.jpg: same faces, ages within 0.1 year, same gender and race labels`, async () => {
      const img = await decodeImage(photo(n));
      const [a, b] = [await onnx.detect(img), await tfjs.detect(img)];
      expect(a.length).toBeGreaterThanOrEqual(2);
      expectSameFaces(a, b);
    }, 120_000);
  }

  it('the Haar detector (exact mode: no net of its own) runs the whole pipeline on both backends with the same answers', async () => {
    const img = await decodeImage(photo(1));
    const results: FaceResult[][] = [];
    for (const backend of [onnxBackend(), tfjsBackend({ runtime: 'wasm' })]) {
      const p = await createPipeline({ backend, detector: haar({ mode: 'exact' }), attributeModel: faceAttributes(), attributes: [...attributes] });
      results.push(await p.detect(img));
      await p.dispose();
    }
    expect(results[0]!.length).toBeGreaterThanOrEqual(1);
    expect(results[0]!.every((f) => f.landmarkSource === 'estimated-from-box')).toBe(true);
    expectSameFaces(results[0]!, results[1]!);
  }, 120_000);
});
