#!/usr/bin/env node
// Compiles assembly/warp.ts (AssemblyScript) and writes src/wasm/warp-wasm.ts, the module's bytes
// as base64, so the JS bundle carries it (no extra file or fetch in browsers or Node).
//
//   npm run build:wasm -w @faceattr/attributes      (or: node scripts/build-wasm.mjs [--check])
//
// --check compiles and exits 1 when the committed warp-wasm.ts differs (it writes nothing).
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ASC_FLAGS, findAsc as findAscFrom, renderWasmModule, writeOrCheck } from '../../../scripts/wasm-module.mjs';

const pkg = join(dirname(fileURLToPath(import.meta.url)), '..');
export { ASC_FLAGS };
export const findAsc = () => findAscFrom(pkg);
export const generate = () => renderWasmModule({ pkg, source: 'assembly/warp.ts', constName: 'WARP_WASM_BASE64', script: 'scripts/build-wasm.mjs' });

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeOrCheck({ pkg, target: 'src/wasm/warp-wasm.ts', text: generate(), hint: 'npm run build:wasm -w @faceattr/attributes' });
}
