import { defineConfig } from 'tsup';
import { sourceEntries } from '../../scripts/package-entries.mjs';

export default defineConfig({
  // Node scripts only: the converter's command (the package's bin) and the asset build.
  entry: { ...sourceEntries(import.meta.dirname), 'build-assets': 'src/build-assets.ts' },
  format: ['esm'],
  clean: true,
  platform: 'node',
  target: 'node20',
});
