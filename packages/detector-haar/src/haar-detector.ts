import { FaceAttrError, checkPluginOptions, describeError, formatValue, type Box, type DetectedFace, type FaceDetector, type PluginContext, type RgbImage } from '@faceattr/core';
import { loadOnetStage, type OnetStage } from '@faceattr/detector-mtcnn';
import type { HaarCascade } from './cascade-types.js';
import { decodeCascade, loadCascade } from './compact-cascade.js';
import { CONFIRMED_SETTINGS, confirmWithOnet, haarCandidates } from './confirm.js';
import { detectMultiScale } from './detect-multi-scale.js';
import { HAAR_OPTION_KEYS, resolveEngine, resolveHaarOptions, type HaarOptions } from './options.js';
import { loadHaarWasm } from './scan-wasm.js';
import { neighborScore } from './score.js';

/** The packaged cascade: OpenCV's haarcascade_frontalface_default in the compact form. */
export const HAAR_MODEL_NAME = 'haar-frontalface-default';

/** Every option haar() takes: the search options, the cascade and the mode. */
export const HAAR_DETECTOR_OPTION_KEYS = [...HAAR_OPTION_KEYS, 'cascade', 'mode'] as const;

/**
 * What haar() returns: 'confirmed' (default) checks each cascade candidate with MTCNN's O-Net, which
 * also gives its box, score and five landmarks; 'exact' is OpenCV's `detectMultiScale`, box for box.
 */
export type HaarMode = 'confirmed' | 'exact';

export interface HaarDetectorOptions extends HaarOptions {
  /**
   * 'confirmed' (default): the cascade searches for recall (`minNeighbors` 1, and the frame turned
   * by ±20 degrees for tilted faces), then one batched O-Net call (asset `mtcnn-onet`, on the
   * pipeline's backend) keeps the candidates it scores >= 0.7, with O-Net's box, probability
   * (`score`) and five landmarks. 'exact': OpenCV's `detectMultiScale` with its defaults (scaleFactor
   * 1.1, minNeighbors 3), boxes only (the pipeline estimates landmarks), `score` from the neighbour
   * count; no model but the cascade is loaded.
   */
  mode?: HaarMode;
  /**
   * Another cascade to use instead of the packaged frontal face one: a parsed cascade, or the
   * bytes/text of an OpenCV cascade XML or of the compact form. Default: load `haar-frontalface-default`.
   */
  cascade?: HaarCascade | Uint8Array | string;
}

/**
 * A face detector on a Haar cascade. By default ('confirmed' mode) the cascade proposes candidates
 * for recall and MTCNN's O-Net confirms them and places five landmarks (one batched call on the
 * pipeline's backend); `mode: 'exact'` matches OpenCV's `CascadeClassifier.detectMultiScale` with
 * the same options (scaleFactor 1.1, minNeighbors 3 by default), boxes only (the pipeline estimates
 * landmarks from them), `score` = {@link neighborScore} of the box's neighbour count.
 * Options are checked here, so a bad one fails with INVALID_OPTIONS before anything loads.
 * @example
 * ```ts
 * const pipeline = await createPipeline({ backend: onnxBackend(), detector: haar(), attributeModel: faceAttributes() });
 * // OpenCV's detectMultiScale, box for box, faces of 60 px and up:
 * const opencv = haar({ mode: 'exact', minNeighbors: 5, minSize: { width: 60, height: 60 } });
 * ```
 */
