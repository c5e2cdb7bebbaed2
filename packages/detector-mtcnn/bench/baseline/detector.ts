/**
 * Frozen copy of the detector as of issue #3's first speed measurement (commit 36939bc), with its
 * helpers in this folder: the fixed baseline bench.ts times in the same process as the current
 * code, so a ratio survives the shared machine's noise. Not part of the package.
 */
import {
  FaceAttrError,
  clipBox,
  cropResizeToTensor,
  type Box,
  type DetectOptions,
  type DetectedFace,
  type FaceDetector,
  type Landmarks5,
  type ModelHandle,
  type PluginContext,
  type RgbImage,
  type SampleOptions,
} from '@faceattr/core';
import { modelLocation } from '@faceattr/models';
import { nextCrop, nms, regressed, type Candidate } from './candidates.js';
import { resolveMtcnnOptions, type MtcnnOptions, type ResolvedMtcnnOptions } from './options.js';
import { decodePnet } from './pnet-decode.js';
import { pyramidLevels } from './pyramid.js';
import { pyramidImages, toTransposedTensor } from './pyramid-images.js';

/** Milliseconds spent per stage by the last `detect()` call (P-Net includes the pyramid resizing). */
export interface MtcnnTimings {
  pnet: number;
  rnet: number;
  onet: number;
  total: number;
}

// Overlap thresholds of the reference cascade: within a level, across levels, after R-Net, final.
const NMS_LEVEL = 0.5;
const NMS_PYRAMID = 0.7;
const NMS_RNET = 0.7;
const NMS_FINAL = 0.7;
/** Crops per R-Net/O-Net call: bounds memory when P-Net lets many candidates through. */
const MAX_BATCH = 256;

const now = (): number => globalThis.performance.now();

/** The MTCNN cascade (P-Net -> R-Net -> O-Net) on any `InferenceBackend` from @faceattr/core. */
export class MtcnnDetector implements FaceDetector {
  readonly name = 'mtcnn';
  readonly providesLandmarks = true;
  readonly options: ResolvedMtcnnOptions;
  /** Per-stage timings of the last detection, for benchmarks. */
  lastTimings: MtcnnTimings = { pnet: 0, rnet: 0, onet: 0, total: 0 };
  #nets: { pnet: ModelHandle; rnet: ModelHandle; onet: ModelHandle } | undefined;
  #disposed = false;

  constructor(options: MtcnnOptions = {}) {
    this.options = resolveMtcnnOptions(options);
  }

