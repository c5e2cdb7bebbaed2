import { FaceAttrError } from '../errors.js';
import { estimateLandmarksFromBox } from '../geometry/align.js';
import type { RgbImage } from '../image/image-types.js';
import type { AttributeModel, FaceDetector } from '../plugins.js';
import type { AttributePrediction, DetectedFace, FaceResult, Landmarks5 } from '../types.js';
import type { CallSettings } from './options.js';
import { pluginError } from './plugin-calls.js';

/** Whether `s` needs the attribute model at all. */
function wantsModel(s: CallSettings): boolean {
  return s.attributes.length > 0 || s.returnEmbedding;
}

/**
 * The detector's faces as results: at least `minScore`, highest score first, at most `maxFaces`.
 * The one place these rules apply (detectors return every face they find).
 */
export function selectFaces(found: readonly DetectedFace[], s: Pick<CallSettings, 'minScore' | 'maxFaces'>): FaceResult[] {
  const { minScore, maxFaces } = s;
  const kept = found.filter((f) => minScore === undefined || f.score >= minScore).sort((a, b) => b.score - a.score);
  return kept.slice(0, maxFaces ?? kept.length).map((f) => ({
    box: f.box,
    score: f.score,
    landmarks: f.landmarks ?? estimateLandmarksFromBox(f.box),
    landmarkSource: f.landmarks ? 'detector' : 'estimated-from-box',
  }));
}

/** Adds what the attribute model returned to a face: the model computes only what was requested, so all of it is kept. */
export function addPrediction(face: FaceResult, p: AttributePrediction): FaceResult {
  if (p.age) face.age = p.age;
  if (p.gender) face.gender = p.gender;
  if (p.race) face.race = p.race;
  if (p.embedding) face.embedding = p.embedding;
  return face;
}

/** The two model stages that detect() and tracking share. */
export class FaceStages {
  constructor(
    readonly detector: FaceDetector,
    readonly attributeModel: AttributeModel | undefined,
  ) {}

  /** Throws INVALID_OPTIONS when `s` asks for attributes or embeddings and there is no attribute model; `retry` says what to do instead. */
  check(s: CallSettings, retry: string): void {
    if (wantsModel(s) && !this.attributeModel) {
      throw new FaceAttrError('INVALID_OPTIONS', `This pipeline was created without an attribute model; ${retry} or create the pipeline with one.`);
    }
  }

  async findFaces(image: RgbImage, s: CallSettings): Promise<FaceResult[]> {
    try {
      return selectFaces(await this.detector.detect(image), s);
    } catch (e) {
      throw pluginError(e, 'INFERENCE_FAILED', `Detector "${this.detector.name}"`);
    }
  }

  /** One prediction per face, in order; undefined when there are no faces or `s` asks for nothing the model gives. */
  async predict(image: RgbImage, faces: readonly Landmarks5[], s: CallSettings, timings?: { encodeMs: number; headsMs: number }): Promise<AttributePrediction[] | undefined> {
    const model = this.attributeModel;
    if (!model || faces.length === 0 || !wantsModel(s)) return undefined;
    try {
      return await model.predict(image, faces, { attributes: s.attributes, embedding: s.returnEmbedding, ...(timings && { timings }) });
    } catch (e) {
      throw pluginError(e, 'INFERENCE_FAILED', `Attribute model "${model.name}"`);
    }
  }
}
