import { defineConfig } from 'tsup';
import { libraryConfig } from '../../scripts/tsup-library.mjs';

export default defineConfig(
  libraryConfig(import.meta.dirname, {
    external: ['vitest', 'sharp'],
    // import.meta.url in the CommonJS build (core finds the installed @faceattr/assets from its own location).
    shims: true,
  }),
);
