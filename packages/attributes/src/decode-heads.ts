import { GENDER_LABELS, RACE_LABELS, type AgeEstimate, type GenderEstimate, type RaceEstimate, type RaceLabel } from '@faceattr/core';

/** Expected age and its standard deviation from a distribution over ages 0, 1, 2, ... */
export function decodeAge(probs: ArrayLike<number>, offset = 0): AgeEstimate {
  const n = probs.length - offset;
  let sum = 0;
  let mean = 0;
  for (let a = 0; a < n; a++) {
    sum += probs[offset + a]!;
    mean += a * probs[offset + a]!;
  }
  mean /= sum;
  let v = 0;
  for (let a = 0; a < n; a++) v += probs[offset + a]! * (a - mean) ** 2;
  return { years: mean, uncertainty: Math.sqrt(v / sum) };
}

/** The gender estimate from the gender head's probability that the face is perceived as female. */
export function decodeGender(femaleProbability: number): GenderEstimate {
  const female = femaleProbability >= 0.5;
  return {
    label: female ? GENDER_LABELS[1] : GENDER_LABELS[0],
    probability: female ? femaleProbability : 1 - femaleProbability,
    femaleProbability,
  };
}

/** The race estimate from the race head's five probabilities (in {@link RACE_LABELS} order), read from `offset`. */
export function decodeRace(probs: ArrayLike<number>, offset = 0): RaceEstimate {
  const probabilities = {} as Record<RaceLabel, number>;
  let best = 0;
  RACE_LABELS.forEach((label, i) => {
    probabilities[label] = probs[offset + i]!;
    if (probs[offset + i]! > probs[offset + best]!) best = i;
  });
  return { label: RACE_LABELS[best]!, probability: probs[offset + best]!, probabilities };
}
