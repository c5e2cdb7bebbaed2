import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A file inside a pinned npm package version, with the sha256 it must have. */
export interface PinnedFile {
  pkg: string;
  version: string;
  path: string;
  sha256: string;
}

/** Finds an installed package's folder by walking up node_modules (exports maps may hide package.json). */
export function packageDir(pkg: string): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'node_modules', pkg);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Reads a file from an installed package, refusing a different version or different bytes. */
export function readPinned(f: PinnedFile): Buffer {
  const dir = packageDir(f.pkg);
  if (!dir) throw new Error(`${f.pkg}@${f.version} is not installed; run npm ci at the repository root (it is a devDependency).`);
  const version = (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version;
  if (version !== f.version) throw new Error(`${f.pkg} is ${version}, the model build is pinned to ${f.version}.`);
  const bytes = readFileSync(join(dir, f.path));
  const digest = sha256(bytes);
  if (digest !== f.sha256) throw new Error(`${f.pkg}@${f.version}/${f.path} has sha256 ${digest}, expected ${f.sha256}.`);
  return bytes;
}
