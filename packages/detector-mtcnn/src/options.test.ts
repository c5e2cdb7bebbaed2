import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createModelContext, detectors, FaceAttrError, type RgbImage } from '@faceattr/core';
import { tfjsBackend, type TfjsBackend } from '@faceattr/backend-tfjs';
import { areaResize } from './area-resize.js';
import { mtcnn } from './detector.js';
import { DEFAULT_MTCNN_OPTIONS } from './options.js';
import { pyramidLevels } from './pyramid.js';

function error(f: () => unknown): FaceAttrError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(FaceAttrError);
    return e as FaceAttrError;
  }
  throw new Error('expected a FaceAttrError');
}

async function rejection(p: Promise<unknown>): Promise<FaceAttrError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(FaceAttrError);
    return e as FaceAttrError;
  }
  throw new Error('expected a FaceAttrError');
}

const gray = (w: number, h: number): RgbImage => ({ data: new Uint8Array(w * h * 3).fill(128), width: w, height: h, channels: 3 });

describe('mtcnn options', () => {
  it('has the documented defaults', () => {
    const d = mtcnn();
    expect(d.name).toBe('mtcnn');
    expect(d.providesLandmarks).toBe(true);
    expect(d.options).toEqual({ ...DEFAULT_MTCNN_OPTIONS });
    expect(DEFAULT_MTCNN_OPTIONS).toMatchObject({ minFaceSize: 40, scaleFactor: 0.709, thresholds: [0.8, 0.7, 0.7] });
  });

  it.each([
    [{ minFaceSize: 0 }, 'minFaceSize'],
    [{ minFaceSize: Number.NaN }, 'minFaceSize'],
    [{ minFaceSize: '20' }, 'minFaceSize'],
    [{ scaleFactor: 1 }, 'scaleFactor'],
    [{ scaleFactor: 0 }, 'scaleFactor'],
    [{ thresholds: [0.6, 0.7] }, 'thresholds'],
    [{ thresholds: [0.6, 0.7, 1.5] }, 'thresholds'],
    [{ channelOrder: 'rgb' }, 'channelOrder'],
    [{ pyramid: 'gpu' }, 'pyramid'],
    [{ minFacesize: 20 }, 'minFacesize'],
  ])('rejects %j with INVALID_OPTIONS naming %s', (opts, name) => {
    const e = error(() => mtcnn(opts as never));
    expect(e.code).toBe('INVALID_OPTIONS');
    expect(e.message).toContain(name);
  });

  it.each(['maxFaces', 'minScore'])('rejects %s, a pipeline option, saying to pass it to createPipeline', (name) => {
    const e = error(() => mtcnn({ [name]: 1 } as never));
    expect(e.code).toBe('INVALID_OPTIONS');
    expect(e.message).toContain(`Unknown option "${name}" for mtcnn(); pass it to createPipeline()`);
  });

  it('rejects a non-object', () => {
    expect(error(() => mtcnn(5 as never)).code).toBe('INVALID_OPTIONS');
  });
});

describe('image pyramid', () => {
  it('maps minFaceSize onto the 12 px window and shrinks by scaleFactor until the window no longer fits', () => {
    const levels = pyramidLevels(640, 480, 20, 0.709);
    expect(levels[0]!.scale).toBeCloseTo(12 / 20, 12);
    for (let i = 1; i < levels.length; i++) expect(levels[i]!.scale / levels[i - 1]!.scale).toBeCloseTo(0.709, 12);
    for (const l of levels) {
      expect(l.width).toBe(Math.ceil(640 * l.scale));
      expect(Math.min(l.width, l.height)).toBeGreaterThanOrEqual(12);
    }
    const next = levels.at(-1)!.scale * 0.709;
    expect(Math.ceil(480 * next)).toBeLessThan(12);
    expect(pyramidLevels(11, 500, 20, 0.709)).toEqual([]);
    // A face as large as the image is the last level searched.
    expect(12 / levels.at(-1)!.scale).toBeLessThanOrEqual(480);
  });

  it('area resize averages the source area of each output pixel', () => {
    const w = 6;
    const h = 4;
    const data = new Uint8Array(w * h * 3);
    for (let i = 0; i < data.length; i++) data[i] = (i * 37) % 256;
    const out = areaResize({ data, width: w, height: h, channels: 3 }, 3, 2);
    for (let y = 0; y < 2; y++) {
      for (let x = 0; x < 3; x++) {
        for (let c = 0; c < 3; c++) {
          let sum = 0;
          for (const [dx, dy] of [[0, 0], [1, 0], [0, 1], [1, 1]] as const) sum += data[((2 * y + dy) * w + 2 * x + dx) * 3 + c]!;
          expect(out.data[(y * 3 + x) * 3 + c]).toBe(Math.round(sum / 4));
        }
      }
    }
    // Non-integer ratio keeps a flat image flat.
    expect([...areaResize(gray(7, 5), 3, 2).data].every((v) => v === 128)).toBe(true);
  });
});

describe('mtcnn edge cases', () => {
  let backend: TfjsBackend;
  beforeAll(async () => {
    backend = tfjsBackend({ runtime: 'wasm' });
    await backend.init();
  });
  afterAll(async () => {
    await backend?.dispose();
  });

  it('returns [] for images too small to hold a face, and for a blank one', async () => {
    const d = mtcnn();
    await d.load(createModelContext(backend));
    for (const [w, h] of [[1, 1], [11, 11], [19, 300]] as const) {
      expect(await d.detect(gray(w, h))).toEqual([]);
    }
    // Big enough for one pyramid level, but nothing there.
    expect(await d.detect(gray(64, 48))).toEqual([]);
    await d.dispose();
  });

  it('checks images with core toRgbImage: malformed or empty ones are INVALID_INPUT, as through a pipeline', async () => {
    const d = mtcnn();
    await d.load(createModelContext(backend));
    const e = await rejection(d.detect({ data: new Uint8Array(10), width: 4, height: 4, channels: 3 }));
    expect(e.code).toBe('INVALID_INPUT');
    expect(e.message).toContain('4x4x3 needs 48');
    expect((await rejection(d.detect(gray(0, 0)))).code).toBe('INVALID_INPUT');
    await d.dispose();
  });

  it('says what to do before load() and after dispose()', async () => {
    const d = mtcnn();
    expect((await rejection(d.detect(gray(32, 32)))).code).toBe('DETECTOR_UNAVAILABLE');
    await d.load(createModelContext(backend));
    const before = backend.memory().models;
    await d.dispose();
    expect(backend.memory().models).toBe(before - 3);
    expect((await rejection(d.detect(gray(32, 32)))).code).toBe('DISPOSED');
    expect((await rejection(d.load(createModelContext(backend)))).code).toBe('DISPOSED');
  });

  it('registers as "mtcnn" through the register entry', async () => {
    await import('./register.js');
    expect(detectors.has('mtcnn')).toBe(true);
    const { name, instance } = await detectors.create('mtcnn');
    expect(name).toBe('mtcnn');
    expect(instance.providesLandmarks).toBe(true);
  });
});
