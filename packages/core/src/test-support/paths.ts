import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root (tests run from src, never dist). */
export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');

/** face-api's demo photos (devDependency @vladmandic/face-api@1.7.15). */
export function demoPhoto(n: number): string {
  return join(REPO_ROOT, 'node_modules', '@vladmandic', 'face-api', 'demo', `sample${n}.jpg`);
}

/** The built asset folder of a shipped model (run `npm run build` first; `npm test` does). */
export function builtAsset(name: string): string {
  const dir = join(REPO_ROOT, 'packages', 'models', 'assets', name);
  if (!existsSync(join(dir, 'manifest.json'))) {
    throw new Error(`Model asset ${name} is not built: run \`npm run build\` (npm test runs it first).`);
  }
  return dir;
}
