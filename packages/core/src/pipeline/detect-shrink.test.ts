import { describe, expect, it } from 'vitest';
import { expectFaceAttrError } from '../testing/expect-error.js';
import { fakeAttributeModel, fakeBackend, fakeDetector } from '../testing/fake-plugins.js';
import type { RgbImage } from '../image/image-types.js';
import type { DetectedFace, Landmarks5 } from '../types.js';
import { createPipeline } from './create-pipeline.js';
import { REDUCED_ALIGN_MIN_SPREAD, landmarkSpread } from './face-stages.js';
import { AUTO_SHRINK_FACE_PX } from './options.js';

const image = (w: number, h: number): RgbImage => ({ data: new Uint8Array(w * h * 3).fill(90), width: w, height: h, channels: 3 });

/** Five landmarks of a frontal face of side `s` at (x, y), in the proportions of a face box. */
function face(x: number, y: number, s: number): DetectedFace {
  const p = (u: number, v: number) => ({ x: x + u * s, y: y + v * s });
  const landmarks: Landmarks5 = { leftEye: p(0.3, 0.4), rightEye: p(0.7, 0.4), nose: p(0.5, 0.6), mouthLeft: p(0.35, 0.8), mouthRight: p(0.65, 0.8) };
  return { box: { x, y, width: s, height: s }, score: 0.9, landmarks };
}

/** A pipeline whose detector declares `minFaceSize` (or not) and finds `faces` in the caller's pixels, wherever it is given a shrunk copy. */
async function setup(minFaceSize: number | undefined, faces: DetectedFace[], detectShrink?: 'auto' | 1 | 2 | 4 | 8) {
  const seen: { width: number; shrink: unknown }[] = [];
  const detector = fakeDetector({
    // The fake answers in the pixels it is given: the scripted faces divided by the shrink it was told.
    faces: (call, img) => {
      const k = (detector.detectArgs[call]![1] as { shrink?: number } | undefined)?.shrink ?? 1;
      seen.push({ width: img.width, shrink: k });
      return faces.map((f) => ({ ...f, box: { x: f.box.x / k, y: f.box.y / k, width: f.box.width / k, height: f.box.height / k }, landmarks: scale(f.landmarks!, 1 / k) }));
    },
  });
  if (minFaceSize !== undefined) Object.assign(detector, { minFaceSize });
  const model = fakeAttributeModel();
  const widths: number[] = [];
  const predict = model.predict;
  Object.assign(model, { predict: (img: RgbImage, f: readonly Landmarks5[], r: never) => (widths.push(img.width), predict(img, f, r)) });
  const pipeline = await createPipeline({ backend: fakeBackend(), detector, attributeModel: model, ...(detectShrink !== undefined && { detectShrink }) });
  return { pipeline, seen, widths, model };
}

function scale(l: Landmarks5, f: number): Landmarks5 {
  const p = (q: { x: number; y: number }) => ({ x: q.x * f, y: q.y * f });
  return { leftEye: p(l.leftEye), rightEye: p(l.rightEye), nose: p(l.nose), mouthLeft: p(l.mouthLeft), mouthRight: p(l.mouthRight) };
}

describe('detectShrink', () => {
  it('bad values are INVALID_OPTIONS naming detectShrink, from createPipeline() and detect()', async () => {
    for (const v of [3, 0, 0.5, '2', 'half', null, Number.NaN]) {
      const e = await expectFaceAttrError((await setup(40, [])).pipeline.detect(image(8, 8), { detectShrink: v as never }), 'INVALID_OPTIONS');
      expect(e.message).toContain('"detectShrink" must be \'auto\', 1, 2, 4 or 8');
      expect(e.details).toEqual({ option: 'detectShrink' });
      await expectFaceAttrError(setup(40, [], v as never), 'INVALID_OPTIONS');
    }
  });

  it('a number above 1 with a detector without minFaceSize is refused before detecting; auto leaves such a detector the full image', async () => {
    const { pipeline, seen } = await setup(undefined, [face(100, 100, 200)]);
    const e = await expectFaceAttrError(pipeline.detect(image(640, 480), { detectShrink: 2 }), 'INVALID_OPTIONS');
    expect(e.message).toContain('"detectShrink" 2 needs a detector that declares minFaceSize');
    expect(seen).toEqual([]);
    await pipeline.detect(image(640, 480), { detectShrink: 'auto' });
    expect(seen).toEqual([{ width: 640, shrink: 1 }]);
    await pipeline.dispose();
  });

  it(`auto shrinks while minFaceSize stays >= ${AUTO_SHRINK_FACE_PX} px; the detector is told the shrink; results are in the caller's pixels`, async () => {
    const f = face(320, 160, 100);
    for (const [min, k] of [[40, 2], [20, 1], [48, 4], [96, 8], [1000, 8]] as const) {
      const { pipeline, seen } = await setup(min, [f], 'auto');
      const [got] = await pipeline.detect(image(1281, 721));
      expect(seen).toEqual([{ width: Math.ceil(1281 / k), shrink: k }]);
      expect(got!.box).toEqual(f.box);
      expect(got!.landmarks.nose.x).toBeCloseTo(f.landmarks!.nose.x, 9);
      await pipeline.dispose();
    }
  });

  it('default 1: the detector gets the image as given; a per-call value overrides the pipeline\'s', async () => {
    const { pipeline, seen } = await setup(40, [face(10, 10, 50)]);
    await pipeline.detect(image(400, 300));
    await pipeline.detect(image(400, 300), { detectShrink: 4 });
    expect(seen).toEqual([{ width: 400, shrink: 1 }, { width: 100, shrink: 4 }]);
    await pipeline.dispose();
  });

  it('boxes mapped back are clipped to the image (the shrunk copy rounds its size up)', async () => {
    const { pipeline } = await setup(40, [face(1201, 1, 80)], 2);
    const [got] = await pipeline.detect(image(1281, 81));
    expect(got!.box.x + got!.box.width).toBeLessThanOrEqual(1281);
    expect(got!.box.y + got!.box.height).toBeLessThanOrEqual(81);
    await pipeline.dispose();
  });

  it(`small faces are aligned from the full image, large ones from the smallest halving they spread ${REDUCED_ALIGN_MIN_SPREAD} px in`, async () => {
    // Spread is 0.239 of the face side: 24 px (full image), 95 (48 at half, 24 at a quarter: half), 191 (48 at a quarter, as far as shrink 4 goes).
    const faces = [face(50, 50, 100), face(600, 50, 400), face(1100, 100, 800)];
    expect(faces.map((f) => Math.round(landmarkSpread(f.landmarks!)))).toEqual([24, 95, 191]);
    const { pipeline, widths } = await setup(48, faces, 4);
    const got = await pipeline.detect(image(2000, 1000), { maxFaces: 3 });
    // Each face's prediction came from its own copy: the fake's age is the left eye's x in the pixels it was given.
    const byX = [...got].sort((a, b) => a.box.x - b.box.x);
    expect(byX.map((g) => g.age!.years)).toEqual([faces[0]!.landmarks!.leftEye.x, faces[1]!.landmarks!.leftEye.x / 2, faces[2]!.landmarks!.leftEye.x / 4]);
    expect(widths.sort((a, b) => a - b)).toEqual([500, 1000, 2000]);
    await pipeline.dispose();
  });
});
