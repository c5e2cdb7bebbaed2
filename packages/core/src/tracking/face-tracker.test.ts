import { describe, expect, it } from 'vitest';
import { estimateLandmarksFromBox } from '../geometry/align.js';
import type { AttributePrediction, Box } from '../types.js';
import { FaceTracker, type TrackerDetection } from './face-tracker.js';
import { resolveTrackOptions } from './track-options.js';
import { expectFaceAttrError } from '../testing/expect-error.js';

const det = (x: number, y: number, size = 100): TrackerDetection => {
  const box: Box = { x, y, width: size, height: size };
  return { box, score: 0.99, landmarks: estimateLandmarksFromBox(box), landmarkSource: 'estimated-from-box' };
};
const pred = (years: number, female: number, white = 0.6): AttributePrediction => ({
  age: { years, uncertainty: 3 },
  gender: { label: female >= 0.5 ? 'female' : 'male', probability: Math.max(female, 1 - female), femaleProbability: female },
  race: { label: 'White', probability: white, probabilities: { White: white, Black: 1 - white, Asian: 0, Indian: 0, Others: 0 } },
});
const settings = { smoothing: 0.5, iouThreshold: 0.3, maxMissed: 2, attributesEvery: 1 };

describe('FaceTracker', () => {
  it('keeps one id per face while it moves and gives new faces new ids', () => {
    const t = new FaceTracker(settings);
    const a = t.observe([det(0, 0), det(300, 0)], 0).seen.map((s) => s.id);
    expect(a).toEqual([1, 2]);
    // Listed in the other order and moved 20 px: matching is by overlap, not by position in the list.
    const b = t.observe([det(320, 10), det(20, 5)], 1).seen.map((s) => s.id);
    expect(b).toEqual([2, 1]);
    const c = t.observe([det(40, 10), det(340, 10), det(600, 300)], 2).seen.map((s) => s.id);
    expect(c).toEqual([1, 2, 3]);
  });

  it('drops a face after maxMissed detector runs without it, and never reuses its id', () => {
    const t = new FaceTracker(settings);
    t.observe([det(0, 0)], 0);
    t.observe([], 1);
    t.observe([], 2);
    // Back within maxMissed (2) runs: same id.
    expect(t.observe([det(5, 0)], 3).seen[0]!.id).toBe(1);
    t.observe([], 4);
    t.observe([], 5);
    t.observe([], 6);
    expect(t.size).toBe(0);
    expect(t.observe([det(5, 0)], 7).seen[0]!.id).toBe(2);
    t.reset();
    expect(t.observe([det(5, 0)], 8).seen[0]!.id).toBe(3);
  });

  it('averages age and probabilities exponentially, and labels follow the averaged probabilities', () => {
    const t = new FaceTracker(settings);
    const [track] = t.observe([det(0, 0)], 0).seen;
    t.update(track!, pred(20, 0.9, 0.8), 0);
    let face = t.toResult(track!);
    expect(face.age!.years).toBe(20);
    expect(face.gender!.label).toBe('female');
    t.observe([det(2, 0)], 1);
    t.update(track!, pred(40, 0.1, 0.2), 1);
    face = t.toResult(track!);
    expect(face.age!.years).toBeCloseTo(30, 10);
    expect(face.gender!.femaleProbability).toBeCloseTo(0.5, 10);
    expect(face.race!.probabilities.White).toBeCloseTo(0.5, 10);
    t.observe([det(4, 0)], 2);
    t.update(track!, pred(40, 0.1, 0.2), 2);
    face = t.toResult(track!);
    expect(face.age!.years).toBeCloseTo(35, 10);
    expect(face.gender!.label).toBe('male');
    expect(face.gender!.probability).toBeCloseTo(0.7, 10);
    expect(face.race!.label).toBe('Black');
    const sum = Object.values(face.race!.probabilities).reduce((s, v) => s + v, 0);
    expect(sum).toBeCloseTo(1, 10);
  });

  it('asks for attributes of new tracks and then every attributesEvery frames', () => {
    const t = new FaceTracker({ ...settings, attributesEvery: 3 });
    const due: number[] = [];
    for (let f = 0; f < 7; f++) {
      const o = t.observe([det(f, 0)], f);
      for (const d of o.due) t.update(d, pred(30, 0.5), f);
      if (o.due.length) due.push(f);
    }
    expect(due).toEqual([0, 3, 6]);
  });

  it('rejects bad tracking options with INVALID_OPTIONS', async () => {
    expect(resolveTrackOptions(undefined)).toEqual({ detectEvery: 1, attributesEvery: 1, maxMissed: 5, smoothing: 0.3, iouThreshold: 0.3 });
    for (const bad of [{ detectEvery: 0 }, { detectEvery: 1.5 }, { smoothing: 0 }, { smoothing: 2 }, { iouThreshold: 1 }, { maxMissed: -1 }, { attributesEvery: '2' }]) {
      await expectFaceAttrError(Promise.resolve().then(() => resolveTrackOptions(bad as never)), 'INVALID_OPTIONS');
    }
  });
});
