import { isNodeRuntime, registerBackend, type PluginOptions } from '@faceattr/core';
import { tfjsBackend, type TfjsBackendOptions } from './tfjs-backend.js';
import type { TfjsRuntime } from './runtimes.js';

const LABELS: Record<TfjsRuntime, string> = {
  wasm: 'TensorFlow.js WebAssembly',
  cpu: 'TensorFlow.js CPU (plain JavaScript, slow)',
  webgl: 'TensorFlow.js WebGL',
  webgpu: 'TensorFlow.js WebGPU',
  node: 'TensorFlow.js native (needs @tensorflow/tfjs-node)',
  'node-gpu': 'TensorFlow.js native CUDA (needs @tensorflow/tfjs-node-gpu)',
};

/** A factory passing the caller's options (wasmPaths, wasmThreads, executor) to tfjsBackend(); the name fixes the runtime. */
const factory = (runtime: TfjsRuntime) => (options?: PluginOptions) => tfjsBackend({ ...(options as TfjsBackendOptions), runtime });

/**
 * Registers `tfjs-<runtime>` names with priorities for this environment: in Node, the native
 * bindings (when installed) beat wasm, which beats the pure-JS cpu; in browsers webgpu > webgl > wasm > cpu.
 * `tfjs` is an alias for the environment's default runtime (wasm).
 */
export function registerTfjsBackends(): void {
  const node = isNodeRuntime();
  const priorities: Record<TfjsRuntime, number> = node
    ? { 'node-gpu': 40, node: 30, wasm: 20, cpu: 1, webgl: -1, webgpu: -1 }
    : { webgpu: 30, webgl: 25, wasm: 20, cpu: 1, node: -1, 'node-gpu': -1 };
  for (const [runtime, priority] of Object.entries(priorities) as [TfjsRuntime, number][]) {
    if (priority < 0) continue;
    registerBackend(`tfjs-${runtime}`, factory(runtime), { priority, label: LABELS[runtime] });
  }
  registerBackend('tfjs', factory('wasm'), { priority: 0, label: LABELS.wasm, aliasOf: 'tfjs-wasm' });
}
