import { FaceAttrError } from '../errors.js';

/**
 * The largest decode shrink (1, 2, 4 or 8) at which a face of `minFaceSize` pixels (in the full image) still
 * spans `facePx` pixels. Decoding at that size changes no answer: the detector looks for the same faces at
 * minFaceSize / shrink, and the encoder's aligned crop (150 px for dlib-resnet-128, 224 for faceres-1024) is
 * cut from pixels at least as fine as itself. Below that, aligning from shrunk pixels does change ages and
 * genders (docs/benchmarks.md, "Decoding"), so the default minFaceSize of 40 gives 1.
 */
export function shrinkForMinFaceSize(minFaceSize: number, facePx = 150): 1 | 2 | 4 | 8 {
  if (!(minFaceSize > 0) || !(facePx > 0)) {
    throw new FaceAttrError('INVALID_OPTIONS', `shrinkForMinFaceSize: sizes must be positive numbers, got ${String(minFaceSize)} and ${String(facePx)}.`);
  }
  for (const s of [8, 4, 2] as const) if (minFaceSize / s >= facePx) return s;
  return 1;
}
