import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatValue } from '../format-value.js';
import { expectFaceAttrError } from '../testing/expect-error.js';
import { fakePlugins } from '../testing/fake-plugins.js';
import { createPipeline } from './create-pipeline.js';
import type { FaceAttributePipeline } from './face-pipeline.js';

function plugins() {
  const { log: _, ...p } = fakePlugins();
  return p;
}

describe('formatValue', () => {
  it('prints values as they are: NaN, Infinity, -0, quoted strings, typed arrays, nested objects', () => {
    expect([Number.NaN, Infinity, -Infinity, -0, 10, '10', undefined, null, 2n].map((v) => formatValue(v))).toEqual([
      'NaN', 'Infinity', '-Infinity', '-0', '10', '"10"', 'undefined', 'null', '2n',
    ]);
    expect(formatValue([0.6, Number.NaN, 0.7])).toBe('[0.6, NaN, 0.7]');
    expect(formatValue({ width: '10', height: Number.NaN })).toBe('{ width: "10", height: NaN }');
    expect(formatValue(new Uint8Array(5))).toBe('Uint8Array(5 bytes)');
    expect(formatValue(new Map())).toBe('a Map');
    expect(formatValue('x'.repeat(500)).length).toBe(80);
  });
});

describe('option and input messages', () => {
  let pipeline: FaceAttributePipeline;
  beforeAll(async () => {
    pipeline = await createPipeline(plugins());
  });
  afterAll(() => pipeline.dispose());

  it('createPipeline({ minFaceSize: -5 }) is refused, naming the key and the detector factory it belongs to', async () => {
    const e = await expectFaceAttrError(createPipeline({ ...plugins(), minFaceSize: -5 } as never), 'INVALID_OPTIONS');
    expect(e.message).toBe('Unknown option "minFaceSize" for createPipeline(); it is an option of the detector: pass detector: mtcnn({ minFaceSize: ... }) to createPipeline().');
  });

  it('NaN, Infinity and strings are printed as given, not as null or bare digits', async () => {
    const create = async (o: object) => (await expectFaceAttrError(createPipeline({ ...plugins(), ...o } as never), 'INVALID_OPTIONS')).message;
    expect(await create({ minScore: Number.NaN })).toBe('"minScore" must be a number in [0, 1], got NaN.');
    expect(await create({ maxFaces: Infinity })).toBe('"maxFaces" must be a positive integer, got Infinity.');
    expect(await create({ maxFaces: '3' })).toBe('"maxFaces" must be a positive integer, got "3".');
    expect(await create({ modelTimeoutMs: -1 })).toContain('got -1.');
    const image = { data: new Uint8Array(3), width: 1, height: 1, channels: 3 } as const;
    expect((await expectFaceAttrError(pipeline.detect(image, { minScore: Number.NaN }), 'INVALID_OPTIONS')).message).toContain('got NaN.');
    expect((await expectFaceAttrError(() => pipeline.createTracker({ smoothing: Number.NaN }), 'INVALID_OPTIONS')).message).toContain('got NaN.');
    expect((await expectFaceAttrError(() => pipeline.createTracker({ detectEvery: '2' } as never), 'INVALID_OPTIONS')).message).toContain('got "2".');
  });

  it('string sizes say which value has which type', async () => {
    const e = await expectFaceAttrError(pipeline.detect({ data: new Uint8Array(300), width: '10', height: '10', channels: 3 } as never), 'INVALID_INPUT');
    expect(e.message).toBe('Raw image: width and height must be integers, got width "10" (string) and height "10" (string).');
  });

  it('a file path or encoded bytes point to decodeImage from @faceattr/core/node', async () => {
    for (const input of ['photo.jpg', Buffer.from([0xff, 0xd8, 0xff]), new Uint8Array(10), new ArrayBuffer(4)]) {
      const e = await expectFaceAttrError(pipeline.detect(input as never), 'INVALID_INPUT');
      expect(e.message).toContain('decodeImage(pathOrBytes) from @faceattr/core/node');
    }
  });

  it('a well-known plugin name that was not registered says which /register entry to import', async () => {
    const { detector } = plugins();
    const e = await expectFaceAttrError(createPipeline({ backend: 'onnx', detector, attributeModel: null }), 'BACKEND_UNAVAILABLE');
    expect(e.message).toContain(`"onnx": unknown (registered: none); import '@faceattr/backend-onnx/register' first`);
    const { backend } = plugins();
    const d = await expectFaceAttrError(createPipeline({ backend, detector: 'mtcnn', attributeModel: null }), 'DETECTOR_UNAVAILABLE');
    expect(d.message).toContain(`import '@faceattr/detector-mtcnn/register' first`);
    const x = await expectFaceAttrError(createPipeline({ backend: plugins().backend, detector: 'yolo', attributeModel: null }), 'DETECTOR_UNAVAILABLE');
    expect(x.message).toContain('if a package provides it, import its /register entry first');
  });
});
