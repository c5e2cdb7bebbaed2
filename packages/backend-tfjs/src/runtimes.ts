import * as tf from '@tensorflow/tfjs-core';
import { FaceAttrError, describeError, isNodeRuntime } from '@faceattr/core';

/** Where tfjs computes. */
export type TfjsRuntime = 'wasm' | 'cpu' | 'webgl' | 'webgpu' | 'node' | 'node-gpu';

/** Every runtime {@link TfjsBackendOptions.runtime} accepts. */
export const TFJS_RUNTIMES: readonly TfjsRuntime[] = ['wasm', 'cpu', 'webgl', 'webgpu', 'node', 'node-gpu'];

/** Settings of the wasm runtime, passed to tfjs before it starts. */
export interface RuntimeOptions {
  /**
   * Where the wasm backend finds `tfjs-backend-wasm*.wasm`: a directory URL/path prefix or a
   * per-file map. Default: next to the installed package's script (never a CDN).
   */
  wasmPaths?: string | Record<string, string>;
  /** Threads for the wasm backend when SharedArrayBuffer is available (browser, cross-origin isolated). */
  wasmThreads?: number;
}

/** The tfjs backend name a runtime registers (`node` and `node-gpu` both register `tensorflow`). */
export function tfBackendName(runtime: TfjsRuntime): string {
  return runtime === 'node' || runtime === 'node-gpu' ? 'tensorflow' : runtime;
}

function missing(pkg: string, runtime: TfjsRuntime, e: unknown): FaceAttrError {
  return new FaceAttrError(
    'BACKEND_UNAVAILABLE',
    `The tfjs "${runtime}" runtime needs ${pkg}@4.22.0, which could not be loaded (${describeError(e)}). Install it with \`npm install ${pkg}@4.22.0\`, or pick another runtime ('wasm' works everywhere).`,
    { cause: e, details: { runtime, package: pkg } },
  );
}

// Import specifiers are computed so bundlers and tsup leave the optional peers alone.
async function importOptional(pkg: string): Promise<unknown> {
  return import(/* @vite-ignore */ pkg);
}

const prepared = new Map<TfjsRuntime, Promise<void>>();

/** Registers the tfjs backend for `runtime` (importing its package) once per process. */
export function prepareRuntime(runtime: TfjsRuntime, options: RuntimeOptions = {}): Promise<void> {
  let p = prepared.get(runtime);
  if (!p) {
    p = doPrepare(runtime, options);
    prepared.set(runtime, p);
    // A failed preparation may succeed later (after an install), so do not cache the failure here;
    // the core registry remembers failures per pipeline-facing name instead.
    p.catch(() => prepared.delete(runtime));
  }
  return p;
}

async function doPrepare(runtime: TfjsRuntime, options: RuntimeOptions): Promise<void> {
  switch (runtime) {
    case 'cpu':
      await import('@tensorflow/tfjs-backend-cpu');
      return;
    case 'wasm': {
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      if (options.wasmPaths !== undefined) wasm.setWasmPaths(options.wasmPaths);
      if (options.wasmThreads !== undefined) wasm.setThreadsCount(options.wasmThreads);
      return;
    }
    case 'webgl':
      if (isNodeRuntime()) {
        throw new FaceAttrError('BACKEND_UNAVAILABLE', 'The tfjs "webgl" runtime needs a browser with WebGL2; in Node use "wasm" or "node".');
      }
      // Bundled browser apps import the package themselves (a computed specifier cannot be bundled).
      if (tf.findBackendFactory('webgl')) return;
      try {
        await importOptional('@tensorflow/tfjs-backend-webgl');
      } catch (e) {
        throw missing('@tensorflow/tfjs-backend-webgl', runtime, e);
      }
      return;
    case 'webgpu': {
      const gpu = (globalThis as { navigator?: { gpu?: { requestAdapter(): Promise<unknown> } } }).navigator?.gpu;
      if (!gpu) {
        throw new FaceAttrError(
          'BACKEND_UNAVAILABLE',
          'The tfjs "webgpu" runtime needs WebGPU (navigator.gpu), which this environment lacks. Use a WebGPU-capable browser, or "webgl"/"wasm".',
        );
      }
      if (!(await gpu.requestAdapter())) {
        throw new FaceAttrError('BACKEND_UNAVAILABLE', 'WebGPU is present but no GPU adapter was found. Use "webgl" or "wasm".');
      }
      if (tf.findBackendFactory('webgpu')) return;
      try {
        await importOptional('@tensorflow/tfjs-backend-webgpu');
      } catch (e) {
        throw missing('@tensorflow/tfjs-backend-webgpu', runtime, e);
      }
      return;
    }
    case 'node':
    case 'node-gpu': {
      if (!isNodeRuntime()) throw new FaceAttrError('BACKEND_UNAVAILABLE', `The tfjs "${runtime}" runtime only runs in Node.`);
      const pkg = runtime === 'node' ? '@tensorflow/tfjs-node' : '@tensorflow/tfjs-node-gpu';
      try {
        await importOptional(pkg);
      } catch (e) {
        throw missing(pkg, runtime, e);
      }
      return;
    }
    default:
      throw new FaceAttrError('INVALID_OPTIONS', `Unknown tfjs runtime ${JSON.stringify(runtime)}; use one of ${TFJS_RUNTIMES.join(', ')}.`);
  }
}

/** Makes `runtime` the active tfjs backend (tfjs has one global active backend). */
export async function activate(runtime: TfjsRuntime): Promise<void> {
  const name = tfBackendName(runtime);
  if (tf.getBackend() === name) return;
  let ok: boolean;
  try {
    ok = await tf.setBackend(name);
  } catch (e) {
    throw new FaceAttrError('BACKEND_UNAVAILABLE', `tfjs could not start its "${name}" backend: ${describeError(e)}`, { cause: e });
  }
  if (!ok) {
    throw new FaceAttrError('BACKEND_UNAVAILABLE', `tfjs could not start its "${name}" backend in this environment. Pick another runtime ('wasm' works everywhere).`);
  }
  await tf.ready();
  // tfjs's cpu backend prints a banner telling Node users to install tfjs-node on its first tensor; whoever
  // picked `cpu` chose it over `wasm` and `node` (which need no advice), so it is noise on their stderr.
  if (name === 'cpu' && isNodeRuntime()) (tf.backend() as { firstUse?: boolean }).firstUse = false;
}
