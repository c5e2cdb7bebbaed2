import { describe, expect, it } from 'vitest';
import { FaceAttrError } from '../errors.js';
import { estimateLandmarksFromBox } from '../geometry/align.js';
import type { RgbImage } from '../image/image-types.js';
import { expectFaceAttrError } from '../testing/expect-error.js';
import { deferred, fakeAttributeModel, fakeBackend, fakeDetector, fakePlugins, type FakeAttributeModelOptions, type FakeDetectorOptions } from '../testing/fake-plugins.js';
import type { DetectedFace, Landmarks5 } from '../types.js';
import { createPipeline } from './create-pipeline.js';
import type { PipelineOptions } from './options.js';

const image = (width = 64, height = 48, fill = 100): RgbImage => ({ data: new Uint8Array(width * height * 3).fill(fill), width, height, channels: 3 });
/** A 40 px face at x with a score; the fake model's age is the left eye's x, so ages tell faces apart. */
const face = (x: number, score: number, landmarks?: Landmarks5): DetectedFace => ({ box: { x, y: 10, width: 40, height: 40 }, score, ...(landmarks && { landmarks }) });
const tick = () => new Promise((r) => setTimeout(r, 0));

async function setUp(o: { detector?: FakeDetectorOptions; attributeModel?: FakeAttributeModelOptions | null; pipeline?: PipelineOptions } = {}) {
  const { log, ...plugins } = fakePlugins(o);
  const pipeline = await createPipeline({ ...plugins, ...o.pipeline });
  log.length = 0; // only what happens after creation
  return { log, pipeline, ...plugins };
}

describe('detect(): which faces come back', () => {
  const faces = [face(0, 0.5), face(100, 0.9), face(200, 0.2), face(300, 0.7), face(400, 0.95)];

  it('filters by minScore, sorts best first and keeps maxFaces, in the pipeline; the detector gets only the image', async () => {
    const { pipeline, detector } = await setUp({ detector: { faces }, pipeline: { minScore: 0.4, maxFaces: 3, attributes: [] } });
    const scores = async (o = {}) => (await pipeline.detect(image(), o)).map((f) => f.score);
    expect(await scores()).toEqual([0.95, 0.9, 0.7]);
    expect(await scores({ minScore: 0.8 })).toEqual([0.95, 0.9]);
    expect(await scores({ maxFaces: 1 })).toEqual([0.95]);
    expect(await scores({ minScore: 0, maxFaces: 10 })).toEqual([0.95, 0.9, 0.7, 0.5, 0.2]);
    expect(detector.detectArgs.map((args) => args.length)).toEqual([1, 1, 1, 1]);
  });

  it('keeps the detector\'s landmarks, and estimates them from the box where it gives none', async () => {
    const given = estimateLandmarksFromBox({ x: 1, y: 2, width: 30, height: 30 });
    const { pipeline } = await setUp({ detector: { faces: [face(0, 0.9, given), face(100, 0.8)] }, pipeline: { attributes: [] } });
    const [a, b] = await pipeline.detect(image());
    expect(a).toEqual({ box: face(0, 0.9).box, score: 0.9, landmarks: given, landmarkSource: 'detector' });
    expect(b).toEqual({ box: face(100, 0.8).box, score: 0.8, landmarks: estimateLandmarksFromBox(face(100, 0.8).box), landmarkSource: 'estimated-from-box' });
  });
});

