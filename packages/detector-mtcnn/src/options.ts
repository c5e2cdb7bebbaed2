import { FaceAttrError } from '@faceattr/core';

/** Options of the MTCNN cascade. */
export interface MtcnnOptions {
  /**
   * Smallest face side, in image pixels, the pyramid looks for. Default 40: P-Net's work falls
   * with its square (20 cost ~4x), and at 40 the synthetic benchmark still finds 116/117 faces
   * of 40-80 px chips (see docs/detectors.md). Lower it for smaller faces; larger is faster.
   */
  minFaceSize?: number;
  /** Ratio between successive pyramid levels, in (0, 0.95]. Default 0.709 (halves the area per level). */
  scaleFactor?: number;
  /**
   * Score thresholds of P-Net, R-Net and O-Net, each in [0, 1]. Default [0.8, 0.7, 0.7]. P-Net
   * at 0.8 sends a quarter fewer background windows to R-Net than 0.7 (54 vs 73 on the 640x480
   * benchmark frame; the reference 0.6 sent more still) with the same synthetic recall and demo
   * results; on tightly cropped UTKFace chips it misses 1 more in 400 (docs/detectors.md).
   */
  thresholds?: readonly [number, number, number];
  /**
   * Channel order fed to the nets. Default 'RGB', the order measured to score real faces higher
   * (see the detector tests); 'BGR' exists to reproduce that measurement.
   */
  channelOrder?: 'RGB' | 'BGR';
  /**
   * Who builds the image pyramid and cuts the R-Net/O-Net crops. 'auto' (default): the bundled
   * WebAssembly SIMD kernels (~2 KB), or JS where WebAssembly or SIMD is unavailable; 'wasm':
   * fail at load() without them (BACKEND_UNAVAILABLE); 'js': always JS. Both give the same levels
   * to within one grey level of rounding, and identical crops.
   */
  pyramid?: 'auto' | 'wasm' | 'js';
}

export interface ResolvedMtcnnOptions {
  minFaceSize: number;
  scaleFactor: number;
  thresholds: readonly [number, number, number];
  channelOrder: 'RGB' | 'BGR';
  pyramid: 'auto' | 'wasm' | 'js';
}

export const DEFAULT_MTCNN_OPTIONS: ResolvedMtcnnOptions = {
  minFaceSize: 40,
  scaleFactor: 0.709,
  thresholds: [0.8, 0.7, 0.7],
  channelOrder: 'RGB',
  pyramid: 'auto',
};

const KNOWN = new Set(['minFaceSize', 'scaleFactor', 'thresholds', 'channelOrder', 'pyramid']);
/** Filters of the pipeline's results: it owns them, so a detector does not take them too. */
const PIPELINE_OWNED = new Set(['maxFaces', 'minScore']);

function bad(message: string): FaceAttrError {
  return new FaceAttrError('INVALID_OPTIONS', `mtcnn: ${message}`);
}

/** Validates user options and fills in defaults; throws INVALID_OPTIONS naming the option. */
export function resolveMtcnnOptions(options: unknown = {}): ResolvedMtcnnOptions {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw bad(`options must be an object such as { minFaceSize: 20 }, got ${JSON.stringify(options)}.`);
  }
  const o = options as Record<string, unknown>;
  for (const k of Object.keys(o)) {
    if (PIPELINE_OWNED.has(k)) throw bad(`unknown option "${k}": the pipeline filters faces; use createPipeline({ ${k} }) or pipeline.detect(image, { ${k} }).`);
    if (!KNOWN.has(k)) throw bad(`unknown option "${k}"; the options are ${[...KNOWN].join(', ')}.`);
  }
  const r = { ...DEFAULT_MTCNN_OPTIONS };
  if (o['minFaceSize'] !== undefined) {
    const v = o['minFaceSize'];
    // Below 4 px the pyramid would upscale the image more than 3x: slow and useless.
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 4) throw bad(`"minFaceSize" must be a number of pixels >= 4 (default 40), got ${JSON.stringify(v)}.`);
    r.minFaceSize = v;
  }
  if (o['scaleFactor'] !== undefined) {
    const v = o['scaleFactor'];
    // Close to 1 the pyramid gets very deep; 0.95 already gives ~40 levels per decade of size.
    if (typeof v !== 'number' || !(v > 0 && v <= 0.95)) throw bad(`"scaleFactor" must be a number in (0, 0.95] (default 0.709), got ${JSON.stringify(v)}.`);
    r.scaleFactor = v;
  }
  if (o['thresholds'] !== undefined) {
    const v = o['thresholds'];
    if (!Array.isArray(v) || v.length !== 3 || !v.every((t) => typeof t === 'number' && t >= 0 && t <= 1)) {
      throw bad(`"thresholds" must be three numbers in [0, 1] for P-Net, R-Net and O-Net (default [0.8, 0.7, 0.7]), got ${JSON.stringify(v)}.`);
    }
    r.thresholds = [v[0], v[1], v[2]] as [number, number, number];
  }
  if (o['channelOrder'] !== undefined) {
    const v = o['channelOrder'];
    if (v !== 'RGB' && v !== 'BGR') throw bad(`"channelOrder" must be 'RGB' or 'BGR', got ${JSON.stringify(v)}.`);
    r.channelOrder = v;
  }
  if (o['pyramid'] !== undefined) {
    const v = o['pyramid'];
    if (v !== 'auto' && v !== 'wasm' && v !== 'js') throw bad(`"pyramid" must be 'auto', 'wasm' or 'js', got ${JSON.stringify(v)}.`);
    r.pyramid = v;
  }
  return r;
}
