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
}

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

/** What one detect() call or tracker runs with: the call's options over the pipeline's. */
export interface CallSettings {
  attributes: readonly AttributeName[];
  returnEmbedding: boolean;
  minScore: number | undefined;
  maxFaces: number | undefined;
}

/** The settings before createPipeline()'s options apply. */
export const PIPELINE_DEFAULTS: CallSettings = { attributes: DEFAULT_ATTRIBUTES, returnEmbedding: false, minScore: undefined, maxFaces: undefined };

/** Checks the overrides in `o` and applies them over `base` (the pipeline's settings, or {@link PIPELINE_DEFAULTS}). */
export function callSettings(base: CallSettings, o: DetectCallOptions): CallSettings {
  return {
    attributes: o.attributes === undefined ? base.attributes : checkAttributes(o.attributes),
    returnEmbedding: checkBoolean('returnEmbedding', o.returnEmbedding) ?? base.returnEmbedding,
    minScore: checkMinScore(o.minScore) ?? base.minScore,
    maxFaces: checkMaxFaces(o.maxFaces) ?? base.maxFaces,
  };
}