describe('detect(): attributes', () => {
  it('asks the model for the pipeline\'s attributes, per face in result order, and copies what it returns', async () => {
    const { pipeline, attributeModel } = await setUp({ detector: { faces: [face(0, 0.5), face(100, 0.9)] } });
    const results = await pipeline.detect(image());
    expect(attributeModel!.requests).toEqual([{ faces: results.map((r) => r.landmarks), request: { attributes: ['age', 'gender'], embedding: false } }]);
    // Age is the face's left eye x: each prediction went to its own face after sorting.
    expect(results.map((r) => r.age!.years)).toEqual(results.map((r) => r.landmarks.leftEye.x));
    expect(results.map((r) => r.gender!.label)).toEqual(['female', 'female']);
    expect(results.every((r) => r.race === undefined && r.embedding === undefined)).toBe(true);
  });

  it('a call\'s attributes and returnEmbedding override the pipeline\'s', async () => {
    const { pipeline, attributeModel } = await setUp({ detector: { faces: [face(0, 0.9)] } });
    const [r] = await pipeline.detect(image(), { attributes: ['race', 'race'], returnEmbedding: true });
    expect(attributeModel!.requests[0]!.request).toEqual({ attributes: ['race'], embedding: true });
    expect(Object.keys(r!).sort()).toEqual(['box', 'embedding', 'landmarkSource', 'landmarks', 'race', 'score']);
    expect(Array.from(r!.embedding!)).toEqual([Math.fround(r!.landmarks.leftEye.x), Math.fround(r!.landmarks.leftEye.y)]);
  });

  it('keeps exactly what the model returns: the model alone computes the requested attributes, the pipeline does not filter again', async () => {
    const race = { label: 'Black', probability: 1, probabilities: { White: 0, Black: 1, Asian: 0, Indian: 0, Others: 0 } } as const;
    const { pipeline } = await setUp({ detector: { faces: [face(0, 0.9)] }, attributeModel: { predict: () => ({ age: { years: 33, uncertainty: 2 }, race }) } });
    const [r] = await pipeline.detect(image(), { attributes: ['age', 'gender'] });
    expect(r!.age).toEqual({ years: 33, uncertainty: 2 });
    expect(r!.race).toEqual(race);
    expect('gender' in r!).toBe(false);
  });

  it('does not call the model when there is no face or nothing to predict', async () => {
    const { pipeline, attributeModel, detector } = await setUp({ detector: { faces: (call) => (call === 0 ? [] : [face(0, 0.9)]) } });
    expect(await pipeline.detect(image())).toEqual([]);
    expect((await pipeline.detect(image(), { attributes: [] }))[0]!.age).toBeUndefined();
    expect(detector.detectArgs.length).toBe(2);
    expect(attributeModel!.requests).toEqual([]);
  });

  it('a pipeline without an attribute model refuses attribute calls with INVALID_OPTIONS, before detecting', async () => {
    const { pipeline, detector } = await setUp({ attributeModel: null, detector: { faces: [face(0, 0.9)] } });
    const e = await expectFaceAttrError(pipeline.detect(image()), 'INVALID_OPTIONS');
    expect(e.message).toContain('call detect() with attributes: []');
    await expectFaceAttrError(pipeline.detect(image(), { attributes: [], returnEmbedding: true }), 'INVALID_OPTIONS');
    expect(detector.detectArgs.length).toBe(0);
    expect(await pipeline.detect(image(), { attributes: [] })).toHaveLength(1);
  });
});

describe('detect(): errors are typed', () => {
  it('a bad image or bad call options reject before anything runs', async () => {
    const { pipeline, log } = await setUp();
    await expectFaceAttrError(pipeline.detect({ data: new Uint8Array(5), width: 2, height: 2, channels: 3 }), 'INVALID_INPUT');
    const e = await expectFaceAttrError(pipeline.detect(image(), { minFaceSize: 20 } as never), 'INVALID_OPTIONS');
    expect(e.message).toBe('Unknown option "minFaceSize" for detect(); it is an option of the detector: pass detector: mtcnn({ minFaceSize: ... }) to createPipeline().');
    const f = await expectFaceAttrError(pipeline.detect(image(), { modelBasePath: '/m' } as never), 'INVALID_OPTIONS');
    expect(f.message).toBe('Unknown option "modelBasePath" for detect(); pass it to createPipeline().');
    await expectFaceAttrError(pipeline.detect(image(), { minScore: -1 }), 'INVALID_OPTIONS');
    await expectFaceAttrError(pipeline.detect(image(), null as never), 'INVALID_OPTIONS');
    expect(log).toEqual([]);
  });

  it('a plugin\'s plain Error becomes INFERENCE_FAILED with its cause; its FaceAttrError passes through; later calls still run', async () => {
    const boom = new Error('boom');
    const typed = new FaceAttrError('INVALID_INPUT', 'too small for me');
    const { pipeline } = await setUp({
      detector: {
        faces: (call) => {
          if (call === 0) throw boom;
          if (call === 1) throw typed;
          return [face(0, 0.9)];
        },
      },
      attributeModel: {
        predict: (_f, _r, call) => {
          if (call === 0) throw new Error('heads exploded');
          return {};
        },
      },
    });
    const e = await expectFaceAttrError(pipeline.detect(image()), 'INFERENCE_FAILED');
    expect(e.message).toBe('Detector "fake-detector" failed: boom');
    expect(e.cause).toBe(boom);
    await expect(pipeline.detect(image())).rejects.toBe(typed);
    const m = await expectFaceAttrError(pipeline.detect(image()), 'INFERENCE_FAILED');
    expect(m.message).toBe('Attribute model "fake-attributes" failed: heads exploded');
    expect(await pipeline.detect(image())).toHaveLength(1);
  });
});

