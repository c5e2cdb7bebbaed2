import { FaceAttrError, describeError, isNodeRuntime } from '@faceattr/core';
import type * as OrtWeb from 'onnxruntime-web';
import type { OrtPlatform, OrtRuntime, OrtSession } from './ort-runtime.js';

const PKG = 'onnxruntime-web';
const VERSION = '1.30.0';

let loaded: Promise<typeof OrtWeb> | undefined;

function importOrt(): Promise<typeof OrtWeb> {
  // The main entry carries the wasm and WebGPU providers (and resolves to a Node build under Node).
  loaded ??= import('onnxruntime-web');
  loaded.catch(() => (loaded = undefined));
  return loaded;
}

/**
 * onnxruntime-web: `wasm` everywhere (browsers, workers, Node), `webgpu` where navigator.gpu has
 * an adapter. ORT's wasm settings (`ort.env.wasm`) are global to the page or process.
 */
export const webPlatform: OrtPlatform = {
  kind: 'web',
  providers: ['wasm', 'webgpu', 'webgl'],
  defaultProviders: ['wasm'],
  async precheck(ep) {
    if (ep === 'webgl') {
      throw new FaceAttrError(
        'BACKEND_UNAVAILABLE',
        `onnxruntime-web ${VERSION}'s main bundle has no WebGL provider (ONNX Runtime deprecated it). Use executionProviders ['webgpu'] or ['wasm'], or the tfjs backend's "webgl" runtime.`,
      );
    }
    if (ep === 'webgpu') {
      const gpu = (globalThis as { navigator?: { gpu?: { requestAdapter(): Promise<unknown> } } }).navigator?.gpu;
      if (!gpu) {
        throw new FaceAttrError('BACKEND_UNAVAILABLE', 'The ONNX "webgpu" provider needs WebGPU (navigator.gpu), which this environment lacks. Use a WebGPU-capable browser, or "wasm".');
      }
      if (!(await gpu.requestAdapter())) throw new FaceAttrError('BACKEND_UNAVAILABLE', 'WebGPU is present but no GPU adapter was found. Use "wasm".');
    }
  },
  async load(options) {
    let ort: typeof OrtWeb;
    try {
      ort = await importOrt();
    } catch (e) {
      throw new FaceAttrError('BACKEND_UNAVAILABLE', `${PKG} could not be loaded (${describeError(e)}). Install it with \`npm install ${PKG}@${VERSION}\`.`, {
        cause: e,
        details: { package: PKG },
      });
    }
    if (options.wasmPaths !== undefined) ort.env.wasm.wasmPaths = options.wasmPaths;
    // Node has no cross-origin isolation for wasm threads; one thread is what works there.
    if (options.wasmThreads !== undefined) ort.env.wasm.numThreads = options.wasmThreads;
    else if (isNodeRuntime()) ort.env.wasm.numThreads = 1;
    const runtime: OrtRuntime = {
      packageName: PKG,
            createSession: async (model, o) =>
        (await ort.InferenceSession.create(model, { executionProviders: o.executionProviders as OrtWeb.InferenceSession.ExecutionProviderConfig[] })) as unknown as OrtSession,
      tensor: (type, data, dims) => new ort.Tensor(type, data, dims),
    };
    return runtime;
  },
  async unavailable(ep, _runtime, cause) {
    const hint =
      ep === 'wasm'
        ? ' Check that the ort-wasm-*.wasm/.mjs files of onnxruntime-web are served where `wasmPaths` points (by default next to the onnxruntime-web script your bundler emitted).'
        : ' Use "wasm".';
    return new FaceAttrError('BACKEND_UNAVAILABLE', `onnxruntime-web cannot run the "${ep}" execution provider here: ${describeError(cause)}.${hint}`, {
      cause,
      details: { executionProvider: ep, package: PKG },
    });
  },
};
