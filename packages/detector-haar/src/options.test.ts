import { FaceAttrError, type RgbImage } from '@faceattr/core';
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { FRONTALFACE_XML } from '../test/opencv-reference.js';
import { detectMultiScale, haar, neighborScore, parseCascadeXml, pyramidLevels, resolveHaarOptions, type HaarOptions } from './index.js';

const cascade = parseCascadeXml(readFileSync(FRONTALFACE_XML, 'utf8'));
const image: RgbImage = { data: new Uint8Array(64 * 48 * 3).fill(90), width: 64, height: 48, channels: 3 };

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(FaceAttrError);
    return (e as FaceAttrError).code;
  }
  return 'no error';
}

describe('Haar options', () => {
  it('defaults to OpenCV detectMultiScale defaults', () => {
    expect(resolveHaarOptions(undefined)).toEqual({ scaleFactor: 1.1, minNeighbors: 3, minSize: { width: 0, height: 0 }, maxSize: { width: 0, height: 0 } });
    expect(resolveHaarOptions({ minSize: 30, maxSize: { width: 200, height: 180 } }).maxSize).toEqual({ width: 200, height: 180 });
  });

  it.each<[string, unknown]>([
    ['scaleFactor 1', { scaleFactor: 1 }],
    ['scaleFactor 0.9', { scaleFactor: 0.9 }],
    ['scaleFactor NaN', { scaleFactor: NaN }],
    ['scaleFactor as a string', { scaleFactor: '1.1' }],
    ['negative minNeighbors', { minNeighbors: -1 }],
    ['fractional minNeighbors', { minNeighbors: 1.5 }],
    ['negative minSize', { minSize: -3 }],
    ['minSize with a bad field', { minSize: { width: 'a', height: 3 } }],
    ['maxSize below minSize', { minSize: 100, maxSize: 50 }],
    ['an unknown option', { scalefactor: 1.2 }],
    ['a non-object', 7],
  ])('rejects %s with INVALID_OPTIONS', (_, o) => {
    expect(code(() => resolveHaarOptions(o as HaarOptions))).toBe('INVALID_OPTIONS');
    expect(code(() => haar(o as HaarOptions))).toBe('INVALID_OPTIONS');
    expect(code(() => detectMultiScale(cascade, image, o as HaarOptions))).toBe('INVALID_OPTIONS');
  });

  it('minSize and maxSize bound the pyramid like OpenCV (window rounded from the double factor)', () => {
    const all = pyramidLevels(640, 480, 24, 24, resolveHaarOptions({}));
    expect(all[0]).toMatchObject({ scale: 1, width: 640, height: 480, step: 2, windowWidth: 24 });
    expect(all.at(-1)!.windowHeight).toBeLessThanOrEqual(480);
    expect(all.every((l) => l.step === (l.scale >= 2 ? 1 : 2))).toBe(true);
    const some = pyramidLevels(640, 480, 24, 24, resolveHaarOptions({ minSize: 50, maxSize: 100 }));
    expect(some.length).toBeGreaterThan(3);
    expect(some.every((l) => l.windowWidth >= 50 && l.windowWidth <= 100)).toBe(true);
  });
});

describe('Haar input and lifecycle errors', () => {
  it.each<[string, unknown]>([
    ['a wrong byte count', { ...image, data: new Uint8Array(10) }],
    ['4 channels', { ...image, channels: 4, data: new Uint8Array(64 * 48 * 4) }],
    ['a zero size', { ...image, width: 0, data: new Uint8Array(0) }],
    ['float data', { ...image, data: new Float32Array(64 * 48 * 3) }],
  ])('rejects an image with %s as INVALID_INPUT', (_, img) => {
    expect(code(() => detectMultiScale(cascade, img as RgbImage))).toBe('INVALID_INPUT');
  });

  it('detect() before load() is DETECTOR_UNAVAILABLE, after dispose() DISPOSED', async () => {
    // Exact mode loads nothing but the cascade, so it needs no model context.
    const d = haar({ cascade, mode: 'exact' });
    await expect(d.detect(image)).rejects.toMatchObject({ code: 'DETECTOR_UNAVAILABLE' });
    await d.load({} as never);
    expect(await d.detect(image)).toEqual([]);
    await d.dispose();
    await expect(d.detect(image)).rejects.toMatchObject({ code: 'DISPOSED' });
  });

  it('a smaller image than the window gives no detections', () => {
    expect(detectMultiScale(cascade, { data: new Uint8Array(20 * 20), width: 20, height: 20, channels: 1 })).toEqual([]);
  });
});

describe('haar() mode', () => {
  it("defaults to 'confirmed' (landmarks from O-Net); 'exact' gives boxes only", () => {
    expect(haar().providesLandmarks).toBe(true);
    expect(haar({ mode: 'confirmed' }).providesLandmarks).toBe(true);
    expect(haar({ mode: 'exact' }).providesLandmarks).toBe(false);
  });

  it.each<[string, unknown]>([
    ['an unknown mode', 'fast'],
    ['a mode of the wrong case', 'Exact'],
    ['a non-string mode', 1],
  ])('rejects %s with INVALID_OPTIONS naming the modes', (_, mode) => {
    expect(code(() => haar({ mode } as never))).toBe('INVALID_OPTIONS');
    expect(() => haar({ mode } as never)).toThrow(/'confirmed' or 'exact'/);
  });

  it('checks the search options in either mode; detectMultiScale takes no mode', () => {
    expect(code(() => haar({ mode: 'confirmed', minNeighbors: -1 }))).toBe('INVALID_OPTIONS');
    expect(code(() => haar({ mode: 'exact', scaleFactor: 1 }))).toBe('INVALID_OPTIONS');
    expect(code(() => detectMultiScale(cascade, image, { mode: 'exact' } as never))).toBe('INVALID_OPTIONS');
  });

  it('confirmed mode needs a model context (a backend for O-Net): without one, load() says so', async () => {
    const d = haar({ cascade });
    await expect(d.load({} as never)).rejects.toMatchObject({ code: 'DETECTOR_UNAVAILABLE', message: expect.stringContaining("mode: 'exact'") });
    await d.dispose();
  });

  it('confirmed mode loads O-Net through the context: a context without models fails to load', async () => {
    const d = haar({ cascade });
    await expect(d.load({ loadModel: async () => Promise.reject(new FaceAttrError('MODEL_LOAD_FAILED', 'no models here')) } as never)).rejects.toMatchObject({ code: 'MODEL_LOAD_FAILED' });
    await expect(d.detect(image)).rejects.toMatchObject({ code: 'DETECTOR_UNAVAILABLE' });
    await d.dispose();
  });
});

describe('neighborScore', () => {
  it('is increasing in the neighbour count and stays in [0, 1)', () => {
    const s = [1, 2, 4, 10, 40, 1000].map(neighborScore);
    expect(s[3]).toBe(0.5);
    for (let i = 1; i < s.length; i++) expect(s[i]!).toBeGreaterThan(s[i - 1]!);
    expect(s.every((v) => v > 0 && v < 1)).toBe(true);
  });
});
