import { FaceAttrError } from '../errors.js';
import { formatValue } from '../format-value.js';
import { clipBox } from '../geometry/box.js';
import { estimateLandmarksFromBox } from '../geometry/align.js';
import type { RgbImage } from '../image/image-types.js';
import { shrinkImage } from '../image/shrink-image.js';
import type { AttributeModel, FaceDetector } from '../plugins.js';
import type { AttributePrediction, Box, DetectedFace, FaceResult, Landmarks5, Point } from '../types.js';
import { nonMaxSuppression } from '../geometry/nms.js';
import { AUTO_SHRINK_FACE_PX, type CallSettings, type DetectShrink } from './options.js';
import { pluginError } from './plugin-calls.js';

/** Followed faces overlapping by more than this IoU are one face (the higher score's answer is kept). */
export const FOLLOW_MERGE_IOU = 0.5;

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

/**
 * The factor the detector's copy of a `width` x `height` image is shrunk by: `'auto'` picks the largest of 8, 4
 * and 2 that keeps the detector's `minFaceSize` at least {@link AUTO_SHRINK_FACE_PX} pixels and the copy's
 * shorter side at least that too (1 for detectors without `minFaceSize`).
 */
export function detectorShrink(setting: DetectShrink, detector: FaceDetector, width: number, height: number): number {
  if (setting !== 'auto') return setting;
  const min = detector.minFaceSize;
  if (min === undefined) return 1;
  for (const k of [8, 4, 2]) if (min / k >= AUTO_SHRINK_FACE_PX && Math.min(width, height) / k >= AUTO_SHRINK_FACE_PX) return k;
  return 1;
}

/** A face found on an image shrunk by `k`, in the full image's pixels (block means: x -> k x exactly). */
function unshrink(f: DetectedFace, k: number, width: number, height: number): DetectedFace {
  const b = f.box;
  const box = clipBox({ x: b.x * k, y: b.y * k, width: b.width * k, height: b.height * k }, width, height);
  return f.landmarks ? { box, score: f.score, landmarks: scaleLandmarks(f.landmarks, k) } : { box, score: f.score };
}

/**
 * A face is aligned from the detector's shrunk copy, not the full image, when its five landmarks spread at least
 * this far there (root-mean-square distance from their centroid, in pixels). Every shipped encoder's template
 * spreads less (dlib-resnet-128's 150 px crop: 33.8 px; faceres-1024's 224 px crop: 29 px), so such a face is
 * still shrunk into the crop, never enlarged, and the full image's extra pixels would only be averaged away.
 */
export const REDUCED_ALIGN_MIN_SPREAD = 40;

/** Root-mean-square distance of the five landmarks from their centroid. */
export function landmarkSpread(l: Landmarks5): number {
  const pts = [l.leftEye, l.rightEye, l.nose, l.mouthLeft, l.mouthRight];
  const cx = pts.reduce((a, q) => a + q.x, 0) / 5;
  const cy = pts.reduce((a, q) => a + q.y, 0) / 5;
  return Math.sqrt(pts.reduce((a, q) => a + (q.x - cx) ** 2 + (q.y - cy) ** 2, 0) / 5);
}

function scaleLandmarks(l: Landmarks5, f: number): Landmarks5 {
  const p = (q: Point): Point => ({ x: q.x * f, y: q.y * f });
  return { leftEye: p(l.leftEye), rightEye: p(l.rightEye), nose: p(l.nose), mouthLeft: p(l.mouthLeft), mouthRight: p(l.mouthRight) };
}

/** The two model stages that detect() and tracking share. */
export class FaceStages {
  /** The halvings findFaces() made of an image (index j: shrunk by 2^j; the last is the detector's), for predict(). */
  readonly #halvings = new WeakMap<RgbImage, readonly RgbImage[]>();

  constructor(
    readonly detector: FaceDetector,
    readonly attributeModel: AttributeModel | undefined,
  ) {}

  /**
   * Throws INVALID_OPTIONS when `s` asks for attributes or embeddings and there is no attribute model (`retry`
   * says what to do instead), or for a detectShrink above 1 that the detector cannot take.
   */
  check(s: CallSettings, retry: string): void {
    if (wantsModel(s) && !this.attributeModel) {
      throw new FaceAttrError('INVALID_OPTIONS', `This pipeline was created without an attribute model; ${retry} or create the pipeline with one.`);
    }
    if (typeof s.detectShrink === 'number' && s.detectShrink > 1 && this.detector.minFaceSize === undefined) {
      throw new FaceAttrError(
        'INVALID_OPTIONS',
        `"detectShrink" ${formatValue(s.detectShrink)} needs a detector that declares minFaceSize (mtcnn does), so that it looks for the same faces on the shrunk copy; detector "${this.detector.name}" does not: use detectShrink 1 or 'auto'.`,
        { details: { option: 'detectShrink' } },
      );
    }
  }

