import {
  CallQueue,
  FaceAttrError,
  clipBox,
  iou,
  toRgbImage,
  type Box,
  type DetectedFace,
  type DetectorCall,
  type FaceDetector,
  type ModelHandle,
  type PluginContext,
  type RgbImage,
} from '@faceattr/core';
import { nextCrop, nms, regressed, type Candidate } from './candidates.js';
import { DEFAULT_CASCADE, type CascadeSettings } from './cascade-settings.js';
import { CropSampler } from './crop.js';
import { hooksOf, type MtcnnTimings } from './instrument.js';
import { resolveMtcnnOptions, type MtcnnOptions, type ResolvedMtcnnOptions } from './options.js';
import { decodePnet } from './pnet-decode.js';
import { pyramidLevels } from './pyramid.js';
import { PyramidBuilder, type NetInput } from './pyramid-images.js';
import { loadPyramidWasm, type WasmImage } from './pyramid-wasm.js';
import { cropPoints, toLandmarks } from './onet-points.js';
import { OnetStage } from './onet-stage.js';

/** A box with the score of the stage that produced it. */
type Scored = { box: Box; score: number };
/** An O-Net crop that passed: its box, score, regression and landmarks (image pixels, x0..x4 y0..y4). */
type OnetCandidate = Candidate & { points: Float64Array };
/** A skipped group counts as lost when no face's box overlaps its leader by this IoU. */
const LOST_IOU = 0.3;
/** Crops per R-Net/O-Net call: bounds memory when P-Net lets many candidates through. */
const MAX_BATCH = 256;

const now = (): number => globalThis.performance.now();

/** The MTCNN cascade (P-Net -> R-Net -> O-Net) on any `InferenceBackend` from @faceattr/core. */
export class MtcnnDetector implements FaceDetector {
  readonly name = 'mtcnn';
  readonly providesLandmarks = true;
/** The options in force, defaults filled in. */
  readonly options: ResolvedMtcnnOptions;
  #nets: { pnet: ModelHandle; rnet: ModelHandle; onet: ModelHandle } | undefined;
  #disposed = false;
  /** Serialises detect() calls: they share the pyramid buffers and the WebAssembly memory. */
  readonly #calls = new CallQueue();
  #onetCrops = 0;
  #rnetCrops = 0;
  readonly #pyramid = new PyramidBuilder();
  readonly #crops = { 24: new CropSampler(24), 48: new CropSampler(48) };
  readonly #input: NetInput;
  #follower: OnetStage | undefined;

  constructor(options: MtcnnOptions = {}) {
    this.options = resolveMtcnnOptions(options);
    this.#input = { mean: 127.5, inv: 1 / 128, bgr: this.options.channelOrder === 'BGR' };
  }

