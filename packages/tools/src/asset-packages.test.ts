import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_FACE_ATTRIBUTES } from '@faceattr/attributes';
import { loadModelAsset, type ModelManifest } from '@faceattr/core';
import { assetPackageModels, assetsDir } from '@faceattr/test-support';
import { ASSET_PACKAGES, DEFAULT_ASSETS, FLOAT16_ASSETS, TEST_ONLY_ASSETS, manifestFor } from './asset-packages.js';

const read = (dir: string) => JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as ModelManifest;
const folders = (models: string) => (existsSync(models) ? readdirSync(models).sort() : []);
const built = folders(assetsDir()).filter((n) => existsSync(join(assetsDir(), n, 'manifest.json')));

// The published packages as `npm run build` wrote them from the full build (packages/assets/models).
describe('published asset packages', () => {
  it('the default packages hold MTCNN, the Haar cascade and the attribute model\'s default encoder with its heads', () => {
    expect([...DEFAULT_ASSETS].sort()).toEqual(['haar-frontalface-default', 'mtcnn-onet', 'mtcnn-pnet', 'mtcnn-rnet', DEFAULT_FACE_ATTRIBUTES.encoder, `heads-${DEFAULT_FACE_ATTRIBUTES.encoder}`].sort());
    for (const p of ASSET_PACKAGES.filter((q) => q.holds === 'default')) expect(folders(assetPackageModels(p.folder))).toEqual([...DEFAULT_ASSETS].sort());
  });

  it('every built asset but the test-only ones is in exactly one package per kind; test-only ones in none', () => {
    for (const kind of ['onnx', 'tfjs-graph'] as const) {
      const held = ASSET_PACKAGES.filter((p) => p.artifact === kind).flatMap((p) => folders(assetPackageModels(p.folder)));
      expect(held.sort()).toEqual(built.filter((n) => !TEST_ONLY_ASSETS.includes(n)).sort());
    }
    expect(built).toEqual(expect.arrayContaining([...TEST_ONLY_ASSETS]));
  });

  it.each(ASSET_PACKAGES.map((p) => [p.folder, p.artifact] as const))('%s: each asset has its kind\'s files only, and they load and verify', async (folder, kind) => {
    for (const name of folders(assetPackageModels(folder))) {
      const dir = join(assetPackageModels(folder), name);
      const manifest = read(dir);
      const { files, source, ...rest } = manifestFor(read(join(assetsDir(), name)), kind)!;
      expect({ ...manifest, files: undefined, source: undefined }).toEqual({ ...rest, files: undefined, source: undefined });
      expect(manifest.files.map((f) => f.path)).toEqual(files.map((f) => f.path));
      // The built files as they are, or stored as float16 (and then said so in the provenance).
      if (FLOAT16_ASSETS.includes(name)) expect(manifest.source.notes).toMatch(/rounded to float16/);
      if (!manifest.source.notes?.includes('float16')) expect(manifest).toEqual({ ...rest, source, files });
      expect(Object.keys(manifest.artifacts).every((k) => k === kind || k === 'data')).toBe(true);
      expect(readdirSync(dir).sort()).toEqual(['manifest.json', ...manifest.files.map((f) => f.path)].sort());
      const artifact = manifest.artifacts[kind] ? kind : 'data';
      const loaded = await loadModelAsset(dir, artifact);
      expect([...loaded.files.keys()].sort()).toEqual([...manifest.artifacts[artifact]!.files].sort());
    }
  });

  it('the merged view the webcam demo serves has every published asset, each kind loading and verifying', async () => {
    const view = join(assetsDir(), '..', 'published-models');
    expect(folders(view)).toEqual(built.filter((n) => !TEST_ONLY_ASSETS.includes(n)));
    for (const name of folders(view)) {
      const kinds = Object.keys(read(join(view, name)).artifacts).sort();
      expect(kinds).toEqual(name.startsWith('haar') ? ['data'] : ['onnx', 'tfjs-graph']);
      for (const kind of kinds) await loadModelAsset(join(view, name), kind as 'onnx' | 'tfjs-graph' | 'data');
    }
  });
});
