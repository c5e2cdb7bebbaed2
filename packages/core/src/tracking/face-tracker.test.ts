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
const settings = { smoothing: 0.5, iouThreshold: 0.3, maxMissed: 2, attributesEvery: 1, attributesMaxMove: 0.2 };

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
    let face = t.toResult(track!, 0);
    expect(face.age!.years).toBe(20);
    expect(face.gender!.label).toBe('female');
    t.observe([det(2, 0)], 1);
    t.update(track!, pred(40, 0.1, 0.2), 1);
    face = t.toResult(track!, 1);
    expect(face.age!.years).toBeCloseTo(30, 10);
    expect(face.gender!.femaleProbability).toBeCloseTo(0.5, 10);
    expect(face.race!.probabilities.White).toBeCloseTo(0.5, 10);
    t.observe([det(4, 0)], 2);
    t.update(track!, pred(40, 0.1, 0.2), 2);
    face = t.toResult(track!, 2);
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

  it('re-predicts a known track early once its box moved or scaled by more than attributesMaxMove of its width; reports the attributes\' age', () => {
    const t = new FaceTracker({ ...settings, attributesEvery: 100, attributesMaxMove: 0.2 });
    // Box 100 px wide: up to 20 px of shift (centre) or of width change since the last prediction is "still".
    const steps: [number, number, number][] = [[0, 0, 100], [10, 0, 100], [20, 0, 100], [21, 0, 100], [21, 0, 100], [21, 15, 100], [21, 0, 125], [21, 0, 125]];
    const due: number[] = [];
    const ages: (number | undefined)[] = [];
    steps.forEach(([x, y, size], f) => {
      const o = t.observe([det(x - (size - 100) / 2, y, size)], f);
      for (const d of o.due) t.update(d, pred(30, 0.5), f);
      if (o.due.length) due.push(f);
      ages.push(t.toResult(o.seen[0]!, f).attributesAge);
    });
    // 0: new; 3: 21 px right of frame 0's box; 6: 25 px wider than frame 3's (the shift of 15 px at frame 5 is within 20).
    expect(due).toEqual([0, 3, 6]);
    expect(ages).toEqual([0, 1, 2, 0, 1, 2, 0, 1]);
    // Infinity: only attributesEvery re-predicts, however far the face moves.
    const still = new FaceTracker({ ...settings, attributesEvery: 3, attributesMaxMove: Infinity });
    const stillDue: number[] = [];
    for (let f = 0; f < 7; f++) {
      const o = still.observe([det(f * 40, 0)].map((d) => ({ ...d, box: { ...d.box, width: 400, height: 400 } })), f);
      for (const d of o.due) still.update(d, pred(30, 0.5), f);
      if (o.due.length) stillDue.push(f);
    }
    expect(stillDue).toEqual([0, 3, 6]);
  });

  it('predictedBoxes(frame): each visible track moved on at its last velocity (per frame, across skipped frames)', () => {
    const t = new FaceTracker(settings);
    t.observe([det(0, 0), det(300, 0)], 0);
    expect(t.predictedBoxes(1).map((b) => [b.x, b.y])).toEqual([[0, 0], [300, 0]]); // one sighting: no motion yet
    t.observe([det(10, 4), det(300, 0)], 2); // 5 px and 2 px per frame over 2 frames
    expect(t.predictedBoxes(3).map((b) => [b.x, b.y, b.width])).toEqual([[15, 6, 100], [300, 0, 100]]);
    expect(t.predictedBoxes(5).map((b) => [b.x, b.y])).toEqual([[25, 10], [300, 0]]);
    t.observe([det(12, 4)], 3); // the second face missed: no longer visible, not predicted
    expect(t.predictedBoxes(4).map((b) => [b.x, b.y])).toEqual([[14, 4]]);
  });

  it('a track without predictions has no attributesAge', () => {
    const t = new FaceTracker(settings);
    const [track] = t.observe([det(0, 0)], 0).seen;
    expect(t.toResult(track!, 0).attributesAge).toBeUndefined();
  });

  it('rejects bad tracking options with INVALID_OPTIONS', async () => {
    expect(resolveTrackOptions(undefined)).toEqual({ detectEvery: 1, searchEvery: 5, attributesEvery: 15, attributesMaxMove: 0.2, maxMissed: 5, smoothing: 0.3, iouThreshold: 0.3 });
    expect(resolveTrackOptions({ attributesMaxMove: Infinity }).attributesMaxMove).toBe(Infinity);
    expect(resolveTrackOptions({ attributesMaxMove: 0 }).attributesMaxMove).toBe(0);
    for (const bad of [{ detectEvery: 0 }, { detectEvery: 1.5 }, { searchEvery: 0 }, { smoothing: 0 }, { smoothing: 2 }, { iouThreshold: 1 }, { maxMissed: -1 }, { attributesEvery: '2' }, { attributesMaxMove: -0.1 }, { attributesMaxMove: Number.NaN }, { attributesMaxMove: '0.2' }]) {
      await expectFaceAttrError(Promise.resolve().then(() => resolveTrackOptions(bad as never)), 'INVALID_OPTIONS');
    }
  });
});
