/**
 * `@faceattr/backend-onnx` for Node: runs faceattr model assets' `onnx` artifacts on
 * onnxruntime-node (`cpu`, or `cuda` where its binaries are installed). Browsers resolve
 * `index.web` (onnxruntime-web) through the package's exports map. Importing this entry has no
 * side effects; import `@faceattr/backend-onnx/register` to register the `onnx-*` names.
 * @packageDocumentation
 */
import { OnnxBackend } from './onnx-backend.js';
import { nodePlatform } from './node-platform.js';
import type { OnnxBackendOptions } from './ort-runtime.js';
import { registerOnnxNames } from './register-backends.js';

export { OnnxBackend } from './onnx-backend.js';
export type { OnnxBackendOptions, OnnxExecutionProvider } from './ort-runtime.js';

/**
 * Creates an ONNX Runtime backend on onnxruntime-node: `cpu` by default, `cuda` where its CUDA binaries are
 * installed. It reads assets' `onnx` artifacts. In browsers this package resolves to onnxruntime-web
 * instead (`wasm`, `webgpu`), with the same options.
 * @example
 * ```ts
 * const pipeline = await createPipeline({ backend: onnxBackend(), detector: mtcnn(), attributeModel: faceAttributes() });
 * // CUDA, with onnxruntime-node's CUDA binaries installed (else init() fails with BACKEND_UNAVAILABLE):
 * const gpu = onnxBackend({ executionProviders: ['cuda'] });
 * // or by registered name, falling back to the CPU: createPipeline({ backend: ['onnx-cuda', 'onnx-cpu'], ... })
 * ```
 */
export function onnxBackend(options: OnnxBackendOptions = {}): OnnxBackend {
  return new OnnxBackend(nodePlatform, options);
}

/**
 * Registers `onnx-cpu` (priority 25: above tfjs-wasm, which it outruns on CPU, see
 * docs/benchmarks.md; below the native tfjs-node), `onnx-cuda` (5: opt-in by name, since probing
 * CUDA where it is missing makes onnxruntime log a load error) and the `onnx` alias for cpu.
 */
export function registerOnnxBackends(): void {
  registerOnnxNames(onnxBackend, { cpu: 25, cuda: 5 }, 'cpu');
}