  async load(ctx: PluginContext): Promise<void> {
    if (this.#disposed) throw disposedError();
    if (this.#nets) return;
    // The pyramid's WebAssembly kernels; without WebAssembly SIMD the same pyramid is built in JS.
    if (this.options.pyramid !== 'js') this.#pyramid.wasm ??= await loadPyramidWasm();
    if (this.options.pyramid === 'wasm' && !this.#pyramid.wasm) {
      throw new FaceAttrError('BACKEND_UNAVAILABLE', "mtcnn({ pyramid: 'wasm' }): this environment cannot run WebAssembly with SIMD (or a CSP refuses it); use pyramid: 'auto' to fall back to JS.");
    }
    const loaded: ModelHandle[] = [];
    try {
      for (const name of ['mtcnn-pnet', 'mtcnn-rnet', 'mtcnn-onet'] as const) {
        loaded.push(await ctx.loadModel(name));
      }
    } catch (e) {
      // Do not leak the nets that did load.
      await Promise.all(loaded.map((m) => m.release()));
      throw e;
    }
    this.#nets = { pnet: loaded[0]!, rnet: loaded[1]!, onet: loaded[2]! };
  }

  /** Which engine builds the image pyramid: 'wasm' after load() where available, else 'js'. */
  get pyramidEngine(): 'wasm' | 'js' {
    return this.#pyramid.wasm ? 'wasm' : 'js';
  }

  /**
   * Finds faces: all of them, best first (a pipeline applies its minScore and maxFaces). Calls on
   * one detector run one after another (they share the pyramid buffers and the WebAssembly
   * memory), also without a pipeline; start several detectors for parallel work.
   */
  detect(image: RgbImage, call?: DetectorCall): Promise<DetectedFace[]> {
    // A pipeline's shrunk copy (`detectShrink`): the pyramid starts at the same faces, minFaceSize / shrink here.
    const shrink = call?.shrink ?? 1;
    if (!(Number.isInteger(shrink) && shrink >= 1)) {
      return Promise.reject(new FaceAttrError('INVALID_INPUT', `mtcnn: detect()'s shrink must be an integer >= 1, got ${String(shrink)}.`));
    }
    return this.#calls.run(() => this.#detect(image, this.options.minFaceSize / shrink));
  }

  /** The smallest face side the pyramid looks for, in input pixels ({@link MtcnnOptions.minFaceSize}). */
  get minFaceSize(): number {
    return this.options.minFaceSize;
  }

  async #detect(input: RgbImage, minFaceSize: number): Promise<DetectedFace[]> {
    const nets = this.#nets;
    if (!nets) throw new FaceAttrError('DETECTOR_UNAVAILABLE', 'The mtcnn detector has no models yet: call load(ctx) first, or use it through createPipeline().');
    // Core's one image check (O(1) for a valid RgbImage, returned as is): standalone calls get what a pipeline gets.
    const image = toRgbImage(input);
    const hooks = hooksOf(this);
    const cascade = hooks?.cascade ?? DEFAULT_CASCADE;
    const timings = emptyTimings();
    const watch = new Stopwatch(timings.split);
    const t0 = now();
    const { boxes: proposals, pyramid } = await this.#proposals(nets.pnet, image, minFaceSize, cascade, watch, timings.counts);
    const t1 = now();
    this.#rnetCrops = 0;
    this.#onetCrops = 0;
    const { refined, skipped } = proposals.length ? await this.#refine(nets.rnet, pyramid, proposals, cascade, cascade.rnetLeadersFirst, watch) : { refined: [], skipped: [] };
    const t2 = now();
    const cands = refined.length ? await this.#score(nets.onet, pyramid, refined, cascade, watch) : [];
    // A group whose leader passed R-Net but led to no face: its other proposals get their turn
    // (R-Net, then O-Net), so a face that only another proposal of the group leads to is found.
    const lost = skipped.filter((g) => !cands.some((c) => iou(regressed(c), g[0]!.box) >= LOST_IOU));
    if (lost.length) {
      const again = (await this.#refine(nets.rnet, pyramid, lost.flatMap((g) => g.slice(1)), cascade, false, watch)).refined;
      if (again.length) cands.push(...(await this.#score(nets.onet, pyramid, again, cascade, watch)));
    }
    const faces = cands.length ? await this.#output(nets.onet, pyramid, cands, image, cascade, watch) : [];
    const t4 = now();
    Object.assign(timings, { pnet: t1 - t0, rnet: t2 - t1, onet: t4 - t2, total: t4 - t0 });
    Object.assign(timings.counts, { proposals: proposals.length, rnetInputs: this.#rnetCrops, onetInputs: this.#onetCrops, faces: faces.length });
    hooks?.onTimings?.(timings);
    return faces;
  }

  /** Stage 1: P-Net over the pyramid; boxes regressed and squared, ready for R-Net. */
  async #proposals(pnet: ModelHandle, image: RgbImage, minFaceSize: number, cascade: CascadeSettings, watch: Stopwatch, counts: MtcnnTimings['counts']): Promise<{ boxes: Scored[]; pyramid: Pyramid }> {
    watch.start();
    const { scaleFactor, thresholds } = this.options;
    const all: Candidate[] = [];
    const pyramid: Pyramid = [{ image, sx: 1, sy: 1 }];
    const levels = pyramidLevels(image.width, image.height, minFaceSize, scaleFactor);
    counts.levels = levels.length;
    for (const { image: scaled, tensor, at } of this.#pyramid.levels(image, levels, this.#input)) {
      pyramid[0]!.at ??= this.#pyramid.frameAt;
      pyramid.push({ image: scaled, sx: scaled.width / image.width, sy: scaled.height / image.height, at });
      watch.lap('pyramid');
      const out = await pnet.run({ input: { data: tensor, shape: [1, scaled.width, scaled.height, 3] } }, ['prob', 'bbox']);
      watch.lap('pnet');
      const found = decodePnet(out['prob']!, out['bbox']!, scaled.width / image.width, scaled.height / image.height, thresholds[0]);
      for (const c of nms(found, cascade.nmsLevel, 'union')) all.push(c);
      watch.lap('nms');
    }
    const boxes = nms(all, cascade.nmsPyramid, 'union').map((c) => ({ box: nextCrop(c), score: c.score }));
    watch.lap('nms');
    return { boxes, pyramid };
  }

  /** Runs a crop net over `boxes` in batches; returns each output per box. */
  async #runCrops(net: ModelHandle, pyramid: Pyramid, boxes: readonly Box[], size: number, outputs: readonly string[], watch: Stopwatch, stage: 'rnet' | 'onet', mirror = false) {
    const per = size * size * 3;
    const results: Record<string, Float32Array> = {};
    for (const name of outputs) results[name] = new Float32Array(0);
    const chunks: Record<string, Float32Array>[] = [];
    for (let start = 0; start < boxes.length; start += MAX_BATCH) {
      const batch = boxes.slice(start, start + MAX_BATCH);
      // Crops come from the pyramid level just above the crop size (< 1.42x shrink left): plain bilinear suffices.
      const sources = batch.map((b) => cropSource(pyramid, b, size));
      const wasm = this.#pyramid.wasm;
      let data: Float32Array;
      if (wasm && sources.every((s) => s.at)) {
        // The levels are still in the module's memory: cut there (same values as the JS sampler).
        data = wasm.crops(batch.length, size, (i) => ({ at: sources[i]!.at!, box: sources[i]!.box }), this.#input, mirror);
      } else {
        data = new Float32Array(batch.length * per);
        const sampler = this.#crops[size as 24 | 48];
        sources.forEach(({ image, box }, i) => sampler.crop(image, box, this.#input, data, i * per, mirror));
      }
      watch.lap(stage === 'rnet' ? 'rnetCrops' : 'onetCrops');
      const out = await net.run({ input: { data, shape: [batch.length, size, size, 3] } }, outputs);
      watch.lap(stage);
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

  /**
   * Stage 2: R-Net rescoring of 24x24 crops; boxes regressed and squared, ready for O-Net. With
   * leaders first, also the groups whose leader passed (their other proposals were not scored).
   */
  async #refine(rnet: ModelHandle, pyramid: Pyramid, proposals: readonly Scored[], cascade: CascadeSettings, leaders: boolean, watch: Stopwatch): Promise<{ refined: Scored[]; skipped: Scored[][] }> {
    watch.start();
    const kept: Candidate[] = [];
    const score = async (boxes: readonly Box[]): Promise<boolean[]> => {
      this.#rnetCrops += boxes.length;
      const out = await this.#runCrops(rnet, pyramid, boxes, 24, ['prob', 'bbox'], watch, 'rnet');
      const prob = out['prob']!;
      const reg = out['bbox']!;
      return boxes.map((box, i) => {
        const p = prob[i * 2 + 1]!;
        if (p < this.options.thresholds[1]) return false;
        kept.push({ box, score: p, reg: [reg[i * 4]!, reg[i * 4 + 1]!, reg[i * 4 + 2]!, reg[i * 4 + 3]!] });
        return true;
      });
    };
    const skipped = leaders ? await leadersFirst(proposals, cascade.rnetNest, (g) => g[0]!.box, score) : (await score(proposals.map((p) => p.box)), []);
    const refined = nms(kept, cascade.nmsRnet, cascade.nmsRnetMode).map((c) => ({ box: nextCrop(c), score: c.score }));
    watch.lap('nms');
    return { refined, skipped };
  }

  /** Stage 3a: O-Net on 48x48 crops of `refined`; the crops that pass, with their regression and landmarks. */
  async #score(onet: ModelHandle, pyramid: Pyramid, refined: readonly Scored[], cascade: CascadeSettings, watch: Stopwatch): Promise<OnetCandidate[]> {
    watch.start();
    const threshold = this.options.thresholds[2];
    const cands: OnetCandidate[] = [];
    const score = async (batch: readonly Box[]): Promise<boolean[]> => {
      this.#onetCrops += batch.length;
      const out = await this.#runCrops(onet, pyramid, batch, 48, ['prob', 'bbox', 'landmarks'], watch, 'onet');
      const prob = out['prob']!;
      const reg = out['bbox']!;
      const lm = out['landmarks']!;
      return batch.map((box, i) => {
        const p = prob[i * 2 + 1]!;
        if (p < threshold) return false;
        cands.push({ box, score: p, reg: [reg[i * 4]!, reg[i * 4 + 1]!, reg[i * 4 + 2]!, reg[i * 4 + 3]!], points: cropPoints(lm, i, box, false) });
        return true;
      });
    };
    if (cascade.onetLeadersFirst) await leadersFirst(refined, cascade.onetNest, meanBox, score);
    else await score(refined.map((r) => r.box));
    return cands;
  }

  /** Stage 3b: regress the O-Net crops that passed, final NMS, score-weighted vote of boxes and landmarks. */
  async #output(onet: ModelHandle, pyramid: Pyramid, cands: readonly OnetCandidate[], image: RgbImage, cascade: CascadeSettings, watch: Stopwatch): Promise<DetectedFace[]> {
    watch.start();
    const regressedCands = cands.map((c) => ({ ...c, box: regressed(c) }));
    const final = nms(regressedCands, cascade.nmsFinal, 'min');
    watch.lap('nms');
    // Score-weighted mean of the box and landmarks of every O-Net crop that found this face:
    // steadier from frame to frame than the single best crop's (see DEFAULT_CASCADE.vote).
    const voted = final.map((f) => {
      if (!cascade.vote) return { box: f.box, points: f.points };
      let [x1, y1, x2, y2, w] = [0, 0, 0, 0, 0];
      const points = new Float64Array(10);
      for (const c of regressedCands) {
        if (c !== f && iou(c.box, f.box) < cascade.voteIou) continue;
        x1 += c.box.x * c.score;
        y1 += c.box.y * c.score;
        x2 += (c.box.x + c.box.width) * c.score;
        y2 += (c.box.y + c.box.height) * c.score;
        for (let k = 0; k < 10; k++) points[k] = points[k]! + c.points[k]! * c.score;
        w += c.score;
      }
      const box = cascade.voteBoxes ? { x: x1 / w, y: y1 / w, width: (x2 - x1) / w, height: (y2 - y1) / w } : f.box;
      return { box, points: points.map((v) => v / w) };
    });
    const points = voted.map((v) => v.points);
    if (cascade.mirror && final.length) {
      const inputs = final.map((f) => cands[regressedCands.indexOf(f)]!.box);
      const m = await this.#runCrops(onet, pyramid, inputs, 48, ['landmarks'], watch, 'onet', true);
      final.forEach((_, i) => {
        const mp = cropPoints(m['landmarks']!, i, inputs[i]!, true);
        for (let k = 0; k < 10; k++) points[i]![k] = (points[i]![k]! + mp[k]!) / 2;
      });
    }
    const faces = final.map((c, i) => ({
      box: clipBox(voted[i]!.box, image.width, image.height),
      score: c.score,
      landmarks: toLandmarks(points[i]!),
    }));
    watch.lap('nms');
    return faces;
  }

  /**
   * For tracking ({@link FaceDetector.follow}): the faces near `boxes` (this detector's faces from an earlier
   * frame) found again by O-Net alone on each box squared about its centre, O-Net's regression moving the box
   * with the face. No pyramid, so no new faces; a box whose crop O-Net scores below `thresholds[2]` gives
   * nothing (the face has gone or moved too far). About one O-Net crop per face instead of a full search.
   */
  follow(image: RgbImage, boxes: readonly Box[]): Promise<DetectedFace[]> {
    return this.#calls.run(async () => {
      const nets = this.#nets;
      if (!nets) throw new FaceAttrError('DETECTOR_UNAVAILABLE', 'The mtcnn detector has no models yet: call load(ctx) first, or use it through createPipeline().');
      const frame = toRgbImage(image);
      // The stage borrows the detector's O-Net (released by dispose(), never by the stage).
      this.#follower ??= new OnetStage(nets.onet, this.#input);
      const found = await this.#follower.run(frame, boxes);
      return found
        .filter((r) => r.score >= this.options.thresholds[2])
        .map((r) => ({ box: clipBox(r.box, frame.width, frame.height), score: r.score, landmarks: r.landmarks }));
    });
  }

  async dispose(): Promise<void> {
    this.#disposed = true;
    // Later calls fail with DISPOSED; the nets go once a call in progress has finished.
    await this.#calls.close(disposedError);
    const nets = this.#nets;
    this.#nets = undefined;
    this.#follower = undefined;
    if (nets) await Promise.all([nets.pnet.release(), nets.rnet.release(), nets.onet.release()]);
  }
}

function emptyTimings(): MtcnnTimings {
  return {
    pnet: 0,
    rnet: 0,
    onet: 0,
    total: 0,
    split: { pyramid: 0, pnet: 0, rnetCrops: 0, rnet: 0, onetCrops: 0, onet: 0, nms: 0 },
    counts: { levels: 0, proposals: 0, rnetInputs: 0, onetInputs: 0, faces: 0 },
  };
}

/** Adds the time since the previous lap (or start) to one field of the split. */
class Stopwatch {
  #last = 0;
  constructor(private readonly split: MtcnnTimings['split']) {}
  start(): void {
    this.#last = now();
  }
  lap(key: keyof MtcnnTimings['split']): void {
    const t = now();
    this.split[key] += t - this.#last;
    this.#last = t;
  }
}

/**
 * Scores each group's leader (`lead` of the group), then, for groups whose leader fails, all of
 * the group's boxes not yet scored (a leader that is the group's first box is not repeated).
 * Returns the groups of several boxes whose leader passed: the rest of those went unscored.
 */
async function leadersFirst(boxes: readonly Scored[], nest: number, lead: (group: Scored[]) => Box, score: (b: readonly Box[]) => Promise<boolean[]>): Promise<Scored[][]> {
  const groups = groupNested(boxes, nest);
  const leaders = groups.map((g) => (g.length > 1 ? lead(g) : g[0]!.box));
  const passed = await score(leaders);
  const rest = groups.flatMap((g, i) => (passed[i] || g.length === 1 ? [] : g.filter((c) => c.box !== leaders[i]).map((c) => c.box)));
  if (rest.length) await score(rest);
  return groups.filter((g, i) => passed[i] && g.length > 1);
}

/**
 * Groups boxes (best first) so that each joins the first group whose leader covers it by
 * `overlap` of the smaller box's area; each group's leader is its best box.
 */
function groupNested(boxes: readonly Scored[], overlap: number): Scored[][] {
  const groups: Scored[][] = [];
  for (const b of boxes) {
    const g = groups.find((grp) => minOverlap(grp[0]!.box, b.box) >= overlap);
    if (g) g.push(b);
    else groups.push([b]);
  }
  return groups;
}

/** Score-weighted mean of the boxes' corners. */
function meanBox(group: readonly Scored[]): Box {
  let [x1, y1, x2, y2, w] = [0, 0, 0, 0, 0];
  for (const { box: b, score: s } of group) {
    x1 += b.x * s;
    y1 += b.y * s;
    x2 += (b.x + b.width) * s;
    y2 += (b.y + b.height) * s;
    w += s;
  }
  return { x: x1 / w, y: y1 / w, width: (x2 - x1) / w, height: (y2 - y1) / w };
}

function minOverlap(a: Box, b: Box): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  if (w <= 0 || h <= 0) return 0;
  return (w * h) / Math.min(a.width * a.height, b.width * b.height);
}

/** The original image and its pyramid levels, with their resize ratios per axis. */
type Pyramid = { image: RgbImage; sx: number; sy: number; at?: WasmImage | undefined }[];

/**
 * Where to crop `box` for a `size` px net input: the smallest pyramid image still at least
 * `size` px across the box (so the remaining step is a mild shrink), and the box in its pixels.
 */
function cropSource(pyramid: Pyramid, box: Box, size: number): { image: RgbImage; box: Box; at: WasmImage | undefined } {
  const fits = (p: Pyramid[number]) => box.width * p.sx >= size && box.height * p.sy >= size;
  let best: Pyramid[number] | undefined;
  for (const p of pyramid) if (fits(p) && (!best || p.sx < best.sx)) best = p;
  // A box smaller than the net input: upsample from the largest image.
  best ??= pyramid.reduce((a, b) => (b.sx > a.sx ? b : a));
  return { image: best.image, at: best.at, box: { x: box.x * best.sx, y: box.y * best.sy, width: box.width * best.sx, height: box.height * best.sy } };
}

const disposedError = (): FaceAttrError => new FaceAttrError('DISPOSED', 'This mtcnn detector was disposed; create a new one with mtcnn().');

/**
 * Creates the MTCNN face detector (P-Net, R-Net, O-Net) with five landmarks per face, on the pipeline's
 * backend. Options are checked now (INVALID_OPTIONS), before anything loads.
 * @example
 * ```ts
 * const pipeline = await createPipeline({ backend: onnxBackend(), detector: mtcnn(), attributeModel: faceAttributes() });
 * // faces down to 20 px (slower: the pyramid gets more levels):
 * const small = mtcnn({ minFaceSize: 20 });
 * ```
 */
export function mtcnn(options: MtcnnOptions = {}): MtcnnDetector {
  return new MtcnnDetector(options);
}
