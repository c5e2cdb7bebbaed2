/**
 * OpenCV (@techstark/opencv-js 4.5.2, WebAssembly) as the reference our evaluator must match, for
 * this package's tests and bench (not exported); a file of its own, as it is the reference, not a helper.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Box } from '@faceattr/core';

/* eslint-disable @typescript-eslint/no-explicit-any -- opencv.js is untyped enough here */
type Cv = any;

export interface OpenCvReference {
  /** OpenCV gray of packed RGB (cvtColor RGB2GRAY). */
  gray(rgb: Uint8Array, width: number, height: number): Uint8Array;
  /** cv.resize(..., INTER_LINEAR_EXACT) of 8-bit gray. */
  resizeExact(gray: Uint8Array, width: number, height: number, dw: number, dh: number): Uint8Array;
  /** detectMultiScale on OpenCV's gray of `rgb` (or on `gray` when channels is 1). */
  detect(
    data: Uint8Array,
    width: number,
    height: number,
    channels: 1 | 3,
    o: { scaleFactor: number; minNeighbors: number; minSize?: number; maxSize?: number },
  ): Box[];
  /** cv.groupRectangles(rects, groupThreshold, eps). */
  group(rects: readonly Box[], groupThreshold: number, eps: number): Box[];
  /** Loads another cascade XML as the one `detect` uses. */
  useCascade(xml: Uint8Array | string): void;
}

const require = createRequire(import.meta.url);
let loading: Promise<OpenCvReference> | undefined;

export const FRONTALFACE_XML = require.resolve('opencv.js/tests/haarcascade_frontalface_default.xml');

export function loadOpenCv(): Promise<OpenCvReference> {
  loading ??= new Promise<{ cv: Cv }>((resolve) => {
    const mod = require('@techstark/opencv-js') as Cv;
    // Wrap it: the module is a thenable, and resolving with it directly never settles.
    if (mod.Mat) resolve({ cv: mod });
    else mod.onRuntimeInitialized = () => resolve({ cv: mod });
  }).then(({ cv }) => makeReference(cv));
  return loading;
}

function makeReference(cv: Cv): OpenCvReference {
  let classifier: Cv;
  let n = 0;
  const useCascade = (xml: Uint8Array | string) => {
    const name = `cascade-${n++}.xml`;
    cv.FS_createDataFile('/', name, typeof xml === 'string' ? new TextEncoder().encode(xml) : xml, true, false, false);
    const c = new cv.CascadeClassifier();
    if (!c.load(name)) throw new Error(`OpenCV could not load cascade ${name}`);
    classifier?.delete();
    classifier = c;
  };
  useCascade(readFileSync(FRONTALFACE_XML));
  const grayMat = (data: Uint8Array, width: number, height: number, channels: 1 | 3) => {
    const src = new cv.Mat(height, width, channels === 3 ? cv.CV_8UC3 : cv.CV_8UC1);
    src.data.set(data);
    if (channels === 1) return src;
    const g = new cv.Mat();
    cv.cvtColor(src, g, cv.COLOR_RGB2GRAY);
    src.delete();
    return g;
  };
  return {
    gray(rgb, width, height) {
      const g = grayMat(rgb, width, height, 3);
      const out = Uint8Array.from(g.data as Uint8Array);
      g.delete();
      return out;
    },
    resizeExact(gray, width, height, dw, dh) {
      const g = grayMat(gray, width, height, 1);
      const d = new cv.Mat();
      cv.resize(g, d, new cv.Size(dw, dh), 0, 0, cv.INTER_LINEAR_EXACT);
      const out = Uint8Array.from(d.data as Uint8Array);
      g.delete();
      d.delete();
      return out;
    },
    detect(data, width, height, channels, o) {
      const g = grayMat(data, width, height, channels);
      const faces = new cv.RectVector();
      const min = new cv.Size(o.minSize ?? 0, o.minSize ?? 0);
      const max = new cv.Size(o.maxSize ?? 0, o.maxSize ?? 0);
      classifier.detectMultiScale(g, faces, o.scaleFactor, o.minNeighbors, 0, min, max);
      const boxes: Box[] = [];
      for (let i = 0; i < faces.size(); i++) {
        const r = faces.get(i);
        boxes.push({ x: r.x, y: r.y, width: r.width, height: r.height });
      }
      faces.delete();
      g.delete();
      return boxes;
    },
    group(rects, groupThreshold, eps) {
      const v = new cv.RectVector();
      for (const r of rects) v.push_back(new cv.Rect(r.x, r.y, r.width, r.height));
      const w = new cv.IntVector();
      cv.groupRectangles(v, w, groupThreshold, eps);
      const out: Box[] = [];
      for (let i = 0; i < v.size(); i++) {
        const r = v.get(i);
        out.push({ x: r.x, y: r.y, width: r.width, height: r.height });
      }
      v.delete();
      w.delete();
      return out;
    },
    useCascade,
  };
}
