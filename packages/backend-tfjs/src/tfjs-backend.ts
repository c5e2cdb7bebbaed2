import * as tf from '@tensorflow/tfjs-core';
import type { GraphModel } from '@tensorflow/tfjs-converter';
import {
  FaceAttrError,
  checkPluginOptions,
  checkRunArguments,
  describeError,
  expectedInputs,
  type BackendMemory,
  type ExpectedInput,
  type InferenceBackend,
  type LoadedModelAsset,
  type ModelHandle,
  type TensorData,
  type TensorSpec,
} from '@faceattr/core';
import { compileDirectGraph, type DirectGraph } from './direct-graph.js';
import { loadGraphFromAsset } from './graph-model.js';
import { activate, prepareRuntime, TFJS_RUNTIMES, type RuntimeOptions, type TfjsRuntime } from './runtimes.js';

/** What {@link tfjsBackend} takes. */
export interface TfjsBackendOptions extends RuntimeOptions {
  /** Where tfjs computes. Default 'wasm'. */
  runtime?: TfjsRuntime;
  /**
   * How models run. 'auto' (default): plain feed-forward graphs (the MTCNN nets, the attribute
   * heads) as straight-line tfjs op calls, ~0.3 ms less per call on wasm, bitwise the same
   * outputs; other graphs through tfjs-converter's GraphModel. 'graph-model': always GraphModel.
   */
  executor?: 'auto' | 'graph-model';
}

/** The defaults of {@link TfjsBackendOptions}. */
export const DEFAULT_TFJS_OPTIONS = {
  /** WebAssembly: runs everywhere, no native addon. */
  runtime: 'wasm',
} as const satisfies TfjsBackendOptions;

