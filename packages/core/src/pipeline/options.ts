import { FaceAttrError } from '../errors.js';
import { formatValue } from '../format-value.js';
import type { ModelSource } from '../model/load-asset.js';
import type { AttributeModel, FaceDetector, InferenceBackend } from '../plugins.js';
import type { AttributeName } from '../types.js';

/** What {@link createPipeline} takes: the plugins, where their models are, and the defaults of each `detect()` call. */
export interface PipelineOptions {
  /** A backend object, a registered name, or names to try in order. Default: the highest-priority registered backend. */
  backend?: InferenceBackend | string | readonly string[];
  /** A detector object or a registered name. Default: the highest-priority registered detector. */
  detector?: FaceDetector | string;
  /** An attribute model object, a registered name, or `null` for detection only. */
  attributeModel?: AttributeModel | string | null;
  /**
   * Attributes to predict. Default `['age', 'gender']`. Race is opt-in: inferring race from a face is
   * biometric categorisation that the EU AI Act (Art. 5(1)(g)) restricts; ask for it only where your use is lawful.
   */
  attributes?: readonly AttributeName[];
  /** Return the encoder embedding with each face. Default false. */
  returnEmbedding?: boolean;
  /** Directory or URL holding one folder per model (`<base>/<model-name>/manifest.json`). */
  modelBasePath?: string | URL;
  /** Per-model sources by model name; win over `modelBasePath`. */
  models?: Record<string, ModelSource>;
  /**
   * The longest one model file (manifest included) may take to arrive over http(s), in ms; past it
   * createPipeline() rejects with MODEL_LOAD_FAILED. Default 60000; `Infinity` waits forever.
   */
  modelTimeoutMs?: number;
  /** Aborts model loading: createPipeline() then rejects with MODEL_LOAD_FAILED (`details.reason: 'aborted'`). */
  signal?: AbortSignal;
  /** Drop faces the detector scores below this. Default 0 (the detector's own thresholds apply). */
  minScore?: number;
  /** Keep at most this many faces per image, highest scores first. Default unlimited. */
  maxFaces?: number;
  /** {@inheritDoc DetectCallOptions.detectShrink} */
  detectShrink?: DetectShrink;
}

/**
 * How much smaller than the caller's image the detector's copy is: 1 (the detector sees every pixel), 2, 4 or 8
 * (the mean of each 2x2, 4x4 or 8x8 block), or `'auto'`. Boxes and landmarks come back in the caller's pixels,
 * the detector looks for the same smallest face (its `minFaceSize`, in the caller's pixels), and the attribute
 * model always aligns from the caller's full-resolution pixels.
 */
export type DetectShrink = 'auto' | 1 | 2 | 4 | 8;

/** Per-call overrides of the pipeline's options. */
export interface DetectCallOptions {
/** Attributes to predict on this call; default the pipeline's. */
  attributes?: readonly AttributeName[];
/** Return each face's encoder embedding on this call; default the pipeline's. */
  returnEmbedding?: boolean;
/** Drop faces the detector scores below this, in [0, 1]; default the pipeline's. */
  minScore?: number;
/** Keep at most this many faces, highest scores first; default the pipeline's. */
  maxFaces?: number;
  /**
   * Run the detector on a copy of the image shrunk by 2, 4 or 8 ({@link DetectShrink}), or on the image as
   * given (1). `'auto'` shrinks as far as the detector's smallest face (`minFaceSize`) stays at least 12 px
   * (P-Net's window), and not at all for detectors without a `minFaceSize` (haar). A number above 1 needs a
   * detector that declares `minFaceSize` (mtcnn). Faces found are the same (boxes within IoU 0.93 on the demo
   * photos); each is aligned from the full image, or from a halving of it where the face is large enough that
   * the encoder's crop would only average the extra pixels away. Default 1: MTCNN's pyramid already starts at
   * 12 / minFaceSize of the image, so a shrunk copy saves it little time (docs/benchmarks.md, "Decoding").
   */
  detectShrink?: DetectShrink;
}

/** The attributes predicted when none are given: age and gender (race is opt-in). */
export const DEFAULT_ATTRIBUTES: readonly AttributeName[] = ['age', 'gender'];
const KNOWN_ATTRIBUTES = new Set<AttributeName>(['age', 'gender', 'race']);

function checkAttributes(a: unknown): readonly AttributeName[] {
  if (!Array.isArray(a)) throw new FaceAttrError('INVALID_OPTIONS', `"attributes" must be an array such as ['age', 'gender'], got ${formatValue(a)}.`);
  for (const x of a) {
    if (!KNOWN_ATTRIBUTES.has(x as AttributeName)) {
      throw new FaceAttrError('INVALID_OPTIONS', `Unknown attribute ${formatValue(x)}; use any of 'age', 'gender', 'race'.`);
    }
  }
  return [...new Set(a as AttributeName[])];
}

function checkMinScore(v: unknown): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !(v >= 0 && v <= 1)) throw new FaceAttrError('INVALID_OPTIONS', `"minScore" must be a number in [0, 1], got ${formatValue(v)}.`);
  return v;
}

function checkMaxFaces(v: unknown): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new FaceAttrError('INVALID_OPTIONS', `"maxFaces" must be a positive integer, got ${formatValue(v)}.`);
  return v;
}

function checkBoolean(name: string, v: unknown): boolean | undefined {
  if (v === undefined || typeof v === 'boolean') return v;
  throw new FaceAttrError('INVALID_OPTIONS', `"${name}" must be true or false, got ${formatValue(v)}.`);
}

/**
 * `detectShrink: 'auto'` shrinks while the detector's `minFaceSize` stays at least this many pixels: P-Net's
 * 12 px window, so that MTCNN's pyramid still only shrinks (docs/benchmarks.md, "Decoding").
 */
export const AUTO_SHRINK_FACE_PX = 12;

function checkDetectShrink(v: unknown): DetectShrink | undefined {
  if (v === undefined || v === 'auto' || v === 1 || v === 2 || v === 4 || v === 8) return v;
  throw new FaceAttrError('INVALID_OPTIONS', `"detectShrink" must be 'auto', 1, 2, 4 or 8, got ${formatValue(v)}.`, { details: { option: 'detectShrink' } });
}

/** What one detect() call or tracker runs with: the call's options over the pipeline's. */
export interface CallSettings {
  attributes: readonly AttributeName[];
  returnEmbedding: boolean;
  minScore: number | undefined;
  maxFaces: number | undefined;
  detectShrink: DetectShrink;
}

/** The settings before createPipeline()'s options apply. */
export const PIPELINE_DEFAULTS: CallSettings = { attributes: DEFAULT_ATTRIBUTES, returnEmbedding: false, minScore: undefined, maxFaces: undefined, detectShrink: 1 };

/** Checks the overrides in `o` and applies them over `base` (the pipeline's settings, or {@link PIPELINE_DEFAULTS}). */
export function callSettings(base: CallSettings, o: DetectCallOptions): CallSettings {
  return {
    attributes: o.attributes === undefined ? base.attributes : checkAttributes(o.attributes),
    returnEmbedding: checkBoolean('returnEmbedding', o.returnEmbedding) ?? base.returnEmbedding,
    minScore: checkMinScore(o.minScore) ?? base.minScore,
    maxFaces: checkMaxFaces(o.maxFaces) ?? base.maxFaces,
    detectShrink: checkDetectShrink(o.detectShrink) ?? base.detectShrink,
  };
}
