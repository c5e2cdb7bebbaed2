import type { Point } from '@faceattr/core';

/**
 * Where MTCNN puts the five landmarks (image-left eye, right eye, nose, mouth left, mouth right)
 * on a UTKFace aligned 200x200 chip: the mean of this detector's landmarks over 100 train-split
 * chips (every 173rd train row of labels.csv, each padded by 60 px of gray), in chip pixels.
 * Align a detected face onto this template to reproduce UTKFace's crop, e.g. for attribute models
 * trained on those chips. Inter-ocular distance 78.5 px. Measured by
 * bench/measure-utkface-template.ts; the tests check it on the val split.
 */
export const UTKFACE_TEMPLATE_200: readonly Point[] = [
  { x: 59.5, y: 58.1 },
  { x: 138.0, y: 58.3 },
  { x: 99.1, y: 104.4 },
  { x: 62.6, y: 138.5 },
  { x: 134.0, y: 138.9 },
];