class TfjsModel implements ModelHandle {
  #model: GraphModel | undefined;
  #useAsync = false;
  /** Straight-line executor for plain feed-forward graphs; undefined: GraphModel runs it. */
  readonly #direct: DirectGraph | undefined;
  readonly #tfNames = new Map<string, string>();
  readonly #expected: ReadonlyMap<string, ExpectedInput>;
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];

  constructor(
    readonly name: string,
    model: GraphModel,
    topology: unknown,
    inputSpecs: readonly TensorSpec[],
    private readonly owner: TfjsBackend,
    direct: boolean,
  ) {
    this.#model = model;
    // Graphs with a signature name their ends "input:0"; assets and callers use plain node names.
    this.inputNames = model.inputNodes.map(stripPort);
    this.outputNames = model.outputNodes.map(stripPort);
    model.inputNodes.forEach((n) => this.#tfNames.set(stripPort(n), n));
    model.outputNodes.forEach((n) => this.#tfNames.set(stripPort(n), n));
    this.#expected = expectedInputs(this.inputNames, inputSpecs, (n) => model.inputs.find((i) => stripPort(i.name) === n)?.shape);
    // Graphs with control flow cannot run synchronously.
    this.#useAsync = hasDynamicOps(topology);
    this.#direct = this.#useAsync || !direct ? undefined : compileDirectGraph(topology, model.weights);
  }

  /** Which executor runs this model: 'direct' (plain feed-forward graphs) or 'graph-model'. */
  get executor(): 'direct' | 'graph-model' {
    return this.#direct ? 'direct' : 'graph-model';
  }

  async run(feeds: Readonly<Record<string, TensorData>>, outputs?: readonly string[]): Promise<Record<string, TensorData>> {
    const model = this.#model;
    if (!model) throw new FaceAttrError('DISPOSED', `Model "${this.name}" was released; load it again.`);
    await this.owner.activate();
    const names = checkRunArguments(this, feeds, outputs, (n) => this.#expected.get(n));
    const tfOutputs = names.map((n) => this.#tfNames.get(n) ?? n);
    const inputs: Record<string, tf.Tensor> = {};
    let result: tf.Tensor[] = [];
    try {
      for (const [k, v] of Object.entries(feeds)) {
        const tfName = this.#tfNames.get(k) ?? k;
        inputs[tfName] = tf.tensor(v.data, [...v.shape], v.data instanceof Int32Array ? 'int32' : 'float32');
      }
      let out: tf.Tensor | tf.Tensor[];
      try {
        out = this.#direct
          ? this.#direct.execute(inputs, tfOutputs)
          : this.#useAsync ? await model.executeAsync(inputs, tfOutputs) : model.execute(inputs, tfOutputs);
      } catch (e) {
        if (!this.#useAsync && /executeAsync/.test(describeError(e))) {
          this.#useAsync = true;
          out = await model.executeAsync(inputs, tfOutputs);
        } else throw e;
      }
      result = Array.isArray(out) ? out : [out];
      const datas = await Promise.all(result.map((t) => t.data()));
      const res: Record<string, TensorData> = {};
      names.forEach((n, i) => {
        const d = datas[i]!;
        res[n] = { data: d instanceof Int32Array ? d : d instanceof Float32Array ? d : Float32Array.from(d as ArrayLike<number>), shape: result[i]!.shape };
      });
      return res;
    } catch (e) {
      if (e instanceof FaceAttrError) throw e;
      throw new FaceAttrError('INFERENCE_FAILED', `Running "${this.name}" on tfjs-${this.owner.runtime} failed: ${describeError(e)}`, { cause: e });
    } finally {
      tf.dispose(Object.values(inputs));
      tf.dispose(result);
    }
  }

  async release(): Promise<void> {
    if (!this.#model) return;
    this.#model.dispose();
    this.#model = undefined;
    this.owner.forget(this);
  }
}

function stripPort(name: string): string {
  return name.replace(/:0$/, '');
}

function hasDynamicOps(topology: unknown): boolean {
  const nodes = (topology as { node?: { op: string }[] } | undefined)?.node ?? [];
  return nodes.some((n) => /^(Enter|Exit|Merge|Switch|NextIteration|LoopCond|NonMaxSuppression|Where)/.test(n.op));
}

/** The TensorFlow.js {@link InferenceBackend}. Create with {@link tfjsBackend}. */
export class TfjsBackend implements InferenceBackend {
  readonly artifact = 'tfjs-graph' as const;
/** Where tfjs computes (`wasm`, `cpu`, `webgl`...). */
  readonly runtime: TfjsRuntime;
  readonly #options: RuntimeOptions;
  readonly #models = new Set<TfjsModel>();
  readonly #executor: 'auto' | 'graph-model';
  #ready: Promise<void> | undefined;
  #disposed = false;

  constructor(given: TfjsBackendOptions = {}) {
    const options: TfjsBackendOptions = checkPluginOptions(given, 'tfjsBackend()', ['runtime', 'executor', 'wasmPaths', 'wasmThreads']);
    const runtime = options.runtime ?? DEFAULT_TFJS_OPTIONS.runtime;
    if (!TFJS_RUNTIMES.includes(runtime)) {
      throw new FaceAttrError('INVALID_OPTIONS', `Unknown tfjs runtime ${JSON.stringify(runtime)}; use one of ${TFJS_RUNTIMES.join(', ')}.`);
    }
    this.runtime = runtime;
    this.#options = options;
    const executor = options.executor ?? 'auto';
    if (executor !== 'auto' && executor !== 'graph-model') {
      throw new FaceAttrError('INVALID_OPTIONS', `Unknown tfjs executor ${JSON.stringify(executor)}; use 'auto' or 'graph-model'.`);
    }
    this.#executor = executor;
  }

  get name(): string {
    return `tfjs-${this.runtime}`;
  }

  init(): Promise<void> {
    if (this.#disposed) return Promise.reject(new FaceAttrError('DISPOSED', `Backend ${this.name} was disposed.`));
    this.#ready ??= (async () => {
      await prepareRuntime(this.runtime, this.#options);
      await activate(this.runtime);
    })();
    this.#ready.catch(() => (this.#ready = undefined));
    return this.#ready;
  }

  /** Makes this backend's runtime the active tfjs backend (another backend object may have switched it). */
  async activate(): Promise<void> {
    if (this.#disposed) throw new FaceAttrError('DISPOSED', `Backend ${this.name} was disposed.`);
    await this.init();
    await activate(this.runtime);
  }

  async loadModel(asset: LoadedModelAsset): Promise<ModelHandle> {
    await this.activate();
    if (asset.artifact !== 'tfjs-graph') {
      throw new FaceAttrError('MODEL_LOAD_FAILED', `The tfjs backend loads tfjs-graph artifacts; got ${asset.artifact} for "${asset.manifest.name}".`);
    }
    const { model, topology } = await loadGraphFromAsset(asset);
    const handle = new TfjsModel(asset.manifest.name, model, topology, asset.manifest.inputs, this, this.#executor === 'auto');
    this.#models.add(handle);
    return handle;
  }

  /** @internal */
  forget(m: TfjsModel): void {
    this.#models.delete(m);
  }

  memory(): BackendMemory {
    const m = tf.memory();
    return { tensors: m.numTensors, bytes: m.numBytes, models: this.#models.size };
  }

  async dispose(): Promise<void> {
    if (this.#disposed) return;
    for (const m of [...this.#models]) await m.release();
    this.#disposed = true;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.dispose();
  }
}

/**
 * Creates a TensorFlow.js backend: `wasm` (default) runs everywhere; `cpu` is slower; `webgl` and `webgpu`
 * need a browser and their tfjs package imported by the app; `node` and `node-gpu` need
 * `@tensorflow/tfjs-node(-gpu)`. It reads assets' `tfjs-graph` artifacts.
 * @example
 * ```ts
 * const pipeline = await createPipeline({ backend: tfjsBackend({ runtime: 'wasm' }), detector: mtcnn(), attributeModel: faceAttributes() });
 * // in a browser, with tfjs's wasm binaries served under /tfjs-wasm/:
 * const backend = tfjsBackend({ runtime: 'wasm', wasmPaths: '/tfjs-wasm/' });
 * ```
 */
export function tfjsBackend(options: TfjsBackendOptions = {}): TfjsBackend {
  return new TfjsBackend(options);
}
