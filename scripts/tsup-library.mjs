// The one tsup setup of the published library packages: ESM + CJS + .d.ts from the entries their
// exports maps name (scripts/package-entries.mjs). A package passes only what differs.
import { sourceEntries } from './package-entries.mjs';

/** tsup options for the package in `dir` (its tsup.config.ts passes `import.meta.dirname`). */
export function libraryConfig(dir, extra = {}) {
  return {
    entry: sourceEntries(dir),
    format: ['esm', 'cjs'],
    dts: true,
    clean: true,
    sourcemap: true,
    target: 'es2022',
    ...extra,
  };
}
