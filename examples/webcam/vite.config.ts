import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultClientConditions, defineConfig, type Plugin } from 'vite';
import { SOURCE_CONDITION } from '../../scripts/package-entries.mjs';
import { ISOLATION_HEADERS, serveDir } from './scripts/static-server.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../..');

function models(dir: string): Plugin {
  const handle = serveDir('/models/', dir);
  return {
    name: 'faceattr-models',
    configureServer: (server) => void server.middlewares.use(handle),
    configurePreviewServer: (server) => void server.middlewares.use(handle),
  };
}

// In this monorepo the @faceattr/* imports resolve to the packages' sources through their exports maps'
// "@faceattr/source" condition (like the root vitest config), so the demo never runs a stale dist/. An
// app outside the repo imports the published packages unchanged; their exports maps pick the browser
// builds (e.g. backend-onnx's onnxruntime-web entry).
export default defineConfig({
  root: here,
  base: './',
  resolve: { conditions: [SOURCE_CONDITION, ...defaultClientConditions] },
  // The published asset packages' files (`npm run build`), both kinds merged, served at /models/ by `vite` and `vite preview`.
  plugins: [models(path.join(repo, 'packages/assets/published-models'))],
  server: { host: '127.0.0.1', headers: ISOLATION_HEADERS },
  preview: { host: '127.0.0.1', headers: ISOLATION_HEADERS },
  // onnxruntime-web finds its .wasm/.mjs next to its own module; esbuild's pre-bundling would move it.
  optimizeDeps: { exclude: ['onnxruntime-web'] },
  build: {
    target: 'es2022',
    outDir: path.join(here, 'dist'),
    emptyOutDir: true,
    chunkSizeWarningLimit: 4096,
    reportCompressedSize: false,
    rollupOptions: {
      input: {
        demo: path.join(here, 'index.html'),
        harness: path.join(here, 'harness.html'),
      },
    },
  },
  worker: { format: 'es' },
});
