import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (p: string) => fileURLToPath(new URL(`./packages/${p}`, import.meta.url));

// Tests import packages by name and run against src (never a stale dist).
export default defineConfig({
  resolve: {
    alias: [
      { find: /^@faceattr\/core\/node$/, replacement: src('core/src/node.ts') },
      { find: /^@faceattr\/core\/testing$/, replacement: src('core/src/testing.ts') },
      { find: /^@faceattr\/core$/, replacement: src('core/src/index.ts') },
      { find: /^@faceattr\/backend-tfjs\/register$/, replacement: src('backend-tfjs/src/register.ts') },
      { find: /^@faceattr\/backend-tfjs$/, replacement: src('backend-tfjs/src/index.ts') },
      { find: /^@faceattr\/backend-onnx\/register$/, replacement: src('backend-onnx/src/register.ts') },
      { find: /^@faceattr\/backend-onnx$/, replacement: src('backend-onnx/src/index.ts') },
      { find: /^@faceattr\/models\/register$/, replacement: src('models/src/register.ts') },
      { find: /^@faceattr\/models\/utkface$/, replacement: src('models/src/utkface/utkface.ts') },
      { find: /^@faceattr\/models\/eval$/, replacement: src('models/src/eval/metrics.ts') },
      { find: /^@faceattr\/cli$/, replacement: src('cli/src/index.ts') },
      { find: /^@faceattr\/models$/, replacement: src('models/src/index.ts') },
      { find: /^@faceattr\/detector-mtcnn\/register$/, replacement: src('detector-mtcnn/src/register.ts') },
      { find: /^@faceattr\/detector-mtcnn$/, replacement: src('detector-mtcnn/src/index.ts') },
      { find: /^@faceattr\/detector-haar\/register$/, replacement: src('detector-haar/src/register.ts') },
      { find: /^@faceattr\/detector-haar$/, replacement: src('detector-haar/src/index.ts') },
    ],
  },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts', 'examples/*/test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    reporters: ['default'],
  },
});
