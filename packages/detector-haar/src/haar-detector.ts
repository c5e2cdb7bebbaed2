import { FaceAttrError, checkPluginOptions, describeError, type DetectedFace, type FaceDetector, type PluginContext, type RgbImage } from '@faceattr/core';
import type { HaarCascade } from './cascade-types.js';
import { decodeCascade, loadCascade } from './compact-cascade.js';
import { detectMultiScale } from './detect-multi-scale.js';
import { HAAR_OPTION_KEYS, resolveEngine, resolveHaarOptions, type HaarOptions } from './options.js';
import { loadHaarWasm } from './scan-wasm.js';
import { neighborScore } from './score.js';

/** The packaged cascade: OpenCV's haarcascade_frontalface_default in the compact form. */
export const HAAR_MODEL_NAME = 'haar-frontalface-default';

/** Every option haar() takes: the search options and the cascade. */
export const HAAR_DETECTOR_OPTION_KEYS = [...HAAR_OPTION_KEYS, 'cascade'] as const;

export interface HaarDetectorOptions extends HaarOptions {
  /**
   * Another cascade to use instead of the packaged frontal face one: a parsed cascade, or the
   * bytes/text of an OpenCV cascade XML or of the compact form. Default: load `haar-frontalface-default`.
   */
  cascade?: HaarCascade | Uint8Array | string;
}

/**
 * A face detector on a Haar cascade, matching OpenCV's `CascadeClassifier.detectMultiScale` with the
 * same options (scaleFactor 1.1, minNeighbors 3 by default). Gives boxes only (the pipeline estimates
 * landmarks from them); `score` is {@link neighborScore} of the box's neighbour count.
 * Options are checked here, so a bad one fails with INVALID_OPTIONS before anything loads.
 * @example
 * ```ts
 * const pipeline = await createPipeline({ backend: tfjsBackend(), detector: haar(), attributeModel: faceAttributes() });
 * // OpenCV's options: fewer false positives, faces of 60 px and up:
 * const strict = haar({ minNeighbors: 5, minSize: { width: 60, height: 60 } });
 * ```
 */
export function haar(options: HaarDetectorOptions = {}): FaceDetector {
  checkPluginOptions(options, 'haar()', HAAR_DETECTOR_OPTION_KEYS);
  const { cascade: given, ...search } = options;
  resolveHaarOptions(search);
  if (given !== undefined && typeof given !== 'string' && !(given instanceof Uint8Array) && (typeof given !== 'object' || !Array.isArray((given as HaarCascade).stages))) {
    throw new FaceAttrError('INVALID_OPTIONS', '"cascade" must be a parsed HaarCascade, or cascade XML / compact bytes.');
  }
  let cascade: HaarCascade | undefined;
  let disposed = false;
  return {
    name: 'haar',
    providesLandmarks: false,
    async load(ctx: PluginContext): Promise<void> {
      if (disposed) throw new FaceAttrError('DISPOSED', 'This Haar detector was disposed; create a new one with haar().');
      // The WebAssembly scan, compiled asynchronously (a browser's main thread allows no synchronous
      // compile of it); where it cannot run, engine 'auto' keeps to the JS path.
      if (resolveEngine(search) !== 'js' && !(await loadHaarWasm()) && search.engine === 'wasm') {
        throw new FaceAttrError('DETECTOR_UNAVAILABLE', 'Haar engine "wasm": WebAssembly is unavailable here; use engine "auto" or "js".');
      }
      if (given !== undefined) {
        cascade = typeof given === 'string' || given instanceof Uint8Array ? loadCascade(given) : given;
        return;
      }
      const asset = await ctx.loadAsset(HAAR_MODEL_NAME, 'data');
      const entry = asset.manifest.artifacts.data?.entry ?? '';
      const bytes = asset.files.get(entry);
      if (!bytes) throw new FaceAttrError('MODEL_LOAD_FAILED', `Model "${asset.manifest.name}" (${asset.location}) lacks its data entry ${JSON.stringify(entry)}.`);
      try {
        cascade = decodeCascade(bytes);
      } catch (e) {
        throw new FaceAttrError('MODEL_LOAD_FAILED', `Model "${asset.manifest.name}" (${asset.location}) file ${entry}: ${describeError(e)}`, { cause: e });
      }
    },
    // Every face, in OpenCV's order: the pipeline filters (minScore), sorts and keeps maxFaces.
    async detect(image: RgbImage): Promise<DetectedFace[]> {
      if (disposed) throw new FaceAttrError('DISPOSED', 'This Haar detector was disposed; create a new one with haar().');
      if (!cascade) throw new FaceAttrError('DETECTOR_UNAVAILABLE', 'The Haar detector is not loaded: call load() (createPipeline does) before detect().');
      return detectMultiScale(cascade, image, search).map((d) => ({ box: d.box, score: neighborScore(d.neighbors) }));
    },
    async dispose(): Promise<void> {
      disposed = true;
      cascade = undefined;
    },
  };
}
