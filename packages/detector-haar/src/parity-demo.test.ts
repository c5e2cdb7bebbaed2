import { readFileSync } from 'node:fs';
import { resizeImage } from '@faceattr/core';
import { describe, expect, it } from 'vitest';
import { compileCascade } from './compiled-cascade.js';
import { detectMultiScale, detectRaw, groupRectangles, parseCascadeXml } from './index.js';
import { planStumps } from './stump-plan.js';
import { FRONTALFACE_XML, loadOpenCv } from '../test/opencv-reference.js';
import { addAgreement, agreement, DEMO_FILES, loadDemo, share } from '../test/support.js';

const cascade = parseCascadeXml(readFileSync(FRONTALFACE_XML, 'utf8'));

// A third of the resolution (640 px wide) keeps this file under 30 s on two busy cores; the bench
// runs the full-size photos (with the same result: identical boxes).
describe('parity with OpenCV detectMultiScale on the six demo photos (640 px wide)', () => {
  it('default options (1.1, 3): boxes match at IoU >= 0.8 both ways, and are in fact identical', async () => {
    const cv = await loadOpenCv();
    const total = { aMatched: 0, aTotal: 0, bMatched: 0, bTotal: 0 };
    let identical = 0;
    for (const file of DEMO_FILES) {
      const full = await loadDemo(file);
      const img = resizeImage(full, 640, Math.round((full.height * 640) / full.width));
      const ref = cv.detect(img.data, img.width, img.height, 3, { scaleFactor: 1.1, minNeighbors: 3 });
      const ours = detectMultiScale(cascade, img).map((d) => d.box);
      expect(ref.length, file).toBeGreaterThan(0);
      addAgreement(total, agreement(ref, ours));
      if (JSON.stringify(ref) === JSON.stringify(ours)) identical++;
    }
    expect(share(total.aMatched, total.aTotal)).toBeGreaterThanOrEqual(0.95);
    expect(share(total.bMatched, total.bTotal)).toBeGreaterThanOrEqual(0.95);
    // The evaluator reproduces OpenCV's arithmetic, so anything short of identical is a regression.
    expect(identical).toBe(DEMO_FILES.length);
  });

  it('raw hits (minNeighbors 0) are the same windows in the same order, with other options too', async () => {
    const cv = await loadOpenCv();
    const full = await loadDemo('sample6.jpg');
    const img = resizeImage(full, 500, Math.round((full.height * 500) / full.width));
    for (const o of [{ scaleFactor: 1.1 }, { scaleFactor: 1.3, minSize: 40, maxSize: 200 }, { scaleFactor: 2.5 }]) {
      const ref = cv.detect(img.data, img.width, img.height, 3, { minNeighbors: 0, ...o });
      const ours = detectRaw(cascade, img, { minNeighbors: 0, ...o });
      expect(ref.length, JSON.stringify(o)).toBeGreaterThan(0);
      expect(ours, JSON.stringify(o)).toEqual(ref);
    }
  });

  it('grouping with minNeighbors 1 and 6 matches too', async () => {
    const cv = await loadOpenCv();
    const full = await loadDemo('sample5.jpg');
    const img = resizeImage(full, 640, Math.round((full.height * 640) / full.width));
    for (const minNeighbors of [1, 6]) {
      const ref = cv.detect(img.data, img.width, img.height, 3, { scaleFactor: 1.1, minNeighbors });
      expect(detectMultiScale(cascade, img, { minNeighbors }).map((d) => d.box)).toEqual(ref);
    }
  });
});

