import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createModelContext, createPipeline, iou, type Box, type DetectedFace, type RgbImage, type TrackFrame } from '@faceattr/core';
import { expectFaceAttrError } from '@faceattr/core/testing';
import { tfjsBackend, type TfjsBackend } from '@faceattr/backend-tfjs';
import { frame640 } from '../test/support.js';
import { mtcnn, type MtcnnDetector } from './detector.js';

// follow() (tracking between searches) on real weights: the faces of a 640x480 demo frame, moved.
let backend: TfjsBackend;
let detector: MtcnnDetector;
let frame: RgbImage;
let faces: DetectedFace[];

/** `image` moved by (dx, dy) px, grey where nothing was. */
function shifted(image: RgbImage, dx: number, dy: number): RgbImage {
  const { width, height } = image;
  const data = new Uint8Array(width * height * 3).fill(128);
  for (let y = Math.max(0, dy); y < Math.min(height, height + dy); y++) {
    const x0 = Math.max(0, dx);
    const x1 = Math.min(width, width + dx);
    data.set(image.data.subarray(((y - dy) * width + x0 - dx) * 3, ((y - dy) * width + x1 - dx) * 3), (y * width + x0) * 3);
  }
  return { data, width, height, channels: 3 };
}

beforeAll(async () => {
  backend = tfjsBackend({ runtime: 'wasm' });
  await backend.init();
  frame = await frame640();
  detector = mtcnn();
  await detector.load(createModelContext(backend));
  faces = await detector.detect(frame);
});

afterAll(async () => {
  await detector?.dispose();
  await backend?.dispose();
});

describe('mtcnn().follow(image, boxes)', () => {
  it('finds each face again after it moved 6% of its width, with the box and landmarks a search gives', async () => {
    expect(faces.length).toBeGreaterThanOrEqual(3);
    const moved = shifted(frame, 8, -5);
    const searched = await detector.detect(moved);
    const followed = await detector.follow(moved, faces.map((f) => f.box));
    expect(followed).toHaveLength(faces.length);
    for (const f of followed) {
      const best = Math.max(...searched.map((s) => iou(s.box, f.box)));
      // The old box is 8 px off; the followed one sits on the search's answer in the moved frame.
      const old = Math.max(...faces.map((s) => iou(s.box, f.box)));
      expect(best).toBeGreaterThan(0.8);
      expect(best).toBeGreaterThan(old);
      expect(f.score).toBeGreaterThanOrEqual(detector.options.thresholds[2]);
      const s = searched.find((x) => iou(x.box, f.box) === best)!;
      const iod = Math.hypot(s.landmarks!.rightEye.x - s.landmarks!.leftEye.x, s.landmarks!.rightEye.y - s.landmarks!.leftEye.y);
      expect(Math.hypot(f.landmarks!.nose.x - s.landmarks!.nose.x, f.landmarks!.nose.y - s.landmarks!.nose.y)).toBeLessThan(0.15 * iod);
    }
  });

  it('gives nothing for a box where no face is, and an empty list for no boxes', async () => {
    const f = faces[0]!.box;
    const empty: Box = { x: 2, y: 2, width: f.width, height: f.width };
    expect(faces.every((face) => iou(face.box, empty) === 0)).toBe(true);
    expect(await detector.follow(frame, [empty])).toEqual([]);
    expect(await detector.follow(frame, [])).toEqual([]);
    await expectFaceAttrError(detector.follow(frame, [{ x: 0, y: 0, width: Number.NaN, height: 4 }]), 'INVALID_INPUT');
  });

  it('needs load() first and fails with DISPOSED after dispose()', async () => {
    const fresh = mtcnn();
    await expectFaceAttrError(fresh.follow(frame, [faces[0]!.box]), 'DETECTOR_UNAVAILABLE');
    await fresh.load(createModelContext(backend));
    expect(await fresh.follow(frame, [faces[0]!.box])).toHaveLength(1);
    await fresh.dispose();
    await expectFaceAttrError(fresh.follow(frame, [faces[0]!.box]), 'DISPOSED');
  });
});

describe('track() with mtcnn: following between searches (searchEvery)', () => {
  it('a pan of 3 px per frame: the same faces and ids as searching every frame, boxes within a few px', async () => {
    await using pipeline = await createPipeline({ backend: tfjsBackend({ runtime: 'wasm' }), detector: mtcnn(), attributeModel: null, attributes: [] });
    const pan = Array.from({ length: 11 }, (_, i) => ({ image: shifted(frame, 3 * i, 0), timestampMs: 33 * i }));
    const run = async (searchEvery: number) => {
      const out: TrackFrame[] = [];
      await pipeline.track(pan, (f) => void out.push(f), { searchEvery, smoothing: 1 }).done;
      return out;
    };
    const every = await run(1);
    const followed = await run(5);
    expect(followed.map((f) => f.searched)).toEqual([true, false, false, false, false, true, false, false, false, false, true]);
    const byX = (f: TrackFrame) => [...f.faces].sort((a, b) => a.box.x - b.box.x);
    const first = (out: TrackFrame[]) => Math.min(...out[0]!.faces.map((x) => x.trackId));
    followed.forEach((f, i) => {
      const ref = byX(every[i]!);
      const got = byX(f);
      // Same faces, same tracks (ids relative to each run's first).
      expect(got.map((x) => x.trackId - first(followed))).toEqual(ref.map((x) => x.trackId - first(every)));
      got.forEach((x, k) => {
        expect(iou(x.box, ref[k]!.box)).toBeGreaterThan(0.75);
        expect(Math.abs(x.box.x + x.box.width / 2 - (ref[k]!.box.x + ref[k]!.box.width / 2))).toBeLessThan(0.1 * ref[k]!.box.width);
      });
    });
  });
});
