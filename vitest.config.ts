import { availableParallelism } from 'node:os';
import { defaultClientConditions, defaultServerConditions } from 'vite';
import { configDefaults, defineConfig } from 'vitest/config';
import { SOURCE_CONDITION } from './scripts/package-entries.mjs';

// Tests import packages by name and run against their sources (never a stale dist): every exports
// entry names its source under the "@faceattr/source" condition (scripts/package-entries.mjs).
const TESTS = ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts', 'examples/*/test/**/*.test.ts', 'test/**/*.test.ts'];
const BROWSER_TESTS = '**/*.browser.test.ts';

export default defineConfig({
  resolve: { conditions: [SOURCE_CONDITION, ...defaultClientConditions] },
  ssr: { resolve: { conditions: [SOURCE_CONDITION, ...defaultServerConditions], externalConditions: [SOURCE_CONDITION] } },
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // One process per test file, one per core: files share no state (each process has its own registries,
    // temporary folders are per test). vitest's default leaves a core free, which on a 2-core CI machine
    // means one file at a time, while much of a test's time is spent waiting on ffmpeg, the CLI or onnxruntime.
    pool: 'forks',
    maxWorkers: availableParallelism(),
    reporters: ['default'],
    // `npm test` runs `fast`, then `browser` (headless Chromium on software WebGL/WebGPU: half of the suite's
    // time, and CPU-bound, so not beside the other files); `npm run test:fast` and `npm run test:browser` one each.
    projects: [
      { extends: true, test: { name: 'fast', include: TESTS, exclude: [...configDefaults.exclude, BROWSER_TESTS] } },
      { extends: true, test: { name: 'browser', include: [BROWSER_TESTS] } },
    ],
  },
});
