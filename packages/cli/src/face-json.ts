import type { FaceResult } from '@faceattr/core';

const r = (v: number, d: number) => Math.round(v * 10 ** d) / 10 ** d;

/** The JSON shape `faceattr analyze --json` prints for one face. */
export interface FaceJson {
  /** The face's box in image pixels, rounded to 0.1. */
  box: {
    /** Left edge. */
    x: number;
    /** Top edge. */
    y: number;
    /** Width. */
    width: number;
    /** Height. */
    height: number;
  };
  /** Detector confidence in [0, 1], 4 decimals. */
  score: number;
  /** The five landmarks by name (`leftEye`, `rightEye`, `nose`, `mouthLeft`, `mouthRight`), rounded to 0.1 px. */
  landmarks: Record<
    string,
    {
      /** Horizontal position in pixels. */
      x: number;
      /** Vertical position in pixels. */
      y: number;
    }
  >;
  /** `detector` or `estimated-from-box`. */
  landmarkSource: string;
  /** Perceived age in years, 2 decimals. */
  age?: number;
  /** Standard deviation of the age distribution, in years. */
  ageUncertainty?: number;
  /** Perceived gender. */
  gender?: {
    /** `male` or `female`. */
    label: string;
    /** Probability of `label`, 4 decimals. */
    probability: number;
  };
  /** Perceived race, only with `--attributes ...,race`. */
  race?: {
    /** The most probable class. */
    label: string;
    /** Every class's probability, 4 decimals. */
    probabilities: Record<string, number>;
  };
  /** The encoder's embedding of the aligned face (`--embedding`), 6 decimals. */
  embedding?: number[];
}

/** A face as `--json` prints it: numbers rounded, attributes flattened. */
export function faceToJson(f: FaceResult): FaceJson {
  const out: FaceJson = {
    box: { x: r(f.box.x, 1), y: r(f.box.y, 1), width: r(f.box.width, 1), height: r(f.box.height, 1) },
    score: r(f.score, 4),
    landmarks: Object.fromEntries(Object.entries(f.landmarks).map(([k, p]) => [k, { x: r(p.x, 1), y: r(p.y, 1) }])),
    landmarkSource: f.landmarkSource,
  };
  if (f.age) {
    out.age = r(f.age.years, 2);
    out.ageUncertainty = r(f.age.uncertainty, 2);
  }
  if (f.gender) out.gender = { label: f.gender.label, probability: r(f.gender.probability, 4) };
  if (f.race) out.race = { label: f.race.label, probabilities: Object.fromEntries(Object.entries(f.race.probabilities).map(([k, v]) => [k, r(v, 4)])) };
  if (f.embedding) out.embedding = Array.from(f.embedding, (v) => r(v, 6));
  return out;
}

const CSV_HEADER = 'file,width,height,face,x,y,box_width,box_height,score,age,age_uncertainty,gender,gender_probability,race,race_probability,frame,timestamp_ms,track_id,error_code,error_message';

export function csvHeader(): string {
  return CSV_HEADER;
}

function csvField(v: unknown): string {
  const s = v === undefined ? '' : String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Where a face of a video was seen; empty columns for images. */
export interface CsvVideoFields {
  frame: number;
  timestampMs: number;
  trackId: number;
}

/**
 * One CSV row; `frame,timestamp_ms,track_id` are filled for faces in videos (one row per face per frame).
 * An image without faces gets one row with empty face columns; a file that failed, one with `error_*`.
 */
export function faceCsvRow(
  file: string,
  width: number | undefined,
  height: number | undefined,
  i: number | undefined,
  f: FaceJson | undefined,
  video?: CsvVideoFields,
  error?: { code: string; message: string },
): string {
  return [
    file, width, height, i, f?.box.x, f?.box.y, f?.box.width, f?.box.height, f?.score, f?.age, f?.ageUncertainty,
    f?.gender?.label, f?.gender?.probability, f?.race?.label, f?.race ? f.race.probabilities[f.race.label] : undefined,
    video?.frame, video?.timestampMs, video?.trackId, error?.code, error?.message,
  ].map(csvField).join(',');
}
