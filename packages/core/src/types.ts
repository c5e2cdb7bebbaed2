/** A 2-D point in image pixels. */
export interface Point {
/** Horizontal position, pixels from the left edge. */
  x: number;
/** Vertical position, pixels from the top edge. */
  y: number;
}

/** Axis-aligned box in image pixels: top-left corner plus size. */
export interface Box {
/** Left edge, in pixels. */
  x: number;
/** Top edge, in pixels. */
  y: number;
/** Width in pixels. */
  width: number;
/** Height in pixels. */
  height: number;
}

/**
 * Five facial landmarks in image pixels, in this order:
 * the subject's left eye (image right), right eye, nose tip, left mouth corner, right mouth corner.
 * Stored as image-left first: `leftEye` is the eye with the smaller x in an upright frontal face.
 */
export interface Landmarks5 {
/** Centre of the eye with the smaller x (the subject's right eye in a frontal face). */
  leftEye: Point;
/** Centre of the eye with the larger x. */
  rightEye: Point;
/** Tip of the nose. */
  nose: Point;
/** Mouth corner with the smaller x. */
  mouthLeft: Point;
/** Mouth corner with the larger x. */
  mouthRight: Point;
}

/** How the landmarks of a face were obtained. */
export type LandmarkSource = 'detector' | 'estimated-from-box';

/** One detection from a {@link FaceDetector}. */
export interface DetectedFace {
/** The face's bounding box in image pixels. */
  box: Box;
  /** Detector confidence in [0, 1]. */
  score: number;
/** Five landmarks, when the detector finds them (MTCNN does; Haar does not). */
  landmarks?: Landmarks5;
}

/** An attribute a pipeline can predict; `race` is opt-in. */
export type AttributeName = 'age' | 'gender' | 'race';

/** The five UTKFace race classes, in the order the race head outputs them. */
export const RACE_LABELS = ['White', 'Black', 'Asian', 'Indian', 'Others'] as const;
/** One of {@link RACE_LABELS}. */
export type RaceLabel = (typeof RACE_LABELS)[number];

/** The gender head's two classes, as labelled in UTKFace. */
export const GENDER_LABELS = ['male', 'female'] as const;
/** One of {@link GENDER_LABELS}. */
export type GenderLabel = (typeof GENDER_LABELS)[number];

/** Perceived age: the mean and spread of the age head's distribution over 0..100 years. */
export interface AgeEstimate {
  /** Perceived age in years (expected value of the predicted distribution). */
  years: number;
  /** One standard deviation of the predicted age distribution, in years. */
  uncertainty: number;
}

/** Perceived gender from the gender head's sigmoid. */
export interface GenderEstimate {
/** The more probable class. */
  label: GenderLabel;
  /** Probability of `label`, in [0.5, 1]. */
  probability: number;
  /** Probability that the face is perceived as female, in [0, 1]. */
  femaleProbability: number;
}

/** Perceived race over UTKFace's five classes (opt-in: ask for `race` in `attributes`). */
export interface RaceEstimate {
/** The most probable class. */
  label: RaceLabel;
  /** Probability of `label`. */
  probability: number;
  /** Full distribution over {@link RACE_LABELS}; sums to 1. */
  probabilities: Record<RaceLabel, number>;
}

/** Raw output of an {@link AttributeModel} for one aligned face. */
export interface AttributePrediction {
/** Present when `age` was asked for. */
  age?: AgeEstimate;
/** Present when `gender` was asked for. */
  gender?: GenderEstimate;
/** Present when `race` was asked for. */
  race?: RaceEstimate;
/** The encoder's embedding of the aligned face, when the request asked for it. */
  embedding?: Float32Array;
}

/** One face found by a pipeline, with the attributes that were asked for. */
export interface FaceResult {
/** The face's bounding box in the input image's pixels. */
  box: Box;
  /** Detector confidence in [0, 1]. */
  score: number;
/** Five landmarks in image pixels: from the detector, or estimated from the box (see `landmarkSource`). */
  landmarks: Landmarks5;
/** Whether `landmarks` came from the detector or were estimated from the box (Haar). */
  landmarkSource: LandmarkSource;
/** Perceived age; present when `age` is in the requested attributes (it is by default). */
  age?: AgeEstimate;
/** Perceived gender; present when `gender` is in the requested attributes (it is by default). */
  gender?: GenderEstimate;
  /** Only present when `race` is in the requested attributes. */
  race?: RaceEstimate;
  /** Only present when `returnEmbedding` is set. */
  embedding?: Float32Array;
}
