import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ModelManifest } from '@faceattr/core';
import { sha256 } from './pinned-source.js';

export type ManifestDraft = Omit<ModelManifest, 'format' | 'files'>;

/** Writes `<root>/<name>/` with the files and a manifest carrying each file's size and sha256. */
export function writeAsset(root: string, draft: ManifestDraft, files: Record<string, Uint8Array>): ModelManifest {
  const dir = join(root, draft.name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const entries = Object.entries(files)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([path, bytes]) => {
      writeFileSync(join(dir, path), bytes);
      return { path, bytes: bytes.length, sha256: sha256(bytes) };
    });
  const manifest: ModelManifest = { format: 'faceattr-model/1', ...draft, files: entries };
  writeFileSync(join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

/** Serialises a tfjs graph model.json with its weights in one `model.bin`. */
export function tfjsGraphFiles(modelJson: Record<string, unknown>, weights: Uint8Array): Record<string, Uint8Array> {
  const json = { ...modelJson };
  const manifest = json['weightsManifest'] as { paths: string[]; weights: unknown[] }[];
  json['weightsManifest'] = [{ paths: ['model.bin'], weights: manifest.flatMap((g) => g.weights) }];
  return { 'model.json': new TextEncoder().encode(JSON.stringify(json)), 'model.bin': weights };
}
