import type { Point } from '@faceattr/core';

/**
 * Where MTCNN puts the five landmarks (image-left eye, right eye, nose, mouth left, mouth right)
 * on a UTKFace aligned 200x200 chip: the mean of this detector's landmarks over 100 train-split
 * chips (every 173rd train row of labels.csv, each padded by 60 px of gray), in chip pixels.
 * Align a detected face onto this template to reproduce UTKFace's crop, e.g. for attribute models
 * trained on those chips. Inter-ocular distance 78 px. Measured by
 * bench/measure-utkface-template.ts; the tests check it on the val split.
 */
export const UTKFACE_TEMPLATE_200: readonly Point[] = [
  { x: 59.7, y: 58.0 },
  { x: 137.8, y: 58.4 },
  { x: 98.9, y: 104.3 },
  { x: 62.3, y: 138.3 },
  { x: 134.4, y: 138.7 },
];
