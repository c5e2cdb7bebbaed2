import { defineConfig } from 'tsup';
import { sourceEntries } from '../../scripts/package-entries.mjs';

const entry = sourceEntries(import.meta.dirname);

export default defineConfig({
  // The entry points are the package.json exports map's "@faceattr/source" targets, plus the bin.
  entry,
  format: ['esm'],
  dts: { entry: Object.fromEntries(Object.entries(entry).filter(([name]) => name !== 'bin')) },
  clean: true,
  sourcemap: true,
  platform: 'node',
  target: 'node20',
});
