import { RACE_LABELS } from '@faceattr/core';

/** One evaluated face: ground truth, and the prediction when a face was found. */
export interface EvalSample {
/** True age in years. */
  age: number;
  /** 0 male, 1 female */
  gender: 0 | 1;
  /** index into RACE_LABELS, or undefined when the dataset has no race label */
  race?: number;
  /** The prediction for the face found, or undefined when none was found. */
  pred?: {
    /** Predicted age in years. */
    age?: number;
    /** Predicted probability of female, in [0, 1]. */
    female?: number;
    /** Predicted race, an index into RACE_LABELS. */
    race?: number;
  };
}

/** FairFace's nine age bins. */
export const AGE_BINS_FAIRFACE = ['0-2', '3-9', '10-19', '20-29', '30-39', '40-49', '50-59', '60-69', '70+'] as const;

/** Index of `age`'s bin in {@link AGE_BINS_FAIRFACE}. */
export function fairFaceBin(age: number): number {
  if (age <= 2) return 0;
  if (age <= 9) return 1;
  return Math.min(8, Math.floor(age / 10) + 1);
}

/** The decade `age` falls in, as a label: `0-9`, `10-19`, ..., `80+`. */
export function decade(age: number): string {
  const d = Math.min(8, Math.floor(age / 10));
  return d === 8 ? '80+' : `${d * 10}-${d * 10 + 9}`;
}

/** Mean absolute age error over one group of faces. */
export interface GroupMae {
  /** Faces in the group. */
  n: number;
  /** Mean absolute error of the predicted age, in years. */
  mae: number;
}

/** Accuracy over one group of faces. */
export interface GroupAccuracy {
  /** Faces in the group. */
  n: number;
  /** Fraction predicted correctly, in [0, 1]. */
  acc: number;
}

/** What `faceattr eval` reports (and {@link computeMetrics} returns); accuracies are fractions in [0, 1]. */
export interface Metrics {
  /** Samples evaluated. */
  n: number;
  /** Samples where a face was found. */
  detected: number;
  /** Samples where no face was found (left out of every other number). */
  missed: number;
  /** Mean absolute age error, in years. */
  age_mae: number;
  /** Cumulative score at 5 years: the fraction of ages within 5 years. */
  age_cs5: number;
  /** Fraction of ages in the right FairFace bin ({@link AGE_BINS_FAIRFACE}). */
  age_bin_acc: number;
  /** Age MAE by the true age's decade. */
  age_mae_by_decade: Record<string, GroupMae>;
  /** Gender accuracy. */
  gender_acc: number;
  /** Gender accuracy by true race. */
  gender_acc_by_race: Record<string, GroupAccuracy>;
  /** Gender accuracy by the true age's FairFace bin. */
  gender_acc_by_age_bin: Record<string, GroupAccuracy>;
  /** Race accuracy (samples with a race label). */
  race_acc: number;
  /** Mean F1 over the race classes present. */
  race_macro_f1: number;
  /** Recall of each race class. */
  race_recall_by_class: Record<string, number>;
  /** Precision of each race class. */
  race_precision_by_class: Record<string, number>;
  /** Age MAE by true race. */
  age_mae_by_race: Record<string, GroupMae>;
  /** Age MAE by true gender. */
  age_mae_by_gender: Record<string, GroupMae>;
  /** Race accuracy by true gender. */
  race_acc_by_gender: Record<string, GroupAccuracy>;
}

const round = (v: number, d = 4) => Math.round(v * 10 ** d) / 10 ** d;

function groupMean<T>(items: T[], key: (t: T) => string, value: (t: T) => number) {
  const g: Record<string, { n: number; sum: number }> = {};
  for (const it of items) {
    const k = key(it);
    g[k] ??= { n: 0, sum: 0 };
    g[k].n++;
    g[k].sum += value(it);
  }
  return Object.fromEntries(Object.entries(g).sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true })).map(([k, v]) => [k, { n: v.n, mean: v.sum / v.n }]));
}

/**
 * Metrics over faces that were detected; `missed` counts the rest. Accuracy numbers are
 * fractions in [0, 1]; age errors are in years.
 */
export function computeMetrics(samples: readonly EvalSample[]): Metrics {
  const det = samples.filter((s) => s.pred);
  const withAge = det.filter((s) => s.pred!.age !== undefined);
  const withGender = det.filter((s) => s.pred!.female !== undefined);
  const withRace = det.filter((s) => s.pred!.race !== undefined && s.race !== undefined);
  const err = (s: EvalSample) => Math.abs(s.pred!.age! - s.age);
  const genderOk = (s: EvalSample) => ((s.pred!.female! >= 0.5 ? 1 : 0) === s.gender ? 1 : 0);
  const raceName = (i: number | undefined) => (i === undefined ? 'unknown' : RACE_LABELS[i] ?? String(i));
  const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : Number.NaN);

  const recall: Record<string, number> = {};
  const precision: Record<string, number> = {};
  const f1s: number[] = [];
  RACE_LABELS.forEach((label, c) => {
    const tp = withRace.filter((s) => s.race === c && s.pred!.race === c).length;
    const fn = withRace.filter((s) => s.race === c && s.pred!.race !== c).length;
    const fp = withRace.filter((s) => s.race !== c && s.pred!.race === c).length;
    const r = tp + fn ? tp / (tp + fn) : 0;
    const p = tp + fp ? tp / (tp + fp) : 0;
    recall[label] = round(r);
    precision[label] = round(p);
    if (tp + fn > 0) f1s.push(p + r ? (2 * p * r) / (p + r) : 0);
  });
  const toAcc = (g: Record<string, { n: number; mean: number }>) =>
    Object.fromEntries(Object.entries(g).map(([k, v]) => [k, { n: v.n, acc: round(v.mean) }]));
  const toMae = (g: Record<string, { n: number; mean: number }>) =>
    Object.fromEntries(Object.entries(g).map(([k, v]) => [k, { n: v.n, mae: round(v.mean, 3) }]));
  return {
    n: samples.length,
    detected: det.length,
    missed: samples.length - det.length,
    age_mae: round(mean(withAge.map(err)), 3),
    age_cs5: round(mean(withAge.map((s) => (err(s) <= 5 ? 1 : 0)))),
    age_bin_acc: round(mean(withAge.map((s) => (fairFaceBin(s.pred!.age!) === fairFaceBin(s.age) ? 1 : 0)))),
    age_mae_by_decade: toMae(groupMean(withAge, (s) => decade(s.age), err)),
    gender_acc: round(mean(withGender.map(genderOk))),
    gender_acc_by_race: toAcc(groupMean(withGender, (s) => raceName(s.race), genderOk)),
    gender_acc_by_age_bin: toAcc(groupMean(withGender, (s) => AGE_BINS_FAIRFACE[fairFaceBin(s.age)]!, genderOk)),
    race_acc: round(mean(withRace.map((s) => (s.pred!.race === s.race ? 1 : 0)))),
    race_macro_f1: round(mean(f1s)),
    race_recall_by_class: recall,
    race_precision_by_class: precision,
    age_mae_by_race: toMae(groupMean(withAge, (s) => raceName(s.race), err)),
    age_mae_by_gender: toMae(groupMean(withAge, (s) => (s.gender ? 'female' : 'male'), err)),
    race_acc_by_gender: toAcc(groupMean(withRace, (s) => (s.gender ? 'female' : 'male'), (s) => (s.pred!.race === s.race ? 1 : 0))),
  };
}
