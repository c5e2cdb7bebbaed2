import { iou } from '../geometry/nms.js';
import {
  GENDER_LABELS,
  RACE_LABELS,
  type AttributePrediction,
  type Box,
  type FaceResult,
  type Landmarks5,
  type LandmarkSource,
  type RaceLabel,
} from '../types.js';
import type { TrackedFace } from './track-types.js';

/** Tracker settings after validation (see `TrackOptions`). */
export interface FaceTrackerSettings {
/** Weight of the newest observation in each track's moving average, in (0, 1]. */
  smoothing: number;
/** Smallest IoU for a detection to continue a track. */
  iouThreshold: number;
/** Detector runs a track survives without a match. */
  maxMissed: number;
/** Frames between attribute predictions for a known track whose box holds still. */
  attributesEvery: number;
/** Re-predict a known track sooner once its box has moved or scaled by more than this fraction of its width. */
  attributesMaxMove: number;
}

/** A detection the tracker can follow: a {@link FaceResult} before attributes. */
export interface TrackerDetection {
/** {@inheritDoc FaceResult.box} */
  box: Box;
/** {@inheritDoc FaceResult.score} */
  score: number;
/** {@inheritDoc FaceResult.landmarks} */
  landmarks: Landmarks5;
/** {@inheritDoc FaceResult.landmarkSource} */
  landmarkSource: LandmarkSource;
}

interface Track {
  id: number;
  box: Box;
  score: number;
  landmarks: Landmarks5;
  landmarkSource: LandmarkSource;
  hits: number;
  missed: number;
  /** Frame index of the last detection matched to this track. */
  seenAt: number;
  /** The box centre's movement per frame between its last two detections (0 before the second). */
  vx: number;
  vy: number;
  /** Frame index of the last attribute prediction, or -Infinity before the first. */
  attributesAt: number;
  /** The box at the last attribute prediction: how far the face has moved since. */
  attributesBox?: Box;
  age?: { years: number; uncertainty: number };
  female?: number;
  race?: number[];
  embedding?: Float32Array;
}

/**
 * Follows faces across frames: greedy IoU matching of each detector run to the live tracks, stable ids,
 * and an exponential moving average of age and probabilities per track. Pure state, no inference:
 * the pipeline runs the models and feeds the results in.
 */
export class FaceTracker {
  #tracks: Track[] = [];
  #nextId = 1;

  constructor(
    /** The tracker's settings, as validated from `TrackOptions`. */
    readonly settings: FaceTrackerSettings,
  ) {}

  /** Live tracks (including ones currently missed), for inspection and tests. */
  get size(): number {
    return this.#tracks.length;
  }

