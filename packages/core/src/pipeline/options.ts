import { FaceAttrError } from '../errors.js';
import type { ModelSource } from '../model/load-asset.js';
import type { AttributeModel, FaceDetector, InferenceBackend } from '../plugins.js';
import type { AttributeName } from '../types.js';

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
  /** Drop faces the detector scores below this. Default 0 (the detector's own thresholds apply). */
  minScore?: number;
  /** Keep at most this many faces per image, highest scores first. Default unlimited. */
  maxFaces?: number;
}

/** Per-call overrides of the pipeline's options. */
export interface DetectCallOptions {
  attributes?: readonly AttributeName[];
  returnEmbedding?: boolean;
  minScore?: number;
  maxFaces?: number;
}

export const DEFAULT_ATTRIBUTES: readonly AttributeName[] = ['age', 'gender'];
const KNOWN_ATTRIBUTES = new Set<AttributeName>(['age', 'gender', 'race']);

export function checkAttributes(a: unknown): readonly AttributeName[] {
  if (!Array.isArray(a)) throw new FaceAttrError('INVALID_OPTIONS', `"attributes" must be an array such as ['age', 'gender'], got ${JSON.stringify(a)}.`);
  for (const x of a) {
    if (!KNOWN_ATTRIBUTES.has(x as AttributeName)) {
      throw new FaceAttrError('INVALID_OPTIONS', `Unknown attribute ${JSON.stringify(x)}; use any of 'age', 'gender', 'race'.`);
    }
  }
  return [...new Set(a as AttributeName[])];
}

export function checkMinScore(v: unknown): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !(v >= 0 && v <= 1)) throw new FaceAttrError('INVALID_OPTIONS', `"minScore" must be a number in [0, 1], got ${JSON.stringify(v)}.`);
  return v;
}

export function checkMaxFaces(v: unknown): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new FaceAttrError('INVALID_OPTIONS', `"maxFaces" must be a positive integer, got ${JSON.stringify(v)}.`);
  return v;
}
