import { defineConfig } from 'tsup';

export default defineConfig({
  // index/register run on onnxruntime-node; index.web/register.web on onnxruntime-web (exports map picks by the `node` condition).
  entry: ['src/index.ts', 'src/index.web.ts', 'src/register.ts', 'src/register.web.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'es2022',
  external: ['onnxruntime-node', 'onnxruntime-web'],
});
