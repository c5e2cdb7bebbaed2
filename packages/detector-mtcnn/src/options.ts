import { FaceAttrError, checkPluginOptions, formatValue } from '@faceattr/core';

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

/** {@link MtcnnOptions} with every default filled in, as the detector runs. */
export interface ResolvedMtcnnOptions {
/** {@inheritDoc MtcnnOptions.minFaceSize} */
  minFaceSize: number;
/** {@inheritDoc MtcnnOptions.scaleFactor} */
  scaleFactor: number;
/** {@inheritDoc MtcnnOptions.thresholds} */
  thresholds: readonly [number, number, number];
/** {@inheritDoc MtcnnOptions.channelOrder} */
  channelOrder: 'RGB' | 'BGR';
/** {@inheritDoc MtcnnOptions.pyramid} */
  pyramid: 'auto' | 'wasm' | 'js';
}

/** The defaults of {@link MtcnnOptions}. */
export const DEFAULT_MTCNN_OPTIONS: ResolvedMtcnnOptions = {
  minFaceSize: 40,
  scaleFactor: 0.709,
  thresholds: [0.8, 0.7, 0.7],
  channelOrder: 'RGB',
  pyramid: 'auto',
};

/** Every option mtcnn() takes; anything else is refused, saying where it belongs (the pipeline's filters, haar()'s options). */
export const MTCNN_OPTION_KEYS = ['minFaceSize', 'scaleFactor', 'thresholds', 'channelOrder', 'pyramid'] as const;

function bad(message: string): FaceAttrError {
  return new FaceAttrError('INVALID_OPTIONS', `mtcnn: ${message}`);
}

/** Validates user options and fills in defaults; throws INVALID_OPTIONS naming the option. */
export function resolveMtcnnOptions(options: unknown = {}): ResolvedMtcnnOptions {
  const o = checkPluginOptions(options, 'mtcnn()', MTCNN_OPTION_KEYS);
  const r = { ...DEFAULT_MTCNN_OPTIONS };
  if (o['minFaceSize'] !== undefined) {
    const v = o['minFaceSize'];
    // Below 4 px the pyramid would upscale the image more than 3x: slow and useless.
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 4) throw bad(`"minFaceSize" must be a number of pixels >= 4 (default 40), got ${formatValue(v)}.`);
    r.minFaceSize = v;
  }
  if (o['scaleFactor'] !== undefined) {
    const v = o['scaleFactor'];
    // Close to 1 the pyramid gets very deep; 0.95 already gives ~40 levels per decade of size.
    if (typeof v !== 'number' || !(v > 0 && v <= 0.95)) throw bad(`"scaleFactor" must be a number in (0, 0.95] (default 0.709), got ${formatValue(v)}.`);
    r.scaleFactor = v;
  }
  if (o['thresholds'] !== undefined) {
    const v = o['thresholds'];
    if (!Array.isArray(v) || v.length !== 3 || !v.every((t) => typeof t === 'number' && t >= 0 && t <= 1)) {
      throw bad(`"thresholds" must be three numbers in [0, 1] for P-Net, R-Net and O-Net (default [0.8, 0.7, 0.7]), got ${formatValue(v)}.`);
    }
    r.thresholds = [v[0], v[1], v[2]] as [number, number, number];
  }
  if (o['channelOrder'] !== undefined) {
    const v = o['channelOrder'];
    if (v !== 'RGB' && v !== 'BGR') throw bad(`"channelOrder" must be 'RGB' or 'BGR', got ${formatValue(v)}.`);
    r.channelOrder = v;
  }
  if (o['pyramid'] !== undefined) {
    const v = o['pyramid'];
    if (v !== 'auto' && v !== 'wasm' && v !== 'js') throw bad(`"pyramid" must be 'auto', 'wasm' or 'js', got ${formatValue(v)}.`);
    r.pyramid = v;
  }
  return r;
}