  /** The detector's faces as results (see {@link selectFaces}), found on a copy shrunk as `s.detectShrink` says, in `image`'s pixels. */
  async findFaces(image: RgbImage, s: CallSettings): Promise<FaceResult[]> {
    try {
      const k = detectorShrink(s.detectShrink, this.detector, image.width, image.height);
      if (k === 1) return selectFaces(await this.detector.detect(image), s);
      // Halved step by step (each step's 2x2 means are exact block means of the image): the coarser copies
      // cost a third more than the first, and predict() aligns large faces from them.
      const halvings = [image];
      for (let j = 1; 2 ** j <= k; j++) halvings.push(shrinkImage(halvings[j - 1]!, 2));
      this.#halvings.set(image, halvings);
      const found = await this.detector.detect(halvings[halvings.length - 1]!, { shrink: k });
      return selectFaces(found.map((f) => unshrink(f, k, image.width, image.height)), s);
    } catch (e) {
      throw pluginError(e, 'INFERENCE_FAILED', `Detector "${this.detector.name}"`);
    }
  }

  /** Whether the detector can follow known faces between searches ({@link FaceDetector.follow}). */
  get canFollow(): boolean {
    return typeof this.detector.follow === 'function';
  }

  /**
   * The detector's faces found again near `boxes` ({@link FaceDetector.follow}), as results: overlapping answers
   * (two tracks drifting onto one face) merged by IoU above {@link FOLLOW_MERGE_IOU}, then as {@link selectFaces}.
   */
  async followFaces(image: RgbImage, boxes: readonly Box[], s: CallSettings): Promise<FaceResult[]> {
    const follow = this.detector.follow;
    if (!follow) throw new FaceAttrError('INVALID_OPTIONS', `Detector "${this.detector.name}" cannot follow faces; search with findFaces().`);
    try {
      const found = await follow.call(this.detector, image, boxes);
      const kept = nonMaxSuppression(found.map((f) => f.box), found.map((f) => f.score), FOLLOW_MERGE_IOU);
      return selectFaces(kept.map((i) => found[i]!), s);
    } catch (e) {
      throw pluginError(e, 'INFERENCE_FAILED', `Detector "${this.detector.name}"`);
    }
  }

  /**
   * One prediction per face, in order; undefined when there are no faces or `s` asks for nothing the model gives.
   * When findFaces() shrank `image`, each face is aligned from the smallest of its halvings in which the face
   * still spreads {@link REDUCED_ALIGN_MIN_SPREAD} px (small faces: from `image`'s own pixels).
   */
  async predict(image: RgbImage, faces: readonly Landmarks5[], s: CallSettings, timings?: { encodeMs: number; headsMs: number }): Promise<AttributePrediction[] | undefined> {
    const model = this.attributeModel;
    if (!model || faces.length === 0 || !wantsModel(s)) return undefined;
    const request = { attributes: s.attributes, embedding: s.returnEmbedding, ...(timings && { timings }) };
    try {
      const halvings = this.#halvings.get(image) ?? [image];
      // Each face from the smallest halving it still spreads REDUCED_ALIGN_MIN_SPREAD px in.
      const level = faces.map((f) => {
        let j = 0;
        while (j + 1 < halvings.length && landmarkSpread(f) / 2 ** (j + 1) >= REDUCED_ALIGN_MIN_SPREAD) j++;
        return j;
      });
      if (level.every((j) => j === 0)) return await model.predict(image, faces, request);
      const out: AttributePrediction[] = new Array(faces.length);
      for (const j of new Set(level)) {
        const idx = level.flatMap((l, i) => (l === j ? [i] : []));
        const preds = await model.predict(halvings[j]!, idx.map((i) => scaleLandmarks(faces[i]!, 2 ** -j)), request);
        idx.forEach((i, n) => (out[i] = preds[n]!));
      }
      return out;
    } catch (e) {
      throw pluginError(e, 'INFERENCE_FAILED', `Attribute model "${model.name}"`);
    }
  }
}
