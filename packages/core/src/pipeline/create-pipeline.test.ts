import { describe, expect, it } from 'vitest';
import { FaceAttrError } from '../errors.js';
import { attributeModels, backends, detectors } from '../registry/index.js';
import { expectFaceAttrError } from '../testing/expect-error.js';
import { fakeAttributeModel, fakeBackend, fakeDetector, fakePlugins, inMemoryAsset } from '../testing/fake-plugins.js';
import { createPipeline } from './create-pipeline.js';
import type { PipelineOptions } from './options.js';

/** Shared-log fakes, and the options that hand them to createPipeline(). */
function fakes(o: Parameters<typeof fakePlugins>[0] = {}) {
  const { log, ...plugins } = fakePlugins(o);
  return { log, plugins, ...plugins };
}

describe('createPipeline with plugin objects', () => {
  it('initialises the backend, loads the detector then the attribute model, and reports their names', async () => {
    const f = fakes();
    const p = await createPipeline(f.plugins);
    expect([p.backendName, p.detectorName, p.attributeModelName]).toEqual(['fake-backend', 'fake-detector', 'fake-attributes']);
    expect(f.log).toEqual(['fake-backend:init', 'fake-detector:load', 'fake-attributes:load']);
    await p.dispose();
    expect(f.log.slice(3)).toEqual(['fake-attributes:dispose', 'fake-detector:dispose', 'fake-backend:dispose']);
  });

  it('gives the plugins a model context on the pipeline backend that finds assets in options.models', async () => {
    const log: string[] = [];
    const backend = fakeBackend({ log });
    const detector = fakeDetector({ log, models: ['det-net'] });
    const attributeModel = fakeAttributeModel({ log, models: ['enc-net'] });
    const models = { 'det-net': await inMemoryAsset('det-net'), 'enc-net': await inMemoryAsset('enc-net') };
    const p = await createPipeline({ backend, detector, attributeModel, models });
    expect(backend.loaded).toEqual(['det-net', 'enc-net']);
    expect(p.memory()).toEqual({ models: 2 });
    await p.dispose();
  });

  it('without an attribute model (null, or no attributes asked for) none is resolved', async () => {
    let created = 0;
    attributeModels.register('counting-attributes', () => {
      created++;
      return fakeAttributeModel();
    }, 1000);
    for (const o of [{ attributeModel: null }, { attributes: [] }] satisfies PipelineOptions[]) {
      const p = await createPipeline({ backend: fakeBackend(), detector: fakeDetector(), ...o });
      expect(p.attributeModelName).toBeUndefined();
      await p.dispose();
    }
    expect(created).toBe(0);
    // Asking for embeddings only still needs the model: the registered one is created.
    const p = await createPipeline({ backend: fakeBackend(), detector: fakeDetector(), attributes: [], returnEmbedding: true });
    expect(p.attributeModelName).toBe('fake-attributes');
    expect(created).toBe(1);
    await p.dispose();
  });
});

describe('createPipeline with registered names', () => {
  it('creates each plugin by name, falls back through a list of backend names, and initialises each backend once', async () => {
    const made: ReturnType<typeof fakes>[] = [];
    const make = () => {
      const f = fakes({ backend: { name: 'named-backend' }, detector: { name: 'named-detector' }, attributeModel: { name: 'named-attributes' } });
      made.push(f);
      return f;
    };
    backends.register('named-backend', () => make().backend);
    detectors.register('named-detector', () => make().detector);
    attributeModels.register('named-attributes', () => make().attributeModel!);
    const p = await createPipeline({ backend: ['no-such-backend', 'named-backend'], detector: 'named-detector', attributeModel: 'named-attributes' });
    expect([p.backendName, p.detectorName, p.attributeModelName]).toEqual(['named-backend', 'named-detector', 'named-attributes']);
    expect(made.map((f) => f.log)).toEqual([['named-backend:init'], ['named-detector:load'], ['named-attributes:load']]);
    await p.dispose();
  });

  it('without names takes the highest-priority registered plugin', async () => {
    backends.register('low-backend', () => fakeBackend({ name: 'low-backend' }), -10);
    backends.register('high-backend', () => fakeBackend({ name: 'high-backend' }), 50);
    detectors.register('high-detector', () => fakeDetector({ name: 'high-detector' }), 50);
    const p = await createPipeline({ attributes: [] });
    expect([p.backendName, p.detectorName]).toEqual(['high-backend', 'high-detector']);
    await p.dispose();
  });

  it('an unknown name fails with the registry\'s code and releases what was already created', async () => {
    const created = fakes();
    backends.register('cleanup-backend', () => created.backend);
    const e = await expectFaceAttrError(createPipeline({ backend: 'cleanup-backend', detector: 'no-such-detector', attributes: [] }), 'DETECTOR_UNAVAILABLE');
    expect(e.message).toContain('"no-such-detector": unknown');
    expect(created.log).toEqual(['fake-backend:init', 'fake-backend:dispose']);
  });
});

