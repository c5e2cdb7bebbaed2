import { FaceAttrError, regressBox, squareBox, toRgbImage, type Box, type Landmarks5, type ModelHandle, type PluginContext, type RgbImage } from '@faceattr/core';
import { CropSampler } from './crop.js';
import { cropPoints, toLandmarks } from './onet-points.js';
import { halve, type NetInput } from './pyramid-images.js';

/** The asset O-Net's weights come from (the same one the mtcnn detector loads). */
export const ONET_MODEL_NAME = 'mtcnn-onet';
/** O-Net's input side, px. */
const SIZE = 48;
/** Crops per O-Net call, as in the detector: bounds memory for long box lists. */
const MAX_BATCH = 256;
/** The mtcnn detector's input convention (its default channel order, RGB). */
const INPUT: NetInput = { mean: 127.5, inv: 1 / 128, bgr: false };

/** What O-Net says about one box. */
export interface OnetResult {
  /** O-Net's face probability for the crop, in [0, 1]. */
  score: number;
  /** The square crop O-Net saw: the given box squared about its centre. */
  crop: Box;
  /** O-Net's regressed face box (the crop plus its regression), image pixels, not clipped. */
  box: Box;
  /** O-Net's five landmarks, image pixels. */
  landmarks: Landmarks5;
}

/**
 * MTCNN's last stage on its own, for other detectors' candidates: O-Net on a 48x48 crop of each
 * box, with the mtcnn detector's input convention (RGB, transposed width-major, `(x - 127.5) / 128`,
 * black outside the image), crop sampler, regression and landmark decoding. Each box is squared
 * about its centre first (O-Net was trained on square crops). As in the detector, each crop is cut
 * bilinearly from an image at most 2x its size: the frame or a 2x2-mean halving of it (the
 * detector uses its pyramid levels, which a lone stage does not have).
 * Load it with {@link loadOnetStage} from a plugin's `load(ctx)`; `release()` frees the net.
 * @example
 * ```ts
 * // in a FaceDetector: load(ctx) { this.onet = await loadOnetStage(ctx); }
 * const checked = await this.onet.run(image, candidateBoxes); // one batched O-Net call
 * const faces = checked.filter((r) => r.score >= 0.7);
 * ```
 */
export class OnetStage {
  #net: ModelHandle | undefined;
  readonly #input: NetInput;

  /** @internal Use {@link loadOnetStage}. `input`: the pixel convention (the mtcnn detector passes its channel order). */
  constructor(net: ModelHandle, input: NetInput = INPUT) {
    this.#net = net;
    this.#input = input;
  }

  /** One result per box, in order. An empty list runs nothing. */
  async run(image: RgbImage, boxes: readonly Box[]): Promise<OnetResult[]> {
    const net = this.#net;
    if (!net) throw new FaceAttrError('DISPOSED', 'This O-Net stage was released; load a new one with loadOnetStage(ctx).');
    const frame = toRgbImage(image);
    const crops = boxes.map((b, i) => {
      if (!b || ![b.x, b.y, b.width, b.height].every(Number.isFinite) || !(b.width > 0 && b.height > 0)) {
        throw new FaceAttrError('INVALID_INPUT', `O-Net box ${i} must have finite x, y and a positive width and height, got ${JSON.stringify(b)}.`);
      }
      return squareBox(b);
    });
    const results: OnetResult[] = [];
    const per = SIZE * SIZE * 3;
    // Halvings of the frame, made as the largest box needs them: level k is the frame at 2^-k.
    const levels = [frame];
    const sampler = new CropSampler(SIZE);
    for (let start = 0; start < crops.length; start += MAX_BATCH) {
      const batch = crops.slice(start, start + MAX_BATCH);
      const data = new Float32Array(batch.length * per);
      batch.forEach((box, i) => {
        let k = 0;
        while (box.width / 2 ** (k + 1) >= SIZE && Math.min(levels[k]!.width, levels[k]!.height) >= 2) {
          k++;
          levels[k] ??= halve(levels[k - 1]!);
        }
        const f = 2 ** -k;
        sampler.crop(levels[k]!, { x: box.x * f, y: box.y * f, width: box.width * f, height: box.height * f }, this.#input, data, i * per);
      });
      const out = await net.run({ input: { data, shape: [batch.length, SIZE, SIZE, 3] } }, ['prob', 'bbox', 'landmarks']);
      const prob = out['prob']!.data;
      const reg = out['bbox']!.data;
      const lm = Float32Array.from(out['landmarks']!.data);
      batch.forEach((crop, i) => {
        results.push({
          score: prob[i * 2 + 1]!,
          crop,
          box: regressBox(crop, reg[i * 4]!, reg[i * 4 + 1]!, reg[i * 4 + 2]!, reg[i * 4 + 3]!),
          landmarks: toLandmarks(cropPoints(lm, i, crop, false)),
        });
      });
    }
    return results;
  }

  /** Releases O-Net. Idempotent; `run` fails with DISPOSED afterwards. */
  async release(): Promise<void> {
    const net = this.#net;
    this.#net = undefined;
    await net?.release();
  }
}

/** Loads O-Net (asset `mtcnn-onet`) through a plugin context, on the pipeline's backend. */
export async function loadOnetStage(ctx: PluginContext): Promise<OnetStage> {
  return new OnetStage(await ctx.loadModel(ONET_MODEL_NAME));
}
