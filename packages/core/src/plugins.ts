import type { RgbImage } from './image/image-types.js';
import type { ArtifactKind } from './model/manifest.js';
import type { LoadedModelAsset } from './model/load-asset.js';
import type { AttributeName, AttributePrediction, Box, DetectedFace, Landmarks5 } from './types.js';

/** A dense tensor crossing the backend boundary: plain typed arrays, row-major. */
export interface TensorData {
/** The values, row-major. */
  data: Float32Array | Int32Array;
/** Dimensions, outermost first; their product is `data.length`. */
  shape: readonly number[];
}

/** A model loaded on a backend. */
export interface ModelHandle {
/** The asset name the model was loaded from. */
  readonly name: string;
/** Names of the model's inputs, as `run` takes them. */
  readonly inputNames: readonly string[];
/** Names of the model's outputs, as `run` returns them. */
  readonly outputNames: readonly string[];
  /**
   * Runs the model. `feeds` are keyed by input name; returns every requested output
   * (all outputs by default) as typed arrays that the caller owns.
   */
  run(feeds: Readonly<Record<string, TensorData>>, outputs?: readonly string[]): Promise<Record<string, TensorData>>;
  /** Frees the model's weights and any session. Further `run` calls throw DISPOSED. */
  release(): Promise<void>;
}

/** Resource counters a backend reports, for leak checks. */
export interface BackendMemory {
  /** Live tensors held by the runtime (tfjs), when the runtime counts them. */
  tensors?: number;
  /** Bytes held by the runtime, when known. */
  bytes?: number;
  /** Models (sessions) loaded through this backend and not yet released. */
  models: number;
}

/** Runs model assets. Implemented by @faceattr/backend-tfjs and @faceattr/backend-onnx. */
export interface InferenceBackend {
  /** Stable name, e.g. `tfjs-wasm`, `onnx-cpu`. */
  readonly name: string;
  /** Which model artifact this backend reads from an asset. */
  readonly artifact: Exclude<ArtifactKind, 'data'>;
  /** Prepares the runtime; idempotent. Throws BACKEND_UNAVAILABLE when it cannot run here. */
  init(): Promise<void>;
  /** Loads a verified asset. */
  loadModel(asset: LoadedModelAsset): Promise<ModelHandle>;
/** What the backend holds now: loaded models, and tensors/bytes where the runtime counts them. */
  memory(): BackendMemory;
  /** Releases every model this backend loaded and the runtime state it owns. */
  dispose(): Promise<void>;
/** Same as `dispose()`, for `await using`. */
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * What a plugin gets when a pipeline loads it. Plugins name their assets; the pipeline finds them
 * (its `models`, then `modelBasePath`, then the installed asset packages for the backend's artifact kind) and verifies them.
 */
export interface PluginContext {
/** The pipeline's backend, initialised. */
  backend: InferenceBackend;
  /** Finds, verifies and loads the named model asset on `backend`. */
  loadModel(name: string): Promise<ModelHandle>;
  /** Finds and verifies a named asset's files of one artifact kind, for plugins that read data themselves. */
  loadAsset(name: string, artifact: ArtifactKind): Promise<LoadedModelAsset>;
}

/** What a pipeline tells a detector about one `detect()` call. */
export interface DetectorCall {
  /**
   * `image` is the caller's image shrunk by this factor (an integer >= 1; 1 when absent): look for faces down to
   * `minFaceSize / shrink` pixels in it, so that the same faces are found as in the caller's image. Given only
   * to detectors that declare `minFaceSize`.
   */
  shrink?: number;
}

/** Finds faces. Implemented by @faceattr/detector-mtcnn, @faceattr/detector-haar. */
export interface FaceDetector {
/** Stable name, e.g. `mtcnn`, `haar`. */
  readonly name: string;
  /** Whether detections carry real landmarks; if false the pipeline estimates them from the box. */
  readonly providesLandmarks: boolean;
  /**
   * The smallest face side it looks for, in the pixels of the image it is given, when it has one. A detector
   * that declares it honours {@link DetectorCall.shrink}, so a pipeline may detect on a shrunk copy
   * (`detectShrink`); one that does not is always given the caller's image.
   */
  readonly minFaceSize?: number;
/** Loads the detector's models through `ctx`; the pipeline calls it once before any `detect`. */
  load(ctx: PluginContext): Promise<void>;
  /**
   * Every face found in `image`, in any order. The pipeline applies minScore and maxFaces and sorts,
   * so a detector does not: those rules live in one place.
   */
  detect(image: RgbImage, call?: DetectorCall): Promise<DetectedFace[]>;
  /**
   * Optional, for tracking: the faces found again near `boxes` (faces this detector reported in an earlier
   * frame, in this image's pixels), without searching the rest of the image, so it finds no new face. A
   * tracker calls it between full searches (`TrackOptions.searchEvery`) because it costs a fraction of
   * `detect` (mtcnn: one O-Net call on a crop per box). A box whose face has gone gives nothing; faces come
   * back in any order, and the pipeline applies minScore and maxFaces as for `detect`.
   */
  follow?(image: RgbImage, boxes: readonly Box[]): Promise<DetectedFace[]>;
/** Releases the detector's models. Idempotent. */
  dispose(): Promise<void>;
}

/** What one {@link AttributeModel.predict} call is asked for. */
export interface AttributeRequest {
  /** Compute these and no others: the pipeline keeps whatever the model returns. */
  attributes: readonly AttributeName[];
/** Also return each face's embedding. */
  embedding: boolean;
  /** When present, the model adds the milliseconds it spent aligning + encoding and running the heads. */
  timings?: {
    /** Alignment and encoder passes, in ms. */
    encodeMs: number;
    /** Attribute heads, in ms. */
    headsMs: number;
  };
}

/** Aligned face -> embedding -> age, gender, race heads. */
export interface AttributeModel {
/** Stable name, e.g. `dlib-resnet-128`. */
  readonly name: string;
/** Loads the encoder and heads through `ctx`; the pipeline calls it once before any `predict`. */
  load(ctx: PluginContext): Promise<void>;
  /** One prediction per landmark set, in order. The model aligns and crops with its own template. */
  predict(image: RgbImage, faces: readonly Landmarks5[], request: AttributeRequest): Promise<AttributePrediction[]>;
/** Releases the model's weights. Idempotent. */
  dispose(): Promise<void>;
}
