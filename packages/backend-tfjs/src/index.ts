/**
 * `@faceattr/backend-tfjs`: runs faceattr model assets on TensorFlow.js (wasm, cpu, webgl,
 * webgpu, node, node-gpu). Importing this entry has no side effects; import
 * `@faceattr/backend-tfjs/register` to register the `tfjs-*` names.
 * @packageDocumentation
 */
export { TfjsBackend, tfjsBackend, DEFAULT_TFJS_OPTIONS } from './tfjs-backend.js';
export type { TfjsBackendOptions } from './tfjs-backend.js';
export { TFJS_RUNTIMES, prepareRuntime } from './runtimes.js';
export type { TfjsRuntime, RuntimeOptions } from './runtimes.js';
export { registerTfjsBackends } from './register-backends.js';
