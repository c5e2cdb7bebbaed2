/**
 * The slice of ONNX Runtime's JS API the backend uses. onnxruntime-node and onnxruntime-web
 * share it (both re-export onnxruntime-common); each entry adapts its own package to it, so
 * everything else is shared code.
 */
export interface OrtTensor {
  readonly type: string;
  readonly data: unknown;
  readonly dims: readonly number[];
  dispose?(): void;
}

export interface OrtValueMetadata {
  readonly name: string;
  readonly isTensor: boolean;
  readonly shape?: ReadonlyArray<number | string>;
}

export interface OrtSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  readonly inputMetadata?: readonly OrtValueMetadata[];
  run(feeds: Record<string, OrtTensor>, fetches: readonly string[]): Promise<Record<string, OrtTensor>>;
  release(): Promise<void>;
}

export interface OrtSessionOptions {
  executionProviders: string[];
  intraOpNumThreads?: number;
  enableMemPattern?: boolean;
  /** onnxruntime's session config entries (`session.intra_op.allow_spinning`...). */
  extra?: { session: { intra_op: { allow_spinning: '0' | '1' } } };
}

/** One loaded ONNX Runtime package. */
export interface OrtRuntime {
  /** npm package, for messages. */
  readonly packageName: string;
  createSession(model: Uint8Array, options: OrtSessionOptions): Promise<OrtSession>;
  tensor(type: 'float32' | 'int32', data: Float32Array | Int32Array, dims: readonly number[]): OrtTensor;
}

/** Execution providers across both entries; each entry accepts its own subset. */
export type OnnxExecutionProvider = 'cpu' | 'cuda' | 'wasm' | 'webgpu' | 'webgl';

/** What differs between the Node and the web entry. */
export interface OrtPlatform {
  /** 'node' (onnxruntime-node) or 'web' (onnxruntime-web). */
  readonly kind: 'node' | 'web';
  readonly providers: readonly OnnxExecutionProvider[];
  readonly defaultProviders: readonly OnnxExecutionProvider[];
  /** Imports and configures the runtime; throws BACKEND_UNAVAILABLE when it cannot load. */
  load(options: OnnxBackendOptions): Promise<OrtRuntime>;
  /** Throws BACKEND_UNAVAILABLE (with how to fix it) when `ep` cannot run here; `cause` is the session error, if any. */
  unavailable(ep: OnnxExecutionProvider, runtime: OrtRuntime, cause: unknown): Promise<Error>;
  /** Fails early, before loading anything, for providers this environment plainly lacks. */
  precheck?(ep: OnnxExecutionProvider): Promise<void>;
  /** Completes the session options the caller's choices leave open (threads, spinning). */
  sessionOptions?(o: OrtSessionOptions): OrtSessionOptions;
}

/** What `onnxBackend()` takes, in Node and in browsers. */
export interface OnnxBackendOptions {
  /**
   * Execution providers in order of preference. Node: 'cpu' (default), 'cuda'. Web: 'wasm'
   * (default), 'webgpu'. The backend is named after the first (`onnx-cpu`, `onnx-wasm`...).
   */
  executionProviders?: readonly OnnxExecutionProvider[];
  /**
   * onnxruntime-web only: where its `ort-wasm-*.wasm/.mjs` files are served (a URL prefix or a
   * per-file map, `ort.env.wasm.wasmPaths`). Default: next to the installed onnxruntime-web
   * script, never a CDN.
   */
  wasmPaths?: string | Record<string, string>;
  /** onnxruntime-web only: wasm threads (default 1 in Node, ONNX Runtime's choice in browsers). */
  wasmThreads?: number;
  /**
   * Threads for one operator (onnxruntime-node). Default: the CPUs Node reports
   * (`os.availableParallelism()`), with idle threads sleeping instead of spinning. Give 1 per process
   * when several processes or worker threads share the cores (the CLI's `--jobs`, `createPipelinePool`).
   */
  intraOpNumThreads?: number;
}
