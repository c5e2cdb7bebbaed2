import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPipeline, resizeImage, type FaceAttributePipeline, type RgbImage } from '@faceattr/core';
import { decodeImage } from '@faceattr/core/node';
import { tfjsBackend } from '@faceattr/backend-tfjs';
import { mtcnn } from '@faceattr/detector-mtcnn';
import { DEFAULT_FACE_ATTRIBUTES, faceAttributes } from './face-attributes.js';
import { expectFaceAttrError as failure } from '@faceattr/core/testing';
import { demoPhoto as photo, REPO_ROOT } from '@faceattr/test-support';



describe('face attributes through the full pipeline (tfjs wasm)', () => {
  const backend = tfjsBackend({ runtime: 'wasm' });
  let pipeline: FaceAttributePipeline;
  let frame: RgbImage;

  beforeAll(async () => {
    pipeline = await createPipeline({ backend, detector: mtcnn(), attributeModel: faceAttributes() });
    const img = await decodeImage(photo(4));
    frame = resizeImage(img, 640, Math.round((img.height / img.width) * 640));
  }, 120_000);
  afterAll(() => pipeline?.dispose());

  it('returns age with uncertainty and gender by default, race and embeddings only when asked', async () => {
    const faces = await pipeline.detect(frame);
    expect(faces.length).toBeGreaterThanOrEqual(3);
    for (const f of faces) {
      expect(f.age!.years).toBeGreaterThan(5);
      expect(f.age!.years).toBeLessThan(80);
      expect(f.age!.uncertainty).toBeGreaterThan(0.5);
      expect(f.gender!.probability).toBeGreaterThanOrEqual(0.5);
      expect(f.gender!.femaleProbability).toBeCloseTo(f.gender!.label === 'female' ? f.gender!.probability : 1 - f.gender!.probability, 6);
      expect(f.race).toBeUndefined();
      expect(f.embedding).toBeUndefined();
    }
    const withRace = await pipeline.detect(frame, { attributes: ['race'], returnEmbedding: true });
    for (const f of withRace) {
      expect(f.age).toBeUndefined();
      expect(Object.values(f.race!.probabilities).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
      expect(f.embedding!.length).toBe(128);
    }
  }, 60_000);

  it('gives the same answer for the same frame, and keeps tensors flat over 100 frames', async () => {
    const first = await pipeline.detect(frame);
    const before = pipeline.memory().tensors;
    let last = first;
    for (let i = 0; i < 100; i++) last = await pipeline.detect(frame);
    expect(pipeline.memory().tensors).toBe(before);
    expect(last.map((f) => f.age!.years)).toEqual(first.map((f) => f.age!.years));
  }, 300_000);

  it('mirror: true averages with the mirrored face: close to, but not the same as, the plain prediction', async () => {
    const plain = await pipeline.detect(frame);
    const p = await createPipeline({ backend: tfjsBackend({ runtime: 'wasm' }), detector: mtcnn(), attributeModel: faceAttributes({ mirror: true }) });
    const mirrored = await p.detect(frame);
    await p.dispose();
    expect(mirrored.length).toBe(plain.length);
    let differs = 0;
    mirrored.forEach((f, i) => {
      expect(Math.abs(f.age!.years - plain[i]!.age!.years)).toBeLessThan(5);
      expect(f.gender!.label).toBe(plain[i]!.gender!.label);
      if (f.age!.years !== plain[i]!.age!.years) differs++;
    });
    expect(differs).toBeGreaterThan(0);
  }, 60_000);

  it('does not alter the caller image', async () => {
    const copy = frame.data.slice();
    await pipeline.detect(frame);
    expect(Buffer.compare(Buffer.from(copy), Buffer.from(frame.data))).toBe(0);
  });
});

describe('face attributes: bad options and assets', () => {
  it('rejects an unknown encoder and a bad batch size with INVALID_OPTIONS', () => {
    expect(() => faceAttributes({ encoder: 'facenet-512' })).toThrowError(expect.objectContaining({ code: 'INVALID_OPTIONS' }));
    expect(() => faceAttributes({ batchSize: 0 })).toThrowError(expect.objectContaining({ code: 'INVALID_OPTIONS' }));
  });

  it('fails with MODEL_LOAD_FAILED naming the file when the heads asset is missing', async () => {
    const p = await createPipeline({
      backend: tfjsBackend({ runtime: 'wasm' }),
      detector: mtcnn(),
      attributeModel: faceAttributes(),
      models: { [`heads-${DEFAULT_FACE_ATTRIBUTES.encoder}`]: join(REPO_ROOT, 'no-such-heads') },
    });
    const e = await failure(p.detect(await decodeImage(photo(1))));
    expect(e.code).toBe('MODEL_LOAD_FAILED');
    expect(e.message).toContain('no-such-heads');
    await p.dispose();
    expect((await failure(p.detect(await decodeImage(photo(1))))).code).toBe('DISPOSED');
  }, 60_000);
});