  async load(ctx: PluginContext): Promise<void> {
    if (this.#disposed) throw new FaceAttrError('DISPOSED', 'This mtcnn detector was disposed; create a new one with mtcnn().');
    if (this.#nets) return;
    const loaded: ModelHandle[] = [];
    try {
      for (const name of ['mtcnn-pnet', 'mtcnn-rnet', 'mtcnn-onet'] as const) {
        loaded.push(await ctx.loadModel(name, () => modelLocation(name)));
      }
    } catch (e) {
      // Do not leak the nets that did load.
      await Promise.all(loaded.map((m) => m.release()));
      throw e;
    }
    this.#nets = { pnet: loaded[0]!, rnet: loaded[1]!, onet: loaded[2]! };
  }

  async detect(image: RgbImage, options: DetectOptions = {}): Promise<DetectedFace[]> {
    if (this.#disposed) throw new FaceAttrError('DISPOSED', 'This mtcnn detector was disposed; create a new one with mtcnn().');
    const nets = this.#nets;
    if (!nets) throw new FaceAttrError('DETECTOR_UNAVAILABLE', 'The mtcnn detector has no models yet: call load(ctx) first, or use it through createPipeline().');
    checkImage(image);
    const minScore = options.minScore ?? 0;
    const maxFaces = Math.min(options.maxFaces ?? Infinity, this.options.maxFaces);
    const t0 = now();
    const { boxes: proposals, pyramid } = await this.#proposals(nets.pnet, image);
    const t1 = now();
    const refined = proposals.length ? await this.#refine(nets.rnet, pyramid, proposals) : [];
    const t2 = now();
    const faces = refined.length ? await this.#output(nets.onet, pyramid, refined, image) : [];
    const t3 = now();
    this.lastTimings = { pnet: t1 - t0, rnet: t2 - t1, onet: t3 - t2, total: t3 - t0 };
    return faces.filter((f) => f.score >= minScore).slice(0, maxFaces);
  }

  #sample(): SampleOptions {
    // Crops come from the pyramid level just above the crop size (< 1.42x shrink left): plain bilinear suffices.
    return { mean: 127.5, std: 128, channelOrder: this.options.channelOrder, transpose: true, border: 0, antialias: false };
  }

  /** Stage 1: P-Net over the pyramid; boxes regressed and squared, ready for R-Net. */
  async #proposals(pnet: ModelHandle, image: RgbImage): Promise<{ boxes: Box[]; pyramid: Pyramid }> {
    const { minFaceSize, scaleFactor, thresholds } = this.options;
    const all: Candidate[] = [];
    const pyramid: Pyramid = [{ image, sx: 1, sy: 1 }];
    const levels = pyramidLevels(image.width, image.height, minFaceSize, scaleFactor);
    let buffer: Float32Array | undefined;
    let k = 0;
    for (const scaled of pyramidImages(image, levels)) {
      const level = levels[k++]!;
      pyramid.push({ image: scaled, sx: scaled.width / image.width, sy: scaled.height / image.height });
      // Levels only shrink, so the first level's buffer fits them all.
      const data = (buffer = toTransposedTensor(scaled, 127.5, 128, this.options.channelOrder, buffer)).subarray(0, level.width * level.height * 3);
      const out = await pnet.run({ input: { data, shape: [1, level.width, level.height, 3] } }, ['prob', 'bbox']);
      const found = decodePnet(out['prob']!, out['bbox']!, level.width / image.width, level.height / image.height, thresholds[0]);
      all.push(...nms(found, NMS_LEVEL, 'union'));
    }
    return { boxes: nms(all, NMS_PYRAMID, 'union').map(nextCrop), pyramid };
  }

  /** Runs a crop net over `boxes` in batches; returns each output per box. */
  async #runCrops(net: ModelHandle, pyramid: Pyramid, boxes: readonly Box[], size: number, outputs: readonly string[]) {
    const per = size * size * 3;
    const results: Record<string, Float32Array> = {};
    for (const name of outputs) results[name] = new Float32Array(0);
    const chunks: Record<string, Float32Array>[] = [];
    for (let start = 0; start < boxes.length; start += MAX_BATCH) {
      const batch = boxes.slice(start, start + MAX_BATCH);
      const data = new Float32Array(batch.length * per);
      const sample = this.#sample();
      batch.forEach((b, i) => {
        const { image, box } = cropSource(pyramid, b, size);
        cropResizeToTensor(image, box, size, size, sample, data.subarray(i * per, (i + 1) * per));
      });
      const out = await net.run({ input: { data, shape: [batch.length, size, size, 3] } }, outputs);
      chunks.push(Object.fromEntries(outputs.map((n) => [n, Float32Array.from(out[n]!.data)])));
    }
    for (const name of outputs) {
      const parts = chunks.map((c) => c[name]!);
      const joined = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
      let off = 0;
      for (const p of parts) {
        joined.set(p, off);
        off += p.length;
      }
      results[name] = joined;
    }
    return results;
  }