export function haar(options: HaarDetectorOptions = {}): FaceDetector {
  checkPluginOptions(options, 'haar()', HAAR_DETECTOR_OPTION_KEYS);
  const { cascade: given, mode = 'confirmed', ...userSearch } = options;
  if (mode !== 'confirmed' && mode !== 'exact') throw new FaceAttrError('INVALID_OPTIONS', `"mode" must be 'confirmed' or 'exact', got ${formatValue(options.mode)}.`);
  const confirmed = mode === 'confirmed';
  // Confirmed mode searches for recall unless the caller says otherwise; exact mode keeps OpenCV's defaults.
  const search: HaarOptions = confirmed ? { ...userSearch, minNeighbors: userSearch.minNeighbors ?? CONFIRMED_SETTINGS.minNeighbors } : userSearch;
  resolveHaarOptions(search);
  if (given !== undefined && typeof given !== 'string' && !(given instanceof Uint8Array) && (typeof given !== 'object' || !Array.isArray((given as HaarCascade).stages))) {
    throw new FaceAttrError('INVALID_OPTIONS', '"cascade" must be a parsed HaarCascade, or cascade XML / compact bytes.');
  }
  let cascade: HaarCascade | undefined;
  let onet: OnetStage | undefined;
  let disposed = false;
  return {
    name: 'haar',
    providesLandmarks: confirmed,
    async load(ctx: PluginContext): Promise<void> {
      if (disposed) throw new FaceAttrError('DISPOSED', 'This Haar detector was disposed; create a new one with haar().');
      // The WebAssembly scan, compiled asynchronously (a browser's main thread allows no synchronous
      // compile of it); where it cannot run, engine 'auto' keeps to the JS path.
      if (resolveEngine(search) !== 'js' && !(await loadHaarWasm()) && search.engine === 'wasm') {
        throw new FaceAttrError('DETECTOR_UNAVAILABLE', 'Haar engine "wasm": WebAssembly is unavailable here; use engine "auto" or "js".');
      }
      if (confirmed && typeof (ctx as Partial<PluginContext> | undefined)?.loadModel !== 'function') {
        throw new FaceAttrError('DETECTOR_UNAVAILABLE', "haar() in 'confirmed' mode runs O-Net on a backend: load it through createPipeline() (or with a PluginContext), or use haar({ mode: 'exact' }), which needs none.");
      }
      cascade ??= await loadHaarCascade(ctx, given);
      // O-Net last: nothing loaded before it can fail and leak it.
      if (confirmed && !onet) {
        const stage = await loadOnetStage(ctx);
        if (disposed) {
          await stage.release();
          throw new FaceAttrError('DISPOSED', 'This Haar detector was disposed while loading; create a new one with haar().');
        }
        onet = stage;
      }
    },
    // Every face (exact mode: in OpenCV's order); the pipeline filters (minScore), sorts and keeps maxFaces.
    async detect(image: RgbImage): Promise<DetectedFace[]> {
      if (disposed) throw new FaceAttrError('DISPOSED', 'This Haar detector was disposed; create a new one with haar().');
      if (!cascade || (confirmed && !onet)) throw new FaceAttrError('DETECTOR_UNAVAILABLE', 'The Haar detector is not loaded: call load() (createPipeline does) before detect().');
      if (onet) return confirmWithOnet(onet, image, haarCandidates(cascade, image, search));
      return detectMultiScale(cascade, image, search).map((d) => ({ box: d.box, score: neighborScore(d.neighbors) }));
    },
    // Confirmed mode only (tracking between searches, FaceDetector.follow): O-Net on the known boxes, as it
    // confirms cascade candidates, so the boxes move with the faces; no cascade scan. Exact mode has no O-Net.
    ...(confirmed && {
      async follow(image: RgbImage, boxes: readonly Box[]): Promise<DetectedFace[]> {
        if (disposed) throw new FaceAttrError('DISPOSED', 'This Haar detector was disposed; create a new one with haar().');
        if (!onet) throw new FaceAttrError('DETECTOR_UNAVAILABLE', 'The Haar detector is not loaded: call load() (createPipeline does) before follow().');
        return confirmWithOnet(onet, image, boxes);
      },
    }),
    async dispose(): Promise<void> {
      disposed = true;
      cascade = undefined;
      const net = onet;
      onet = undefined;
      await net?.release();
    },
  };
}

/** The cascade given to haar(), or the packaged one from its asset. */
async function loadHaarCascade(ctx: PluginContext, given: HaarDetectorOptions['cascade']): Promise<HaarCascade> {
  if (given !== undefined) return typeof given === 'string' || given instanceof Uint8Array ? loadCascade(given) : given;
  const asset = await ctx.loadAsset(HAAR_MODEL_NAME, 'data');
  const entry = asset.manifest.artifacts.data?.entry ?? '';
  const bytes = asset.files.get(entry);
  if (!bytes) throw new FaceAttrError('MODEL_LOAD_FAILED', `Model "${asset.manifest.name}" (${asset.location}) lacks its data entry ${JSON.stringify(entry)}.`);
  try {
    return decodeCascade(bytes);
  } catch (e) {
    throw new FaceAttrError('MODEL_LOAD_FAILED', `Model "${asset.manifest.name}" (${asset.location}) file ${entry}: ${describeError(e)}`, { cause: e });
  }
}