describe('createPipeline failures release every plugin it was given or created', () => {
  it('a detector that fails to load: all three released, models before the backend', async () => {
    const f = fakes({ detector: { setupError: new FaceAttrError('MODEL_LOAD_FAILED', 'no detector weights') } });
    const e = await expectFaceAttrError(createPipeline(f.plugins), 'MODEL_LOAD_FAILED');
    expect(e.message).toBe('no detector weights');
    expect(f.log).toEqual(['fake-backend:init', 'fake-detector:load', 'fake-attributes:dispose', 'fake-detector:dispose', 'fake-backend:dispose']);
  });

  it('an attribute model that fails to load with a plain Error: typed MODEL_LOAD_FAILED, cause kept, the loaded detector released', async () => {
    const cause = new Error('disk on fire');
    const f = fakes({ attributeModel: { setupError: cause }, detector: { disposeError: new Error('and dispose failed too') } });
    const e = await expectFaceAttrError(createPipeline(f.plugins), 'MODEL_LOAD_FAILED');
    expect(e.message).toBe('Loading the attribute model "fake-attributes" failed: disk on fire');
    expect(e.cause).toBe(cause);
    expect(f.log.slice(-3)).toEqual(['fake-attributes:dispose', 'fake-detector:dispose', 'fake-backend:dispose']);
  });

  it('a backend object whose init fails: BACKEND_UNAVAILABLE, nothing loaded, everything released', async () => {
    const f = fakes({ backend: { setupError: new Error('no WebGPU') } });
    const e = await expectFaceAttrError(createPipeline(f.plugins), 'BACKEND_UNAVAILABLE');
    expect(e.message).toContain('no WebGPU');
    expect(f.log).toEqual(['fake-backend:init', 'fake-attributes:dispose', 'fake-detector:dispose', 'fake-backend:dispose']);
  });

  it('a missing asset under modelBasePath: MODEL_LOAD_FAILED naming the file', async () => {
    const log: string[] = [];
    const backend = fakeBackend({ log });
    const detector = fakeDetector({ log, models: ['det-net'] });
    const e = await expectFaceAttrError(createPipeline({ backend, detector, attributes: [], modelBasePath: '/nonexistent/models' }), 'MODEL_LOAD_FAILED');
    expect(e.message).toContain('/nonexistent/models/det-net/manifest.json');
    expect(log).toEqual(['fake-backend:init', 'fake-detector:load', 'fake-detector:dispose', 'fake-backend:dispose']);
  });
});

describe('createPipeline option checks (before any plugin is touched)', () => {
  const rejects = async (options: unknown, ...fragments: string[]) => {
    const f = fakes();
    const e = await expectFaceAttrError(createPipeline({ backend: f.backend, detector: f.detector, ...(options as object) }), 'INVALID_OPTIONS');
    for (const s of fragments) expect(e.message).toContain(s);
    expect(f.log).toEqual([]);
    return e;
  };

  it('names an unknown key, and where a plugin\'s key belongs', async () => {
    const e = await rejects({ minFaceSize: 20 }, 'Unknown option "minFaceSize" for createPipeline()', 'detector: mtcnn({ minFaceSize: ... })');
    expect(e.details).toEqual({ option: 'minFaceSize' });
    await rejects({ thresholds: [0.6, 0.7, 0.7] }, 'mtcnn({ thresholds: ... })');
    await rejects({ scaleFactor: 0.8 }, 'mtcnn({ scaleFactor: ... }) or haar({ scaleFactor: ... })');
    await rejects({ minNeighbors: 5 }, 'detector: haar({ minNeighbors: ... })');
    await rejects({ minSize: 30 }, 'haar({ minSize: ... })');
    for (const key of ['encoder', 'mirror', 'batchSize']) await rejects({ [key]: 1 }, `attributeModel: faceAttributes({ ${key}: ... })`);
    await rejects({ runtime: 'wasm' }, 'backend: tfjsBackend({ runtime: ... })');
  });

  it('sends tracking keys to track() and lists the options for a key nobody takes', async () => {
    await rejects({ detectEvery: 2 }, 'Unknown option "detectEvery" for createPipeline(); pass it to track() or createTracker().');
    await rejects({ atributes: ['age'] }, 'Unknown option "atributes" for createPipeline(); the options are backend, detector, attributeModel, attributes,');
  });

  it('checks values: attributes, scores, flags, plugins and model locations', async () => {
    await rejects({ attributes: ['age', 'mood'] }, 'Unknown attribute "mood"');
    await rejects({ minScore: 2 }, '"minScore" must be a number in [0, 1]');
    await rejects({ maxFaces: 0 }, '"maxFaces" must be a positive integer');
    await rejects({ returnEmbedding: 'yes' }, '"returnEmbedding" must be true or false');
    await rejects({ detector: 42 }, '"detector" must be a plugin object or a registered name; got 42.');
    await rejects({ attributeModel: { name: 'half', load: async () => {} } }, '"attributeModel"', 'has no predict(), dispose()');
    await rejects({ modelBasePath: 7 }, '"modelBasePath" must be a directory path or URL');
    await rejects({ models: ['a'] }, '"models" must be an object');
  });

  it('rejects a non-object', async () => {
    const e = await expectFaceAttrError(createPipeline(null as never), 'INVALID_OPTIONS');
    expect(e.message).toBe('createPipeline() takes an options object, got null.');
  });
});
