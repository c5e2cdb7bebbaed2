import {
  FaceAttrError,
  checkPluginOptions,
  describeError,
  type BackendMemory,
  type InferenceBackend,
  type LoadedModelAsset,
  type ModelHandle,
} from '@faceattr/core';
import { OnnxModel } from './onnx-model.js';
import type { OnnxBackendOptions, OnnxExecutionProvider, OrtPlatform, OrtRuntime, OrtSessionOptions } from './ort-runtime.js';
import { PROBE_MODEL } from './probe-model.js';

/** The ONNX Runtime {@link InferenceBackend}; the Node and web entries differ only in their platform (onnxruntime-node or onnxruntime-web). */
export class OnnxBackend implements InferenceBackend {
  readonly artifact = 'onnx' as const;
  readonly name: string;
/** The execution providers sessions are created with, in order of preference. */
  readonly executionProviders: readonly OnnxExecutionProvider[];
  readonly #platform: OrtPlatform;
  readonly #options: OnnxBackendOptions;
  readonly #models = new Set<OnnxModel>();
  #runtime: OrtRuntime | undefined;
  #ready: Promise<void> | undefined;
  #disposed = false;

  constructor(platform: OrtPlatform, given: OnnxBackendOptions = {}) {
    const options: OnnxBackendOptions = checkPluginOptions(given, 'onnxBackend()', ['executionProviders', 'intraOpNumThreads', 'wasmPaths', 'wasmThreads']);
    const eps = options.executionProviders ?? platform.defaultProviders;
    const entry = platform.kind === 'node' ? 'Node (onnxruntime-node)' : 'browser (onnxruntime-web)';
    if (!Array.isArray(eps) || eps.length === 0) {
      throw new FaceAttrError('INVALID_OPTIONS', `executionProviders must be a non-empty array; the ${entry} entry accepts ${platform.providers.join(', ')}.`);
    }
    for (const ep of eps) {
      if (!platform.providers.includes(ep)) {
        const other = platform.kind === 'node' ? 'the browser entry of @faceattr/backend-onnx (onnxruntime-web)' : 'the Node entry of @faceattr/backend-onnx (onnxruntime-node)';
        throw new FaceAttrError(
          'INVALID_OPTIONS',
          `Execution provider ${JSON.stringify(ep)} is not available in the ${entry} entry, which accepts ${platform.providers.join(', ')}${['cpu', 'cuda', 'wasm', 'webgpu', 'webgl'].includes(ep) ? `; it belongs to ${other}` : ''}.`,
        );
      }
    }
    if (options.intraOpNumThreads !== undefined && !(Number.isInteger(options.intraOpNumThreads) && options.intraOpNumThreads > 0)) {
      throw new FaceAttrError('INVALID_OPTIONS', `intraOpNumThreads must be a positive integer, got ${options.intraOpNumThreads}.`);
    }
    this.executionProviders = [...eps];
    this.name = `onnx-${eps[0]}`;
    this.#platform = platform;
    this.#options = options;
  }

  #sessionOptions(): OrtSessionOptions {
    const o: OrtSessionOptions = { executionProviders: [...this.executionProviders] };
    if (this.#options.intraOpNumThreads !== undefined) o.intraOpNumThreads = this.#options.intraOpNumThreads;
    return this.#platform.sessionOptions?.(o) ?? o;
  }

  init(): Promise<void> {
    if (this.#disposed) return Promise.reject(new FaceAttrError('DISPOSED', `Backend ${this.name} was disposed.`));
    this.#ready ??= (async () => {
      for (const ep of this.executionProviders) await this.#platform.precheck?.(ep);
      const runtime = await this.#platform.load(this.#options);
      // A one-node session proves the providers load and run here, before any real model.
      try {
        const s = await runtime.createSession(PROBE_MODEL, this.#sessionOptions());
        await s.run({ x: runtime.tensor('float32', Float32Array.of(-1), [1]) }, ['y']);
        await s.release();
      } catch (e) {
        throw await this.#platform.unavailable(this.executionProviders[0]!, runtime, e);
      }
      this.#runtime = runtime;
    })();
    this.#ready.catch(() => (this.#ready = undefined));
    return this.#ready;
  }

  async loadModel(asset: LoadedModelAsset): Promise<ModelHandle> {
    await this.init();
    if (this.#disposed) throw new FaceAttrError('DISPOSED', `Backend ${this.name} was disposed.`);
    if (asset.artifact !== 'onnx') {
      throw new FaceAttrError('MODEL_LOAD_FAILED', `The ONNX backend loads onnx artifacts; got ${asset.artifact} for "${asset.manifest.name}". Load the asset with loadModelAsset(source, 'onnx').`);
    }
    const entry = asset.manifest.artifacts.onnx?.entry;
    const bytes = entry === undefined ? undefined : asset.files.get(entry);
    if (!bytes) throw new FaceAttrError('MODEL_LOAD_FAILED', `Model "${asset.manifest.name}" (${asset.location}) has no onnx entry file among its loaded files.`);
    const runtime = this.#runtime!;
    let session;
    try {
      session = await runtime.createSession(bytes, this.#sessionOptions());
    } catch (e) {
      throw new FaceAttrError('MODEL_LOAD_FAILED', `${runtime.packageName} could not load "${asset.manifest.name}" (${asset.location}): ${describeError(e)}`, { cause: e, details: { file: entry } });
    }
    const model = new OnnxModel(asset.manifest.name, session, asset.manifest.inputs, runtime, this.name, (m) => this.#models.delete(m));
    this.#models.add(model);
    return model;
  }

  memory(): BackendMemory {
    return { models: this.#models.size };
  }

  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    await Promise.all([...this.#models].map((m) => m.release()));
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.dispose();
  }
}
