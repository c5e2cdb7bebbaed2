import { readFileSync } from 'node:fs';

/** A box in pixels (structurally @faceattr/core's Box; this package imports no @faceattr package). */
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface DemoFaces {
  /** One entry per demo photo, sample1.jpg .. sample6.jpg in DEMO_DIR. */
  samples: { file: string; faces: Rect[] }[];
}

/** Hand-checked face boxes (brow to chin) of the six demo photos; demo-faces.json says how they were checked. */
export function demoFaces(): DemoFaces {
  return JSON.parse(readFileSync(new URL('./demo-faces.json', import.meta.url), 'utf8')) as DemoFaces;
}
