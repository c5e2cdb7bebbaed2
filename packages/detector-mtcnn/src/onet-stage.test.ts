import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createModelContext, iou, type Box, type DetectedFace, type RgbImage } from '@faceattr/core';
import { tfjsBackend, type TfjsBackend } from '@faceattr/backend-tfjs';
import { frame640 } from '../test/support.js';
import { mtcnn } from './detector.js';
import { loadOnetStage, type OnetStage } from './index.js';

// The public O-Net stage on real weights and a real photo, against the full detector's own faces.
let backend: TfjsBackend;
let stage: OnetStage;
let frame: RgbImage;
let faces: DetectedFace[];

beforeAll(async () => {
  backend = tfjsBackend({ runtime: 'wasm' });
  await backend.init();
  frame = await frame640();
  const detector = mtcnn();
  await detector.load(createModelContext(backend));
  faces = await detector.detect(frame);
  await detector.dispose();
  stage = await loadOnetStage(createModelContext(backend));
});

afterAll(async () => {
  await stage?.release();
  await backend?.dispose();
});

const dist = (a: { x: number; y: number }, b: { x: number; y: number }) => Math.hypot(a.x - b.x, a.y - b.y);

describe('loadOnetStage(ctx).run(image, boxes)', () => {
  it("confirms the detector's faces: same faces, boxes and landmarks close to the detector's", async () => {
    expect(faces.length).toBeGreaterThanOrEqual(3);
    const out = await stage.run(frame, faces.map((f) => f.box));
    expect(out).toHaveLength(faces.length);
    out.forEach((r, i) => {
      const f = faces[i]!;
      expect(r.score).toBeGreaterThanOrEqual(0.7);
      expect(r.score).toBeLessThanOrEqual(1);
      // The crop is the box squared about its centre.
      expect(r.crop.width).toBeCloseTo(r.crop.height, 6);
      expect(r.crop.width).toBeCloseTo(Math.max(f.box.width, f.box.height), 6);
      expect(iou(r.box, f.box)).toBeGreaterThan(0.6);
      const iod = dist(f.landmarks!.leftEye, f.landmarks!.rightEye);
      for (const k of ['leftEye', 'rightEye', 'nose', 'mouthLeft', 'mouthRight'] as const) {
        expect(dist(r.landmarks[k], f.landmarks![k])).toBeLessThan(0.2 * iod);
      }
      expect(r.landmarks.leftEye.x).toBeLessThan(r.landmarks.rightEye.x);
      expect(r.landmarks.nose.y).toBeLessThan(r.landmarks.mouthLeft.y);
    });
  });

  it('rejects what is not a face, and keeps each result with its box (one batch, in order)', async () => {
    const f = faces[0]!.box;
    // The same size of box well away from every face: top-left corner of the frame, and off the image.
    const empty: Box = { x: 2, y: 2, width: f.width, height: f.width };
    const outside: Box = { x: -3 * f.width, y: -3 * f.width, width: f.width, height: f.width };
    expect(faces.every((face) => iou(face.box, empty) === 0)).toBe(true);
    const out = await stage.run(frame, [empty, f, outside]);
    expect(out.map((r) => r.score >= 0.7)).toEqual([false, true, false]);
    expect(out[0]!.score).toBeLessThan(0.3);
  });

  it('runs nothing for no boxes, checks boxes (INVALID_INPUT) and images, and frees O-Net on release()', async () => {
    expect(await stage.run(frame, [])).toEqual([]);
    for (const bad of [{ x: NaN, y: 0, width: 50, height: 50 }, { x: 0, y: 0, width: 0, height: 50 }, { x: 0, y: 0, width: 50, height: -1 }, null]) {
      await expect(stage.run(frame, [bad as never])).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    }
    await expect(stage.run({ data: new Uint8Array(5), width: 4, height: 4, channels: 3 }, [faces[0]!.box])).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    const own = await loadOnetStage(createModelContext(backend));
    const before = backend.memory().models;
    await own.release();
    await own.release();
    expect(backend.memory().models).toBe(before - 1);
    await expect(own.run(frame, [faces[0]!.box])).rejects.toMatchObject({ code: 'DISPOSED' });
  });
});
