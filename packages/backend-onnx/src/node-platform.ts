import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { FaceAttrError, describeError, isNodeRuntime } from '@faceattr/core';
import type * as OrtNode from 'onnxruntime-node';
import type { OrtPlatform, OrtRuntime, OrtSession } from './ort-runtime.js';

const PKG = 'onnxruntime-node';
const VERSION = '1.30.0';

let loaded: Promise<typeof OrtNode> | undefined;

function importOrt(): Promise<typeof OrtNode> {
  loaded ??= import('onnxruntime-node');
  // A failed import may succeed after an install: do not keep the failure.
  loaded.catch(() => (loaded = undefined));
  return loaded;
}

function adapt(ort: typeof OrtNode): OrtRuntime & { ort: typeof OrtNode } {
  return {
    ort,
    packageName: PKG,
        // onnxruntime-common's session and tensor types are wider than the slice OrtSession declares.
    createSession: async (model, options) => (await ort.InferenceSession.create(model, options)) as unknown as OrtSession,
    tensor: (type, data, dims) => new ort.Tensor(type, data, dims),
  };
}

/**
 * Where onnxruntime-node's installer puts the CUDA provider's shared library on Linux x64 (next to its
 * binding, `bin/napi-v6/linux/x64`: its binding.js and script/install-metadata.js), or undefined where
 * that cannot be told (other platforms, or no `import.meta.url` in the CommonJS build).
 */
function cudaProviderLibrary(): string | undefined {
  if (process.platform !== 'linux' || process.arch !== 'x64') return undefined;
  try {
    const main = createRequire(import.meta.url).resolve(PKG);
    return join(dirname(main), '..', 'bin', 'napi-v6', 'linux', 'x64', 'libonnxruntime_providers_shared.so');
  } catch {
    return undefined;
  }
}

/** onnxruntime-node: the `cpu` provider everywhere, `cuda` on Linux/Windows x64 with the CUDA binaries installed. */
export const nodePlatform: OrtPlatform = {
  kind: 'node',
  providers: ['cpu', 'cuda'],
  defaultProviders: ['cpu'],
  // Asked for CUDA without its provider libraries, onnxruntime prints "Failed to load library
  // libonnxruntime_providers_shared.so" on stderr before it fails: fail first, with the same error.
  async precheck(ep) {
    const library = ep === 'cuda' ? cudaProviderLibrary() : undefined;
    if (library === undefined || existsSync(library)) return;
    throw await this.unavailable(ep, await this.load({}), new Error(`${library} does not exist`));
  },
  // onnxruntime-node's own default ran one thread on this 2-core VM, and a pool's idle threads spin by
  // default: with a pipeline's sessions, each spinning pool takes the cores from the next session's run
  // (four nets in turn: 42.0 ms on one thread, 87.8 ms on two spinning, 31.1 ms on two sleeping). Pyramid
  // levels and face counts change the shapes every call, so no per-shape memory plan (P-Net's nine levels:
  // 13.4 -> 12.9 ms). Measured: packages/backend-onnx/bench/session-options.ts (docs/benchmarks.md).
  sessionOptions(o) {
    const threads = o.intraOpNumThreads ?? availableParallelism();
    return { enableMemPattern: false, ...o, intraOpNumThreads: threads, ...(threads > 1 && { extra: { session: { intra_op: { allow_spinning: '0' } } } }) };
  },
  async load() {
    if (!isNodeRuntime()) {
      throw new FaceAttrError('BACKEND_UNAVAILABLE', 'The Node entry of @faceattr/backend-onnx (onnxruntime-node) only runs in Node; browsers resolve the web entry (onnxruntime-web).');
    }
    try {
      return adapt(await importOrt());
    } catch (e) {
      throw new FaceAttrError(
        'BACKEND_UNAVAILABLE',
        `${PKG} could not be loaded (${describeError(e)}). Install it with \`npm install ${PKG}@${VERSION}\` (it downloads its native binary at install time), or use the tfjs backend.`,
        { cause: e, details: { package: PKG } },
      );
    }
  },
  async unavailable(ep, runtime, cause) {
    if (ep === 'cuda') {
      const ort = (runtime as ReturnType<typeof adapt>).ort;
      const listed = ort.listSupportedBackends().find((b) => b.name === 'cuda');
      const state = !listed ? 'this onnxruntime-node build has no CUDA provider' : listed.bundled ? 'the CUDA provider failed to start' : 'the CUDA provider binaries are not installed';
      return new FaceAttrError(
        'BACKEND_UNAVAILABLE',
        `onnxruntime-node cannot run the "cuda" execution provider here: ${state} (${describeError(cause)}). ` +
          `On Linux or Windows x64 with an NVIDIA GPU, CUDA 12 and cuDNN 9, reinstall with \`npm install ${PKG}@${VERSION} --onnxruntime-node-install=cuda12\` ` +
          `(or ONNXRUNTIME_NODE_INSTALL=cuda12), or use executionProviders: ['cpu'].`,
        { cause, details: { executionProvider: ep, package: PKG } },
      );
    }
    return new FaceAttrError('BACKEND_UNAVAILABLE', `onnxruntime-node cannot run the "${ep}" execution provider here: ${describeError(cause)}`, {
      cause,
      details: { executionProvider: ep, package: PKG },
    });
  },
};
