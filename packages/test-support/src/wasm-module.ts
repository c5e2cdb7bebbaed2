import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './paths.js';

/**
 * A package's committed, generated WebAssembly module (`src/wasm/<name>-wasm.ts`) and what its
 * `scripts/build-wasm.mjs` compiles from `assembly/` now, for the freshness tests; undefined (with a
 * warning) when assemblyscript is not installed. `pkg` is the package's folder under `packages/`.
 */
export async function wasmModuleVersions(pkg: string, generated: string): Promise<{ committed: string | undefined; compiled: string; hint: string } | undefined> {
  const dir = join(REPO_ROOT, 'packages', pkg);
  const script = (await import(join(dir, 'scripts', 'build-wasm.mjs'))) as { findAsc: () => string | undefined; generate: () => string };
  if (!script.findAsc()) {
    console.warn(`Skipping the ${generated} freshness check: assemblyscript (asc) is not installed.`);
    return undefined;
  }
  const path = join(dir, generated);
  const name = (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name: string }).name;
  return { committed: existsSync(path) ? readFileSync(path, 'utf8') : undefined, compiled: script.generate(), hint: `stale: run npm run build:wasm -w ${name}` };
}
