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

/** onnxruntime-node: the `cpu` provider everywhere, `cuda` on Linux/Windows x64 with the CUDA binaries installed. */
export const nodePlatform: OrtPlatform = {
  kind: 'node',
  providers: ['cpu', 'cuda'],
  defaultProviders: ['cpu'],
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