  /**
   * Matches one detector run to the tracks. Returns the tracks seen in this frame and, of those, the ones
   * whose attributes are due: new tracks, tracks `attributesEvery` frames past their last prediction, and
   * tracks whose box moved or scaled by more than `attributesMaxMove` of its width since that prediction.
   */
  observe(detections: readonly TrackerDetection[], frameIndex: number): {
    /** The tracks matched or started by this run. */
    seen: Track[];
    /** Those of `seen` whose attributes should be predicted now. */
    due: Track[];
  } {
    const pairs: { t: number; d: number; overlap: number }[] = [];
    this.#tracks.forEach((track, t) =>
      detections.forEach((det, d) => {
        const overlap = iou(track.box, det.box);
        if (overlap >= this.settings.iouThreshold) pairs.push({ t, d, overlap });
      }),
    );
    // Greedy by overlap: the best-matching pairs claim each other first.
    pairs.sort((a, b) => b.overlap - a.overlap);
    const trackTaken = new Set<number>();
    const detTaken = new Map<number, Track>();
    for (const p of pairs) {
      if (trackTaken.has(p.t) || detTaken.has(p.d)) continue;
      trackTaken.add(p.t);
      detTaken.set(p.d, this.#tracks[p.t]!);
    }
    this.#tracks.forEach((track, t) => {
      if (!trackTaken.has(t)) track.missed++;
    });
    this.#tracks = this.#tracks.filter((t) => t.missed <= this.settings.maxMissed);
    const seen: Track[] = [];
    detections.forEach((det, d) => {
      let track = detTaken.get(d);
      if (!track) {
        track = { id: this.#nextId++, hits: 0, missed: 0, seenAt: frameIndex, vx: 0, vy: 0, attributesAt: -Infinity, ...copyDetection(det) };
        this.#tracks.push(track);
      } else {
        const frames = frameIndex - track.seenAt;
        if (frames > 0) {
          track.vx = (det.box.x + det.box.width / 2 - (track.box.x + track.box.width / 2)) / frames;
          track.vy = (det.box.y + det.box.height / 2 - (track.box.y + track.box.height / 2)) / frames;
        }
        Object.assign(track, copyDetection(det));
        track.missed = 0;
        track.seenAt = frameIndex;
      }
      track.hits++;
      seen.push(track);
    });
    const due = seen.filter((t) => frameIndex - t.attributesAt >= this.settings.attributesEvery || this.#moved(t));
    return { seen, due };
  }

  /** Whether the track's box moved (centre) or scaled (width) by more than `attributesMaxMove` of its width since its last prediction. */
  #moved(t: Track): boolean {
    const a = t.attributesBox;
    if (!a) return true;
    const limit = this.settings.attributesMaxMove * a.width;
    const shift = Math.hypot(t.box.x + t.box.width / 2 - (a.x + a.width / 2), t.box.y + t.box.height / 2 - (a.y + a.height / 2));
    return shift > limit || Math.abs(t.box.width - a.width) > limit;
  }

  /**
   * Where each visible track's face should be on `frameIndex`: its last box moved on at the box centre's last
   * velocity (constant motion), for a detector to look near (`FaceDetector.follow`).
   */
  predictedBoxes(frameIndex: number): Box[] {
    return this.visible().map((t) => {
      const dt = frameIndex - t.seenAt;
      return { x: t.box.x + t.vx * dt, y: t.box.y + t.vy * dt, width: t.box.width, height: t.box.height };
    });
  }

  /** Tracks currently visible (not missed), for frames where the detector did not run. */
  visible(): Track[] {
    return this.#tracks.filter((t) => t.missed === 0);
  }

  /** Folds a new prediction into a track's running averages. */
  update(track: Track, prediction: AttributePrediction, frameIndex: number): void {
    const a = track.attributesAt === -Infinity ? 1 : this.settings.smoothing;
    track.attributesAt = frameIndex;
    track.attributesBox = { ...track.box };
    if (prediction.age) {
      track.age = track.age
        ? { years: mix(track.age.years, prediction.age.years, a), uncertainty: mix(track.age.uncertainty, prediction.age.uncertainty, a) }
        : { ...prediction.age };
    }
    if (prediction.gender) {
      const f = prediction.gender.femaleProbability;
      track.female = track.female === undefined ? f : mix(track.female, f, a);
    }
    if (prediction.race) {
      const p = RACE_LABELS.map((l) => prediction.race!.probabilities[l]);
      track.race = track.race ? track.race.map((v, i) => mix(v, p[i]!, a)) : p;
    }
    if (prediction.embedding) track.embedding = prediction.embedding;
  }

  /**
   * The public view of a track: its latest box and landmarks with the smoothed attributes, and how many
   * frames before `frameIndex` those attributes were last predicted.
   */
  toResult(track: Track, frameIndex: number): TrackedFace {
    const face: TrackedFace = {
      trackId: track.id,
      hits: track.hits,
      box: { ...track.box },
      score: track.score,
      landmarks: track.landmarks,
      landmarkSource: track.landmarkSource,
    };
    if (track.age) face.age = { ...track.age };
    if (track.female !== undefined) {
      const female = track.female >= 0.5;
      face.gender = {
        label: female ? GENDER_LABELS[1] : GENDER_LABELS[0],
        probability: female ? track.female : 1 - track.female,
        femaleProbability: track.female,
      };
    }
    if (track.race) {
      const probabilities = Object.fromEntries(RACE_LABELS.map((l, i) => [l, track.race![i]!])) as Record<RaceLabel, number>;
      let best = 0;
      track.race.forEach((v, i) => {
        if (v > track.race![best]!) best = i;
      });
      face.race = { label: RACE_LABELS[best]!, probability: track.race[best]!, probabilities };
    }
    if (track.embedding) face.embedding = track.embedding;
    if (track.attributesAt !== -Infinity) face.attributesAge = frameIndex - track.attributesAt;
    return face;
  }

  /** Forgets every track; ids keep increasing so an old id never names a new face. */
  reset(): void {
    this.#tracks = [];
  }
}

function mix(previous: number, next: number, weight: number): number {
  return previous + weight * (next - previous);
}

function copyDetection(d: TrackerDetection) {
  return { box: { ...d.box }, score: d.score, landmarks: d.landmarks, landmarkSource: d.landmarkSource };
}