  /** Stage 2: R-Net rescoring of 24x24 crops; boxes regressed and squared, ready for O-Net. */
  async #refine(rnet: ModelHandle, pyramid: Pyramid, boxes: readonly Box[]): Promise<Box[]> {
    const out = await this.#runCrops(rnet, pyramid, boxes, 24, ['prob', 'bbox']);
    const prob = out['prob']!;
    const reg = out['bbox']!;
    const kept: Candidate[] = [];
    boxes.forEach((box, i) => {
      const score = prob[i * 2 + 1]!;
      if (score >= this.options.thresholds[1]) kept.push({ box, score, reg: [reg[i * 4]!, reg[i * 4 + 1]!, reg[i * 4 + 2]!, reg[i * 4 + 3]!] });
    });
    return nms(kept, NMS_RNET, 'union').map(nextCrop);
  }

  /** Stage 3: O-Net on 48x48 crops: final score, box and five landmarks. */
  async #output(onet: ModelHandle, pyramid: Pyramid, boxes: readonly Box[], image: RgbImage): Promise<DetectedFace[]> {
    const out = await this.#runCrops(onet, pyramid, boxes, 48, ['prob', 'bbox', 'landmarks']);
    const prob = out['prob']!;
    const reg = out['bbox']!;
    const lm = out['landmarks']!;
    const cands: (Candidate & { landmarks: Landmarks5 })[] = [];
    boxes.forEach((box, i) => {
      const score = prob[i * 2 + 1]!;
      if (score < this.options.thresholds[2]) return;
      // Landmarks are fractions of the crop: 5 x values, then 5 y values.
      const pt = (k: number) => ({ x: box.x + lm[i * 10 + k]! * box.width, y: box.y + lm[i * 10 + 5 + k]! * box.height });
      cands.push({
        box,
        score,
        reg: [reg[i * 4]!, reg[i * 4 + 1]!, reg[i * 4 + 2]!, reg[i * 4 + 3]!],
        landmarks: { leftEye: pt(0), rightEye: pt(1), nose: pt(2), mouthLeft: pt(3), mouthRight: pt(4) },
      });
    });
    const final = nms(
      cands.map((c) => ({ ...c, box: regressed(c) })),
      NMS_FINAL,
      'min',
    );
    return final.map((c) => ({
      box: clipBox(c.box, image.width, image.height),
      score: c.score,
      landmarks: c.landmarks,
    }));
  }

  async dispose(): Promise<void> {
    this.#disposed = true;
    const nets = this.#nets;
    this.#nets = undefined;
    if (nets) await Promise.all([nets.pnet.release(), nets.rnet.release(), nets.onet.release()]);
  }
}

/** The original image and its pyramid levels, with their resize ratios per axis. */
type Pyramid = { image: RgbImage; sx: number; sy: number }[];

/**
 * Where to crop `box` for a `size` px net input: the smallest pyramid image still at least
 * `size` px across the box (so the remaining step is a mild shrink), and the box in its pixels.
 */
function cropSource(pyramid: Pyramid, box: Box, size: number): { image: RgbImage; box: Box } {
  const fits = (p: Pyramid[number]) => box.width * p.sx >= size && box.height * p.sy >= size;
  let best: Pyramid[number] | undefined;
  for (const p of pyramid) if (fits(p) && (!best || p.sx < best.sx)) best = p;
  // A box smaller than the net input: upsample from the largest image.
  best ??= pyramid.reduce((a, b) => (b.sx > a.sx ? b : a));
  return { image: best.image, box: { x: box.x * best.sx, y: box.y * best.sy, width: box.width * best.sx, height: box.height * best.sy } };
}

function checkImage(image: RgbImage): void {
  const ok =
    typeof image === 'object' &&
    image !== null &&
    image.data instanceof Uint8Array &&
    Number.isInteger(image.width) &&
    Number.isInteger(image.height) &&
    image.width >= 0 &&
    image.height >= 0 &&
    image.channels === 3 &&
    image.data.length === image.width * image.height * 3;
  if (!ok) {
    throw new FaceAttrError(
      'INVALID_INPUT',
      'mtcnn.detect() needs an RgbImage {data: Uint8Array of width*height*3 bytes, width, height, channels: 3}; convert other inputs with toRgbImage() from @faceattr/core.',
    );
  }
}

/** Creates the MTCNN face detector. Options are checked now (INVALID_OPTIONS). */
export function mtcnn(options: MtcnnOptions = {}): MtcnnDetector {
  return new MtcnnDetector(options);
}
