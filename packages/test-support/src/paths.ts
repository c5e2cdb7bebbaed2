import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file is packages/test-support/src/paths.ts). */
export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** `shared/` beside the repository: data sets and notes that are not in git. */
export const SHARED_DIR = join(REPO_ROOT, '..', 'shared');

/** face-api's demo photos (root devDependency @vladmandic/face-api@1.7.15). */
export const DEMO_DIR = join(REPO_ROOT, 'node_modules', '@vladmandic', 'face-api', 'demo');

/** face-api's `demo/sample<n>.jpg`, n = 1..6. */
export function demoPhoto(n: number): string {
  return join(DEMO_DIR, `sample${n}.jpg`);
}

/**
 * Where the build writes every model asset in every format (the private @faceattr/assets); the
 * published packages (`assetPackageModels`) hold copies of one artifact kind each.
 */
export function assetsDir(): string {
  return join(REPO_ROOT, 'packages', 'assets', 'models');
}

/** The built folder of one asset; throws with the command to run when it is not built. */
export function builtAsset(name: string): string {
  const dir = join(assetsDir(), name);
  if (!existsSync(join(dir, 'manifest.json'))) {
    throw new Error(`Model asset ${name} is not built: run \`npm run build\` (npm test runs it first).`);
  }
  return dir;
}

/** Every built asset folder (one with a manifest.json), sorted by name: new assets are covered without a list. */
export function builtAssetDirs(): string[] {
  const root = assetsDir();
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .sort()
    .map((d) => join(root, d))
    .filter((d) => existsSync(join(d, 'manifest.json')));
}

/** The `models/` folder of a published asset package, by folder name (`assets-onnx`, `assets-extra-tfjs`, ...). */
export function assetPackageModels(folder: string): string {
  return join(REPO_ROOT, 'packages', folder, 'models');
}
