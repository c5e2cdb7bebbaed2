// Messages between a pool and its worker threads. Everything here survives structured clone.
import { FaceAttrError, isFaceAttrError, describeError, type AttributeName, type FaceAttrErrorCode, type FaceResult, type PluginOptions } from '@faceattr/core';

/**
 * The backend when none is named: onnx, the fastest that works in Node (about 2x tfjs-wasm per image), which
 * core's registry also ranks first. Here, not in build-pipeline.ts, so the pool's main thread need not load the runtimes.
 */
export const DEFAULT_BACKEND = 'onnx';
/** The detector when none is named. */
export const DEFAULT_DETECTOR = 'mtcnn';

/** What a worker needs to build its pipeline: names from the core registries plus plain options. */
export interface PipelineSpec {
  /** A registered backend name (`backends` of @faceattr/core; e.g. `tfjs-wasm`, `onnx`). */
  backend: string;
  /** A registered detector name (`detectors`; e.g. `mtcnn`, `haar`). */
  detector: string;
  /** Passed to `backends.create(backend, options)`; the backend checks them. */
  backendOptions?: PluginOptions;
  /** Passed to `detectors.create(detector, options)`; the detector checks them. */
  detectorOptions?: PluginOptions;
  /** Default `['age', 'gender']`; `[]` runs detection only. */
  attributes?: AttributeName[];
  /** `faceAttributes({ mirror })`. */
  mirror?: boolean;
  /** `faceAttributes({ encoder })`. */
  encoder?: string;
  /** The pipeline's `minScore`: drop faces scored below it, in [0, 1]. */
  minScore?: number;
  /** The pipeline's `maxFaces`: keep at most this many faces per image, highest scores first. */
  maxFaces?: number;
  /** The pipeline's `returnEmbedding`: each face carries its encoder embedding. */
  returnEmbedding?: boolean;
}

/** The models a pool's workers run (sent once by every worker when its pipeline is ready). */
export interface PoolModelInfo {
  /** The backend that runs (an alias resolved: `onnx` -> `onnx-cpu`). */
  backend: string;
  /** The detector's name. */
  detector: string;
  /** The attribute model (`encoder+heads`), absent when no attributes are asked for. */
  attributeModel?: string;
  /** `name@version` of every model asset the pipeline loaded, from their manifests. */
  assets: string[];
}

/** Decoded pixels as the pool sends them to a worker. */
export interface ImagePayload {
  /** Packed RGB or RGBA bytes, row by row. */
  data: Uint8Array;
  /** Width in pixels. */
  width: number;
  /** Height in pixels. */
  height: number;
  /** 3 (RGB) or 4 (RGBA). */
  channels: 3 | 4;
}

export type WorkerTask =
  | { id: number; kind: 'image'; image: ImagePayload }
  | { id: number; kind: 'file'; source: string | Uint8Array; name?: string; annotate?: string; crops?: string; padChip?: boolean };

/** One image's outcome from a worker. */
export interface FileDetection {
  /** Width of the image the faces are in (after padding, with `padChip`). */
  width: number;
  /** Height of that image. */
  height: number;
  /** The pipeline's results, as `detect` returns them. */
  faces: FaceResult[];
  /** Time the worker spent on it (decode + detect + annotate), ms. */
  ms: number;
}

export interface SerializedError {
  code: FaceAttrErrorCode;
  message: string;
  details?: Record<string, unknown>;
}

export type WorkerReply =
  | { type: 'ready'; info: PoolModelInfo }
  | { type: 'init-failed'; error: SerializedError }
  | { type: 'done'; id: number; result: FileDetection }
  | { type: 'failed'; id: number; error: SerializedError };

/** Errors cross the thread boundary as code + message; anything that is not a FaceAttrError is an inference failure. */
export function serializeError(e: unknown): SerializedError {
  if (isFaceAttrError(e)) return { code: e.code, message: e.message, ...(e.details ? { details: e.details } : {}) };
  const errno = (e as NodeJS.ErrnoException | undefined)?.code;
  // File-system errors (missing file, a directory, no permission) are bad input, not a broken model.
  const code: FaceAttrErrorCode = typeof errno === 'string' && /^E[A-Z]+$/.test(errno) ? 'INVALID_INPUT' : 'INFERENCE_FAILED';
  return { code, message: describeError(e) };
}

export function deserializeError(s: SerializedError): FaceAttrError {
  return new FaceAttrError(s.code, s.message, s.details ? { details: s.details } : {});
}
