import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assetPackageModels } from '@faceattr/test-support';
import type { InferenceBackend, ModelHandle } from '../plugins.js';
import { expectFaceAttrError } from '../testing/expect-error.js';
import type { LoadedModelAsset } from './load-asset.js';
import { ASSET_PACKAGES, createModelContext, findInstalledAsset, installedAssetFolders, resolveModelSource } from './model-context.js';

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
  it('resolves a name in the documented order: models[name], then modelBasePath, then the installed asset packages', async () => {
    const files = { manifest: {}, files: {} };
    expect(await resolveModelSource('m', { models: { m: files }, modelBasePath: '/base' })).toBe(files);
    expect(await resolveModelSource('m', { models: { other: '/x' }, modelBasePath: '/base/' })).toBe('/base/m');
    expect(await resolveModelSource('m', { modelBasePath: new URL('https://example.test/models') })).toBe('https://example.test/models/m');
    expect(await resolveModelSource('mtcnn-pnet', {}, 'onnx')).toBe(join(assetPackageModels('assets-onnx'), 'mtcnn-pnet'));
    expect(await resolveModelSource('mtcnn-pnet', {}, 'tfjs-graph')).toBe(join(assetPackageModels('assets-tfjs'), 'mtcnn-pnet'));
  });

  it('finds the installed asset packages of the backend\'s kind from core, defaults first, without importing them', async () => {
    expect(ASSET_PACKAGES.onnx).toEqual(['@faceattr/assets-onnx', '@faceattr/assets-extra-onnx']);
    expect(await installedAssetFolders('onnx')).toEqual([assetPackageModels('assets-onnx'), assetPackageModels('assets-extra-onnx')]);
    expect(await installedAssetFolders('tfjs-graph')).toEqual([assetPackageModels('assets-tfjs'), assetPackageModels('assets-extra-tfjs')]);
    // An optional encoder is in the extra package of its kind; with no kind, ONNX first.
    expect(await findInstalledAsset('faceres-1024', 'tfjs-graph')).toBe(join(assetPackageModels('assets-extra-tfjs'), 'faceres-1024'));
    expect(await findInstalledAsset('faceres-1024')).toBe(join(assetPackageModels('assets-extra-onnx'), 'faceres-1024'));
    expect(await findInstalledAsset('no-such-model', 'onnx')).toBeUndefined();
  });

  it('loads plugins\' named assets from the installed package of the backend\'s kind, verified', async () => {
    const backend = recordingBackend();
    const ctx = createModelContext(backend);
    await ctx.loadModel('mtcnn-pnet');
    expect(backend.loaded.map((a) => [a.manifest.name, a.artifact, a.location])).toEqual([['mtcnn-pnet', 'tfjs-graph', join(assetPackageModels('assets-tfjs'), 'mtcnn-pnet', 'manifest.json')]]);
    // The published manifest lists its own kind only.
    expect(Object.keys(backend.loaded[0]!.manifest.artifacts)).toEqual(['tfjs-graph']);
    const cascade = await ctx.loadAsset('haar-frontalface-default', 'data');
    expect([...cascade.files.keys()]).toEqual(['cascade.bin']);
  });

  it('a test-only asset is in no published package, and the error says what to install', async () => {
    const e = await expectFaceAttrError(createModelContext(recordingBackend()).loadModel('blazeface-back'), 'MODEL_LOAD_FAILED');
    expect(e.message).toContain('@faceattr/assets-tfjs');
    expect(e.message).toContain('@faceattr/assets-extra-tfjs');
    expect(e.message).not.toContain('assets-onnx');
  });

  it('modelBasePath wins over the installed package, and a missing asset names its file', async () => {
    const ctx = createModelContext(recordingBackend(), { modelBasePath: '/nonexistent/models' });
    const e = await expectFaceAttrError(ctx.loadModel('mtcnn-pnet'), 'MODEL_LOAD_FAILED');
    expect(e.message).toContain('/nonexistent/models/mtcnn-pnet/manifest.json');
  });
});
