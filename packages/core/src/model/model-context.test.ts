import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assetsDir, builtAsset } from '@faceattr/test-support';
import type { InferenceBackend, ModelHandle } from '../plugins.js';
import { expectFaceAttrError } from '../testing/expect-error.js';
import type { LoadedModelAsset } from './load-asset.js';
import { createModelContext, installedAssets, resolveModelSource } from './model-context.js';

/** A backend that loads nothing: it records the verified assets the context hands it. */
function recordingBackend(): InferenceBackend & { loaded: LoadedModelAsset[] } {
  const loaded: LoadedModelAsset[] = [];
  return {
    name: 'recording',
    artifact: 'tfjs-graph',
    loaded,
    init: async () => {},
    loadModel: async (asset) => {
      loaded.push(asset);
      return { name: asset.manifest.name, inputNames: [], outputNames: [], run: async () => ({}), release: async () => {} } satisfies ModelHandle;
    },
    memory: () => ({ models: loaded.length }),
    dispose: async () => {},
    [Symbol.asyncDispose]: async () => {},
  };
}

describe('model locations', () => {
  it('resolves a name in the documented order: models[name], then modelBasePath, then the installed @faceattr/assets', async () => {
    const files = { manifest: {}, files: {} };
    expect(await resolveModelSource('m', { models: { m: files }, modelBasePath: '/base' })).toBe(files);
    expect(await resolveModelSource('m', { models: { other: '/x' }, modelBasePath: '/base/' })).toBe('/base/m');
    expect(await resolveModelSource('m', { modelBasePath: new URL('https://example.test/models') })).toBe('https://example.test/models/m');
    expect(await resolveModelSource('m', {})).toBe(join(assetsDir(), 'm'));
  });

  it('finds the installed @faceattr/assets package from core, without importing it', async () => {
    expect(await installedAssets()).toBe(assetsDir());
  });

  it('loads plugins\' named assets from the installed package, verified, on the pipeline backend', async () => {
    const backend = recordingBackend();
    const ctx = createModelContext(backend);
    await ctx.loadModel('mtcnn-pnet');
    expect(backend.loaded.map((a) => [a.manifest.name, a.artifact, a.location])).toEqual([['mtcnn-pnet', 'tfjs-graph', join(builtAsset('mtcnn-pnet'), 'manifest.json')]]);
    const cascade = await ctx.loadAsset('haar-frontalface-default', 'data');
    expect([...cascade.files.keys()]).toEqual(['cascade.bin']);
  });

  it('modelBasePath wins over the installed package, and a missing asset names its file', async () => {
    const ctx = createModelContext(recordingBackend(), { modelBasePath: '/nonexistent/models' });
    const e = await expectFaceAttrError(ctx.loadModel('mtcnn-pnet'), 'MODEL_LOAD_FAILED');
    expect(e.message).toContain('/nonexistent/models/mtcnn-pnet/manifest.json');
  });
});
