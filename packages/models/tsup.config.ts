import { defineConfig } from 'tsup';

export default defineConfig([
  {
    entry: { index: 'src/index.ts', register: 'src/register.ts', utkface: 'src/utkface/utkface.ts', eval: 'src/eval/metrics.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    clean: true,
    shims: true,
    target: 'es2022',
  },
  {
    entry: { 'build-assets': 'src/build-assets.ts', 'tfjs-to-onnx': 'src/tfjs-to-onnx-cli.ts' },
    format: ['esm'],
    platform: 'node',
    target: 'node20',
    noExternal: [/^@faceattr\//],
  },
]);
