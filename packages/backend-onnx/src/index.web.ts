/**
 * `@faceattr/backend-onnx` for browsers (and any non-Node bundle): runs faceattr model assets'
 * `onnx` artifacts on onnxruntime-web (`wasm`, or `webgpu`). It also runs under Node, where the
 * wasm provider works too. Import `@faceattr/backend-onnx/register` to register the names.
 * @packageDocumentation
 */
import { OnnxBackend } from './onnx-backend.js';
import type { OnnxBackendOptions } from './ort-runtime.js';
import { registerOnnxNames } from './register-backends.js';
import { webPlatform } from './web-platform.js';

export { OnnxBackend } from './onnx-backend.js';
export type { OnnxBackendOptions, OnnxExecutionProvider } from './ort-runtime.js';

/** Creates an ONNX Runtime backend on onnxruntime-web: `onnxBackend()` (wasm) or `onnxBackend({ executionProviders: ['webgpu', 'wasm'] })`. */
export function onnxBackend(options: OnnxBackendOptions = {}): OnnxBackend {
  return new OnnxBackend(webPlatform, options);
}

/**
 * Registers `onnx-webgpu` (27, below tfjs-webgpu, the reference) and `onnx-wasm` (15, below
 * tfjs-wasm: not yet measured in browsers), plus the `onnx` alias for wasm.
 */
export function registerOnnxBackends(): void {
  registerOnnxNames(onnxBackend, { webgpu: 27, wasm: 15 }, 'wasm');
}
