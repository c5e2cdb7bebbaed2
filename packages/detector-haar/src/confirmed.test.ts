import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createPipeline, iou, type FaceResult } from '@faceattr/core';
import { onnxBackend } from '@faceattr/backend-onnx';
import { assetsDir } from '@faceattr/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoFrames, matchFaces, type DemoFrame } from '../test/support.js';
import { haar } from './index.js';
import { rotateGray } from './rotate-gray.js';

const built = ['haar-frontalface-default', 'mtcnn-onet'].every((a) => existsSync(join(assetsDir(), a, 'manifest.json')));
if (!built) console.warn(`Skipping the confirmed Haar tests: the haar-frontalface-default and mtcnn-onet assets in ${assetsDir()} are not built (npm run build).`);

// The target: on face-api's six demo photos fitted into each frame size, at least 21 of the
// 22 hand-checked faces and at most one extra box, through createPipeline on onnxruntime-node.
describe.skipIf(!built)('haar() (confirmed mode) through createPipeline, demo photos', () => {
  const sizes = [
    [640, 480],
    [1280, 720],
  ] as const;
  const frames = new Map<string, DemoFrame[]>();
  let pipeline: Awaited<ReturnType<typeof createPipeline>>;
  beforeAll(async () => {
    for (const [w, h] of sizes) frames.set(`${w}x${h}`, await demoFrames(w, h));
    pipeline = await createPipeline({ backend: onnxBackend(), detector: haar(), attributeModel: null, attributes: [] });
  });
  afterAll(async () => {
    await pipeline?.dispose();
  });

  it.each(sizes)('%ix%i: >= 21 of 22 faces, <= 1 extra; O-Net scores and landmarks', async (w, h) => {
    let found = 0;
    let extra = 0;
    const all: FaceResult[] = [];
    for (const f of frames.get(`${w}x${h}`)!) {
      const faces = await pipeline.detect(f.image, { minScore: 0 });
      const m = matchFaces(f.faces, faces.map((x) => x.box));
      found += m.found;
      extra += m.extra;
      all.push(...faces);
    }
    expect(found).toBeGreaterThanOrEqual(21);
    expect(extra).toBeLessThanOrEqual(1);
    for (const face of all) {
      // O-Net's probability, at least its threshold, and its five points (not estimated from the box).
      expect(face.score).toBeGreaterThanOrEqual(0.7);
      expect(face.score).toBeLessThanOrEqual(1);
      expect(face.landmarkSource).toBe('detector');
      const { leftEye, rightEye, nose, mouthLeft, mouthRight } = face.landmarks;
      expect(leftEye.x).toBeLessThan(rightEye.x);
      expect(Math.max(leftEye.y, rightEye.y)).toBeLessThan(Math.min(mouthLeft.y, mouthRight.y));
      for (const p of [leftEye, rightEye, nose, mouthLeft, mouthRight]) {
        expect(p.x).toBeGreaterThan(face.box.x);
        expect(p.x).toBeLessThan(face.box.x + face.box.width);
        expect(p.y).toBeGreaterThan(face.box.y);
        expect(p.y).toBeLessThan(face.box.y + face.box.height);
      }
    }
  });

  it('tracking: follow() finds the demo faces again from their boxes (no cascade scan); exact mode has no follow()', async () => {
    const detector = haar();
    const p = await createPipeline({ backend: onnxBackend(), detector, attributeModel: null, attributes: [] });
    try {
      const f = frames.get('640x480')![0]!;
      const faces = await p.detect(f.image, { minScore: 0 });
      expect(faces.length).toBeGreaterThanOrEqual(2);
      const again = await detector.follow!(f.image, faces.map((x) => x.box));
      expect(again).toHaveLength(faces.length);
      for (const g of again) expect(Math.max(...faces.map((x) => iou(x.box, g.box)))).toBeGreaterThan(0.7);
      // A face-sized box on the frame's corner is no face.
      const side = faces[0]!.box.width;
      expect(await detector.follow!(f.image, [{ x: 0, y: 0, width: side, height: side }].filter((b) => faces.every((x) => iou(x.box, b) === 0)))).toEqual([]);
      const tracked: [number, boolean][] = [];
      await p.track([0, 1, 2].map(() => ({ image: f.image })), (fr) => void tracked.push([fr.faces.length, fr.searched])).done;
      expect(tracked).toEqual([[faces.length, true], [faces.length, false], [faces.length, false]]);
    } finally {
      await p.dispose();
    }
    expect(haar({ mode: 'exact' }).follow).toBeUndefined();
  });

  it("the exact mode through the same pipeline stays OpenCV's: fewer faces found, more extra boxes, landmarks from the box", async () => {
    const exact = await createPipeline({ backend: onnxBackend(), detector: haar({ mode: 'exact' }), attributeModel: null, attributes: [] });
    try {
      let found = 0;
      let extra = 0;
      for (const f of frames.get('640x480')!) {
        const faces = await exact.detect(f.image, { minScore: 0 });
        expect(faces.every((x) => x.landmarkSource === 'estimated-from-box')).toBe(true);
        const m = matchFaces(f.faces, faces.map((x) => x.box));
        found += m.found;
        extra += m.extra;
      }
      // What the issue reports for today's code (16-17 of 22, 10-14 extra at 640x480).
      expect(found).toBeLessThan(21);
      expect(extra).toBeGreaterThan(1);
    } finally {
      await exact.dispose();
    }
  });
});

describe('rotateGray', () => {
  const w = 7;
  const h = 4;
  const gray = Uint8Array.from({ length: w * h }, (_, i) => (i * 37) % 256);

  it('at 0 degrees and scale 1 returns the image', () => {
    const r = rotateGray(gray, w, h, 0, 1);
    expect([r.width, r.height]).toEqual([w, h]);
    expect([...r.data]).toEqual([...gray]);
    expect(r.toSource(3.5, 1.5)).toEqual({ x: 3.5, y: 1.5 });
  });

  it('at 90 degrees swaps the sides and moves each pixel where the map says', () => {
    const r = rotateGray(gray, w, h, 90, 1);
    expect([r.width, r.height]).toEqual([h, w]);
    for (let v = 0; v < r.height; v++) {
      for (let u = 0; u < r.width; u++) {
        const s = r.toSource(u + 0.5, v + 0.5);
        expect(r.data[v * r.width + u]).toBe(gray[Math.round(s.y - 0.5) * w + Math.round(s.x - 0.5)]);
      }
    }
    // Positive angles turn clockwise on screen (y down): the source's bottom-left corner comes to the top-left.
    expect(r.data[0]).toBe(gray[(h - 1) * w]);
  });

  it('scales: a 0.5 turn of a 40x30 image is half its size, and maps back to the source', () => {
    const r = rotateGray(new Uint8Array(40 * 30), 40, 30, 0, 0.5);
    expect([r.width, r.height]).toEqual([20, 15]);
    const p = r.toSource(10, 7.5);
    expect(p.x).toBeCloseTo(20, 9);
    expect(p.y).toBeCloseTo(15, 9);
  });
});
