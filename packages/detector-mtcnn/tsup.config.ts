import { defineConfig } from 'tsup';
import { sourceEntries } from '../../scripts/package-entries.mjs';

export default defineConfig({
  // The entry points are the package.json exports map's "@faceattr/source" targets.
  entry: sourceEntries(import.meta.dirname),
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'es2022',
});
