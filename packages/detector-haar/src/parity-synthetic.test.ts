import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { detectMultiScale, parseCascadeXml } from './index.js';
import { hasUtkface, UTKFACE_DIR } from '@faceattr/test-support';
import { FRONTALFACE_XML, loadOpenCv } from '../test/opencv-reference.js';
import { addAgreement, agreement, findsChip, haarScenes, share } from '../test/support.js';

// 40 scenes keep this file near 20 s on two busy cores; `bench/haar-bench.ts` runs all 200.
const SCENES = 40;

if (!hasUtkface()) console.warn(`Skipping Haar synthetic-scene parity: UTKFace (labels.csv + images/) is not in ${UTKFACE_DIR}.`);

describe.skipIf(!hasUtkface())(`parity with OpenCV on ${SCENES} synthetic UTKFace scenes`, () => {
  it('boxes match at IoU >= 0.8 both ways for >= 95%, and the pasted faces are found', async () => {
    const cv = await loadOpenCv();
    const cascade = parseCascadeXml(readFileSync(FRONTALFACE_XML, 'utf8'));
    const total = { aMatched: 0, aTotal: 0, bMatched: 0, bTotal: 0 };
    let faces = 0;
    let found = 0;
    let identical = 0;
    for await (const s of haarScenes(SCENES)) {
      const ref = cv.detect(s.image.data, s.image.width, s.image.height, 3, { scaleFactor: 1.1, minNeighbors: 3 });
      const ours = detectMultiScale(cascade, s.image).map((d) => d.box);
      addAgreement(total, agreement(ref, ours));
      if (JSON.stringify(ref) === JSON.stringify(ours)) identical++;
      for (const chip of s.chips) {
        faces++;
        if (ours.some(findsChip(chip))) found++;
      }
    }
    expect(total.aTotal).toBeGreaterThan(SCENES / 2);
    expect(share(total.aMatched, total.aTotal)).toBeGreaterThanOrEqual(0.95);
    expect(share(total.bMatched, total.bTotal)).toBeGreaterThanOrEqual(0.95);
    expect(identical).toBe(SCENES);
    // Frontal, well-lit crops: the detector itself must work, not only agree with OpenCV.
    expect(found / faces).toBeGreaterThan(0.8);
  });
});