describe('detect(): the call queue', () => {
  it('runs calls one at a time in call order; the detector and the model never overlap', async () => {
    const { pipeline, detector, attributeModel, log } = await setUp({ detector: { faces: [face(0, 0.9)] } });
    const hold = deferred();
    detector.hold = hold.promise;
    const calls = [pipeline.detect(image(10, 10)), pipeline.detect(image(20, 10)), pipeline.detect(image(30, 10))];
    await tick();
    expect(detector.detectArgs.length).toBe(1); // the others wait their turn
    hold.resolve();
    await Promise.all(calls);
    expect(detector.detectArgs.map((a) => (a[0] as RgbImage).width)).toEqual([10, 20, 30]);
    expect(log).toEqual(Array(3).fill(['fake-detector:detect', 'fake-attributes:predict']).flat());
    expect([detector.maxActive, attributeModel!.maxActive]).toEqual([1, 1]);
  });

  it('copies the caller\'s pixels, so its buffer may be reused as soon as detect() returns', async () => {
    const { pipeline, detector } = await setUp({ pipeline: { attributes: [] } });
    const hold = deferred();
    detector.hold = hold.promise;
    const first = pipeline.detect(image());
    const buffer = image(64, 48, 100);
    const second = pipeline.detect(buffer);
    buffer.data.fill(7); // the caller reuses its buffer while the call waits
    hold.resolve();
    await Promise.all([first, second]);
    const seen = detector.detectArgs[1]![0] as RgbImage;
    expect(seen.data).not.toBe(buffer.data);
    expect(seen.data.every((v) => v === 100)).toBe(true);
  });
});

describe('dispose()', () => {
  it('during a queued call: the running call finishes, the queued one fails with DISPOSED, then plugins are released', async () => {
    const { pipeline, detector, log } = await setUp({ detector: { faces: [face(0, 0.9)] }, pipeline: { attributes: [] } });
    const hold = deferred();
    detector.hold = hold.promise;
    const running = pipeline.detect(image());
    await tick();
    const queued = pipeline.detect(image());
    const disposed = pipeline.dispose();
    expect(pipeline.dispose()).toBe(disposed); // idempotent: the same release
    await expectFaceAttrError(pipeline.detect(image()), 'DISPOSED');
    expect(() => pipeline.createTracker()).toThrow(expect.objectContaining({ code: 'DISPOSED' }));
    await tick();
    expect(log).toEqual(['fake-detector:detect']); // nothing released while a call runs
    hold.resolve();
    expect(await running).toHaveLength(1);
    await expectFaceAttrError(queued, 'DISPOSED');
    await disposed;
    expect(log).toEqual(['fake-detector:detect', 'fake-attributes:dispose', 'fake-detector:dispose', 'fake-backend:dispose']);
    await pipeline.dispose();
    expect(log).toHaveLength(4);
  });

  it('releases every plugin even when some fail, then reports them all as INFERENCE_FAILED', async () => {
    const log: string[] = [];
    const pipeline = await createPipeline({
      backend: fakeBackend({ log, disposeError: new Error('backend stuck') }),
      detector: fakeDetector({ log, disposeError: new Error('detector stuck') }),
      attributeModel: fakeAttributeModel({ log }),
    });
    const e = await expectFaceAttrError(pipeline[Symbol.asyncDispose](), 'INFERENCE_FAILED');
    expect(e.message).toBe('dispose() could not release everything: detector stuck; backend stuck');
    expect(log.slice(-3)).toEqual(['fake-attributes:dispose', 'fake-detector:dispose', 'fake-backend:dispose']);
  });
});

describe('warmup() and memory()', () => {
  it('warmup runs the detector on a blank image, then the model once with the pipeline\'s attributes', async () => {
    const { pipeline, detector, attributeModel, log } = await setUp({ pipeline: { attributes: ['gender'], returnEmbedding: true } });
    await pipeline.warmup();
    expect(log).toEqual(['fake-detector:detect', 'fake-attributes:predict']);
    const blank = detector.detectArgs[0]![0] as RgbImage;
    expect([blank.width, blank.height]).toEqual([160, 160]);
    expect(attributeModel!.requests.map((r) => [r.faces.length, r.request])).toEqual([[1, { attributes: ['gender'], embedding: false }]]);
  });

  it('warmup without a model only detects; memory() is the backend\'s', async () => {
    const { pipeline, log, backend } = await setUp({ attributeModel: null });
    await pipeline.warmup();
    expect(log).toEqual(['fake-detector:detect']);
    expect(pipeline.memory()).toEqual(backend.memory());
  });
});
