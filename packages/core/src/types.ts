/** A 2-D point in image pixels. */
export interface Point {
  x: number;
  y: number;
}

/** Axis-aligned box in image pixels: top-left corner plus size. */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * Five facial landmarks in image pixels, in this order:
 * the subject's left eye (image right), right eye, nose tip, left mouth corner, right mouth corner.
 * Stored as image-left first: `leftEye` is the eye with the smaller x in an upright frontal face.
 */
export interface Landmarks5 {
  leftEye: Point;
  rightEye: Point;
  nose: Point;
  mouthLeft: Point;
  mouthRight: Point;
}

/** How the landmarks of a face were obtained. */
export type LandmarkSource = 'detector' | 'estimated-from-box';

/** One detection from a {@link FaceDetector}. */
export interface DetectedFace {
  box: Box;
  /** Detector confidence in [0, 1]. */
  score: number;
  landmarks?: Landmarks5;
}

export type AttributeName = 'age' | 'gender' | 'race';

/** The five UTKFace race classes, in the order the race head outputs them. */
export const RACE_LABELS = ['White', 'Black', 'Asian', 'Indian', 'Others'] as const;
export type RaceLabel = (typeof RACE_LABELS)[number];

export const GENDER_LABELS = ['male', 'female'] as const;
export type GenderLabel = (typeof GENDER_LABELS)[number];

export interface AgeEstimate {
  /** Perceived age in years (expected value of the predicted distribution). */
  years: number;
  /** One standard deviation of the predicted age distribution, in years. */
  uncertainty: number;
}

export interface GenderEstimate {
  label: GenderLabel;
  /** Probability of `label`, in [0.5, 1]. */
  probability: number;
  /** Probability that the face is perceived as female, in [0, 1]. */
  femaleProbability: number;
}

export interface RaceEstimate {
  label: RaceLabel;
  /** Probability of `label`. */
  probability: number;
  /** Full distribution over {@link RACE_LABELS}; sums to 1. */
  probabilities: Record<RaceLabel, number>;
}

/** Raw output of an {@link AttributeModel} for one aligned face. */
export interface AttributePrediction {
  age?: AgeEstimate;
  gender?: GenderEstimate;
  race?: RaceEstimate;
  embedding?: Float32Array;
}

/** One face found by a pipeline, with the attributes that were asked for. */
export interface FaceResult {
  box: Box;
  /** Detector confidence in [0, 1]. */
  score: number;
  landmarks: Landmarks5;
  landmarkSource: LandmarkSource;
  age?: AgeEstimate;
  gender?: GenderEstimate;
  /** Only present when `race` is in the requested attributes. */
  race?: RaceEstimate;
  /** Only present when `returnEmbedding` is set. */
  embedding?: Float32Array;
}
