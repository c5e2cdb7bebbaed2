import { registerBackend, type PluginOptions } from '@faceattr/core';
import type { OnnxBackend } from './onnx-backend.js';
import type { OnnxBackendOptions, OnnxExecutionProvider } from './ort-runtime.js';

const LABELS: Record<OnnxExecutionProvider, string> = {
  cpu: 'ONNX Runtime CPU',
  cuda: 'ONNX Runtime CUDA (needs its CUDA binaries)',
  wasm: 'ONNX Runtime WebAssembly',
  webgpu: 'ONNX Runtime WebGPU',
  webgl: 'ONNX Runtime WebGL',
};

/**
 * Registers `onnx-<provider>` names with the given priorities, and `onnx` as an alias for the
 * entry's default provider (priority 0: it never wins an unnamed pick over the specific names).
 * The caller's options (wasmPaths, wasmThreads, intraOpNumThreads) reach `create`; the name fixes the provider.
 */
export function registerOnnxNames(
  create: (options: OnnxBackendOptions) => OnnxBackend,
  priorities: Partial<Record<OnnxExecutionProvider, number>>,
  defaultProvider: OnnxExecutionProvider,
): void {
  const factory = (ep: OnnxExecutionProvider) => (options?: PluginOptions) => create({ ...(options as OnnxBackendOptions), executionProviders: [ep] });
  for (const [ep, priority] of Object.entries(priorities) as [OnnxExecutionProvider, number][]) {
    registerBackend(`onnx-${ep}`, factory(ep), { priority, label: LABELS[ep] });
  }
  registerBackend('onnx', factory(defaultProvider), { priority: 0, label: LABELS[defaultProvider], aliasOf: `onnx-${defaultProvider}` });
}
