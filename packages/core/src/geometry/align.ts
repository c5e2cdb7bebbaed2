import type { Landmarks5, Point } from '../types.js';

/**
 * A 2x3 affine matrix [a, b, tx, c, d, ty] mapping (x, y) to (a*x + b*y + tx, c*x + d*y + ty).
 */
export type Affine = readonly [number, number, number, number, number, number];

/** The five landmarks as points, in {@link Landmarks5} order (left eye, right eye, nose, left and right mouth corner). */
export function landmarksToArray(l: Landmarks5): Point[] {
  return [l.leftEye, l.rightEye, l.nose, l.mouthLeft, l.mouthRight];
}

/** Five points, in {@link Landmarks5} order, as landmarks; throws a RangeError for any other count. */
export function arrayToLandmarks(p: readonly Point[]): Landmarks5 {
  if (p.length !== 5) throw new RangeError(`expected 5 landmarks, got ${p.length}`);
  return { leftEye: p[0]!, rightEye: p[1]!, nose: p[2]!, mouthLeft: p[3]!, mouthRight: p[4]! };
}

/** Maps `p` through `m`. */
export function applyAffine(m: Affine, p: Point): Point {
  return { x: m[0] * p.x + m[1] * p.y + m[2], y: m[3] * p.x + m[4] * p.y + m[5] };
}

/** The inverse mapping of `m`; throws a RangeError when `m` is singular. */
export function invertAffine(m: Affine): Affine {
  const [a, b, tx, c, d, ty] = m;
  const det = a * d - b * c;
  if (det === 0) throw new RangeError('affine matrix is singular');
  const ia = d / det;
  const ib = -b / det;
  const ic = -c / det;
  const id = a / det;
  return [ia, ib, -(ia * tx + ib * ty), ic, id, -(ic * tx + id * ty)];
}

/**
 * Least-squares similarity transform (rotation, uniform scale, translation; no reflection)
 * mapping `src` points onto `dst` points: Umeyama (1991) in closed form for 2-D.
 */
export function estimateSimilarity(src: readonly Point[], dst: readonly Point[]): Affine {
  const n = src.length;
  if (n < 2 || dst.length !== n) throw new RangeError('estimateSimilarity needs >= 2 matching points');
  let sx = 0;
  let sy = 0;
  let dx = 0;
  let dy = 0;
  for (let i = 0; i < n; i++) {
    sx += src[i]!.x;
    sy += src[i]!.y;
    dx += dst[i]!.x;
    dy += dst[i]!.y;
  }
  sx /= n;
  sy /= n;
  dx /= n;
  dy /= n;
  // With complex numbers z = x + iy the best similarity is dst ≈ k * src + t,
  // k = sum(conj(s) * d) / sum(|s|^2) over centred points.
  let num_re = 0;
  let num_im = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    const ax = src[i]!.x - sx;
    const ay = src[i]!.y - sy;
    const bx = dst[i]!.x - dx;
    const by = dst[i]!.y - dy;
    num_re += ax * bx + ay * by;
    num_im += ax * by - ay * bx;
    den += ax * ax + ay * ay;
  }
  if (den === 0) throw new RangeError('estimateSimilarity: source points coincide');
  const a = num_re / den;
  const b = num_im / den;
  // [a -b; b a] rotation-scale
  return [a, -b, dx - (a * sx - b * sy), b, a, dy - (b * sx + a * sy)];
}

/**
 * The canonical 5-point face template (eyes, nose, mouth corners) on a 112x112 crop,
 * as widely used by ArcFace-family encoders. Other crop sizes scale it.
 */
export const FACE_TEMPLATE_112: readonly Point[] = [
  { x: 38.2946, y: 51.6963 },
  { x: 73.5318, y: 51.5014 },
  { x: 56.0252, y: 71.7366 },
  { x: 41.5493, y: 92.3655 },
  { x: 70.7299, y: 92.2041 },
];

/**
 * The template for a `size`x`size` crop. `padding` > 0 shrinks the face towards the centre
 * (0.25 leaves a quarter of the face size as margin on each side, as dlib's face chips do).
 */
export function faceTemplate(size: number, padding = 0): Point[] {
  const c = 56;
  const scale = size / 112 / (1 + 2 * padding);
  return FACE_TEMPLATE_112.map((p) => ({ x: (p.x - c) * scale + size / 2, y: (p.y - c) * scale + size / 2 }));
}

/** Matrix mapping image pixels to the aligned crop, from detected landmarks to a template. */
export function alignmentMatrix(landmarks: Landmarks5, template: readonly Point[]): Affine {
  return estimateSimilarity(landmarksToArray(landmarks), template);
}

/** Mean distance between mapped landmarks and the template, in units of inter-ocular distance. */
export function alignmentError(landmarks: Landmarks5, template: readonly Point[]): number {
  const m = alignmentMatrix(landmarks, template);
  const src = landmarksToArray(landmarks);
  const iod = Math.hypot(template[1]!.x - template[0]!.x, template[1]!.y - template[0]!.y);
  let sum = 0;
  for (let i = 0; i < 5; i++) {
    const p = applyAffine(m, src[i]!);
    sum += Math.hypot(p.x - template[i]!.x, p.y - template[i]!.y);
  }
  return sum / 5 / iod;
}

/**
 * Five landmarks guessed from a face box alone, for detectors without landmarks (Haar).
 * Places the template as if the box were the template's face region (x 20..92, y 28..112 of 112).
 */
export function estimateLandmarksFromBox(box: { x: number; y: number; width: number; height: number }): Landmarks5 {
  const fx = box.width / 72;
  const fy = box.height / 84;
  return arrayToLandmarks(FACE_TEMPLATE_112.map((p) => ({ x: box.x + (p.x - 20) * fx, y: box.y + (p.y - 28) * fy })));
}
