import { defineConfig } from 'tsup';
import { libraryConfig } from '../../scripts/tsup-library.mjs';

// index/register run on onnxruntime-node; index.web/register.web on onnxruntime-web (the exports map picks by the `node` condition).
export default defineConfig(libraryConfig(import.meta.dirname, { external: ['onnxruntime-node', 'onnxruntime-web'] }));
