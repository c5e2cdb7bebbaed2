// Entry points are written once, in each package.json's exports map: every entry carries a
// "@faceattr/source" condition naming its TypeScript source. tsup (entries), vitest, vite and tsc
// (customConditions) all read that map; nothing else lists a package's entry points.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const SOURCE_CONDITION = '@faceattr/source';

/** The first dist file an exports entry points at (its `import`/`default` target). */
function distTarget(entry) {
  if (typeof entry === 'string') return entry.startsWith('./dist/') ? entry : undefined;
  if (!entry || typeof entry !== 'object') return undefined;
  for (const key of ['import', 'default', 'require']) {
    const found = entry[key] !== undefined ? distTarget(entry[key]) : undefined;
    if (found) return found;
  }
  return undefined;
}

/** `{ distName: sourcePath }` for every entry of the package in `dir` (tsup's `entry` option). */
export function sourceEntries(dir) {
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const entries = {};
  const visit = (node) => {
    if (!node || typeof node !== 'object') return;
    const source = node[SOURCE_CONDITION];
    const target = distTarget(node);
    if (typeof source === 'string' && target) {
      entries[target.replace(/^\.\/dist\//, '').replace(/\.(c|m)?js$/, '')] = source.replace(/^\.\//, '');
    }
    for (const [key, value] of Object.entries(node)) if (key !== SOURCE_CONDITION) visit(value);
  };
  visit(pkg.exports);
  if (pkg.bin) {
    for (const target of Object.values(typeof pkg.bin === 'string' ? { bin: pkg.bin } : pkg.bin)) {
      const name = target.replace(/^\.\/dist\//, '').replace(/\.js$/, '');
      entries[name] ??= `src/${name}.ts`;
    }
  }
  return entries;
}

/**
 * Every public package's exports entries in `packagesDir` (TypeDoc's entry points and module names):
 * `{ packageName, specifier, source }`, `source` joined to `packagesDir`. An entry with a
 * `node` condition lists its Node source: the browser variant has the same API on another runtime.
 */
export function publicEntryPoints(packagesDir) {
  const entries = [];
  for (const dir of readdirSync(packagesDir).sort()) {
    const file = join(packagesDir, dir, 'package.json');
    if (!existsSync(file)) continue;
    const pkg = JSON.parse(readFileSync(file, 'utf8'));
    if (pkg.private) continue;
    for (const [subpath, entry] of Object.entries(pkg.exports ?? {})) {
      const source = entry?.node?.[SOURCE_CONDITION] ?? entry?.[SOURCE_CONDITION];
      if (typeof source !== 'string') continue;
      entries.push({ packageName: pkg.name, specifier: pkg.name + subpath.slice(1), source: join(packagesDir, dir, source) });
    }
  }
  return entries;
}
