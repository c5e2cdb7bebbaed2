import type { FaceResult } from '@faceattr/core';

const r = (v: number, d: number) => Math.round(v * 10 ** d) / 10 ** d;

/** The JSON shape `faceattr analyze --json` prints for one face. */
export interface FaceJson {
  box: { x: number; y: number; width: number; height: number };
  score: number;
  landmarks: Record<string, { x: number; y: number }>;
  landmarkSource: string;
  age?: number;
  ageUncertainty?: number;
  gender?: { label: string; probability: number };
  race?: { label: string; probabilities: Record<string, number> };
}

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
  return out;
}

const CSV_HEADER = 'file,width,height,face,x,y,box_width,box_height,score,age,age_uncertainty,gender,gender_probability,race,race_probability,frame,timestamp_ms,track_id';

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

/** One CSV row; `frame,timestamp_ms,track_id` are filled for faces in videos (one row per face per frame). */
export function faceCsvRow(file: string, width: number, height: number, i: number, f: FaceJson, video?: CsvVideoFields): string {
  return [
    file, width, height, i, f.box.x, f.box.y, f.box.width, f.box.height, f.score, f.age, f.ageUncertainty,
    f.gender?.label, f.gender?.probability, f.race?.label, f.race ? f.race.probabilities[f.race.label] : undefined,
    video?.frame, video?.timestampMs, video?.trackId,
  ].map(csvField).join(',');
}
