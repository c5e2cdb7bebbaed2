import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ArtifactKind, ModelManifest } from '@faceattr/core';
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

/**
 * Adds (or replaces) one artifact in an existing asset folder: writes its files, then rewrites
 * manifest.json with their sizes and sha256 and the artifact entry. Other files are untouched.
 */
export function addArtifactToAsset(dir: string, kind: ArtifactKind, entry: string, files: Record<string, Uint8Array>): ModelManifest {
  const manifestPath = join(dir, 'manifest.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as ModelManifest;
  const added = Object.entries(files).map(([path, bytes]) => {
    writeFileSync(join(dir, path), bytes);
    return { path, bytes: bytes.length, sha256: sha256(bytes) };
  });
  const kept = manifest.files.filter((f) => !(f.path in files));
  const updated: ModelManifest = {
    ...manifest,
    artifacts: { ...manifest.artifacts, [kind]: { entry, files: Object.keys(files).sort() } },
    files: [...kept, ...added].sort((a, b) => a.path.localeCompare(b.path)),
  };
  writeFileSync(manifestPath, `${JSON.stringify(updated, null, 2)}\n`);
  return updated;
}
