import { isNodeRuntime, registerBackend } from '@faceattr/core';
import { tfjsBackend } from './tfjs-backend.js';
import type { TfjsRuntime } from './runtimes.js';

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
    registerBackend(`tfjs-${runtime}`, () => tfjsBackend({ runtime }), priority);
  }
  registerBackend('tfjs', () => tfjsBackend({ runtime: 'wasm' }), 0);
}