describe('groupRectangles', () => {
  it('equals cv.groupRectangles on random clusters, ties and nested boxes included', async () => {
    const cv = await loadOpenCv();
    let seed = 7;
    const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    for (let trial = 0; trial < 40; trial++) {
      const rects = [];
      for (let c = 0; c < 1 + (trial % 5); c++) {
        const size = 24 + Math.floor(rand() * 150);
        const x = Math.floor(rand() * 300);
        const y = Math.floor(rand() * 200);
        const n = 1 + Math.floor(rand() * (trial % 3 === 0 ? 8 : 80));
        for (let k = 0; k < n; k++) {
          const s = size + Math.floor(rand() * 9) - 4;
          rects.push({ x: x + Math.floor(rand() * 7) - 3, y: y + Math.floor(rand() * 7) - 3, width: s, height: s });
        }
        // A small box inside a big one, which grouping may drop.
        if (c === 1) for (let k = 0; k < 4; k++) rects.push({ x: x + (size >> 2), y: y + (size >> 2), width: size >> 1, height: size >> 1 });
      }
      for (const threshold of [1, 3, 5]) {
        expect(groupRectangles(rects, threshold, 0.2).map((g) => g.box), `trial ${trial}`).toEqual(cv.group(rects, threshold, 0.2));
      }
    }
  });
});

// The fixture's first weak classifier as a two-node tree (three leaves): OpenCV's general tree path.
const asTree = (xml: string) =>
  xml.replace(
    '0 -1 0 1.0000000000000000e-02</internalNodes>\n          <leafValues>\n            -1.0000000000000000e+00 1.0000000000000000e+00</leafValues>',
    '1 -1 0 1.0000000000000000e-02 0 -2 3 -5.0000000000000000e-03</internalNodes>\n          <leafValues>\n            -1.0000000000000000e+00 1.0000000000000000e+00 2.5e-01</leafValues>',
  );

describe('parity on a cascade with tilted features and a fractional weight', () => {
  it('raw hits equal OpenCV (tilted integral, float32 rounding path, and as a depth-2 tree)', async () => {
    const cv = await loadOpenCv();
    const xml = readFileSync(new URL('./fixtures/tilted-cascade.xml', import.meta.url), 'utf8');
    const tilted = parseCascadeXml(xml);
    const full = await loadDemo('sample2.jpg');
    const img = resizeImage(full, 240, Math.round((full.height * 240) / full.width));
    try {
      cv.useCascade(xml);
      const ref = cv.detect(img.data, img.width, img.height, 3, { scaleFactor: 1.2, minNeighbors: 0 });
      expect(ref.length).toBeGreaterThan(1000);
      expect(detectRaw(tilted, img, { scaleFactor: 1.2, minNeighbors: 0 })).toEqual(ref);
      const treeXml = asTree(xml);
      expect(treeXml).not.toBe(xml);
      cv.useCascade(treeXml);
      const treeRef = cv.detect(img.data, img.width, img.height, 3, { scaleFactor: 1.2, minNeighbors: 0 });
      expect(treeRef.length).toBeGreaterThan(1000);
      expect(detectRaw(parseCascadeXml(treeXml), img, { scaleFactor: 1.2, minNeighbors: 0 })).toEqual(treeRef);
    } finally {
      cv.useCascade(readFileSync(FRONTALFACE_XML));
    }
  });
});

describe('parity on the tilted cascade with integer weights (the exact stump plan)', () => {
  it('raw hits equal OpenCV through merged corners, the tilted integral and the general kernel', async () => {
    const cv = await loadOpenCv();
    // The fixture's one fractional weight made integer: the cascade now takes the exact path.
    const xml = readFileSync(new URL('./fixtures/tilted-cascade.xml', import.meta.url), 'utf8').replace('8 13 10 5 0.5</_>', '8 13 10 5 2.</_>');
    const cascade = parseCascadeXml(xml);
    const plan = planStumps(compileCascade(cascade));
    const groups = plan?.stages.flatMap((s) => s.groups) ?? [];
    expect(groups.some((g) => g.tilted)).toBe(true);
    expect(groups.some((g) => g.form === 0)).toBe(true);
    const full = await loadDemo('sample2.jpg');
    const img = resizeImage(full, 240, Math.round((full.height * 240) / full.width));
    try {
      cv.useCascade(xml);
      const ref = cv.detect(img.data, img.width, img.height, 3, { scaleFactor: 1.2, minNeighbors: 0 });
      expect(ref.length).toBeGreaterThan(1000);
      expect(detectRaw(cascade, img, { scaleFactor: 1.2, minNeighbors: 0 })).toEqual(ref);
    } finally {
      cv.useCascade(readFileSync(FRONTALFACE_XML));
    }
  });
});
