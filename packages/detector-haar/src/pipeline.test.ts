import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createPipeline, detectors, resizeImage } from '@faceattr/core';
import { tfjsBackend } from '@faceattr/backend-tfjs';
import { assetsDir } from '@faceattr/test-support';
import { describe, expect, it } from 'vitest';
import { haar } from './index.js';
import './register.js';
import { loadDemo } from '../test/support.js';

const asset = join(assetsDir(), 'haar-frontalface-default');
const built = existsSync(join(asset, 'manifest.json'));
if (!built) console.warn(`Skipping Haar pipeline tests: ${asset} is not built (npm run build).`);

describe('registration', () => {
  it('register.ts registers "haar"; index.ts alone has no side effects', () => {
    expect(detectors.has('haar')).toBe(true);
  });
});

describe.skipIf(!built)('haar() through createPipeline', () => {
  it('exact mode finds the faces of a demo photo, with landmarks estimated from the box', async () => {
    const pipeline = await createPipeline({ backend: tfjsBackend({ runtime: 'wasm' }), detector: haar({ mode: 'exact' }), attributeModel: null, attributes: [] });
    try {
      expect(pipeline.detectorName).toBe('haar');
      const full = await loadDemo('sample5.jpg');
      const img = resizeImage(full, 960, Math.round((full.height * 960) / full.width));
      const faces = await pipeline.detect(img, { maxFaces: 10 });
      expect(faces.length).toBeGreaterThanOrEqual(3);
      for (const f of faces) {
        expect(f.landmarkSource).toBe('estimated-from-box');
        expect(f.score).toBeGreaterThan(0);
        expect(f.score).toBeLessThan(1);
        expect(f.landmarks.leftEye.x).toBeGreaterThan(f.box.x);
        expect(f.landmarks.rightEye.x).toBeLessThan(f.box.x + f.box.width);
      }
      for (let i = 1; i < faces.length; i++) expect(faces[i]!.score).toBeLessThanOrEqual(faces[i - 1]!.score);
      // minScore drops the weakest faces (scores come from the neighbour count).
      const strong = await pipeline.detect(img, { minScore: faces[0]!.score });
      expect(strong.length).toBeGreaterThanOrEqual(1);
      expect(strong.length).toBeLessThanOrEqual(faces.length);
    } finally {
      await pipeline.dispose();
    }
  });

  it('the registered name works as a pipeline detector (confirmed mode: O-Net on the tfjs backend too)', async () => {
    const pipeline = await createPipeline({ backend: tfjsBackend({ runtime: 'wasm' }), detector: 'haar', attributeModel: null, attributes: [] });
    try {
      expect(pipeline.detectorName).toBe('haar');
      const blank = { data: new Uint8Array(120 * 90 * 3).fill(128), width: 120, height: 90, channels: 3 };
      expect(await pipeline.detect(blank)).toEqual([]);
      const full = await loadDemo('sample1.jpg');
      const faces = await pipeline.detect(resizeImage(full, 640, Math.round((full.height * 640) / full.width)));
      expect(faces.length).toBe(3);
      expect(faces.every((f) => f.landmarkSource === 'detector' && f.score >= 0.7)).toBe(true);
    } finally {
      await pipeline.dispose();
    }
  });
});
