// Unrolled stump kernels over a list of windows, one per feature form (see stump-plan.ts).
// A feature value v is an exact integer, computed in int32 (a wrapping sum that is exact because
// |v| < 2^31) from the corners of the integral image: a few adds and one multiply per group of
// corners with the same coefficient. The stump compares float32(v * norm) with its threshold
// exactly, through the threshold's double cut, and adds left + (right - left) * (0 or 1) without
// a branch: stump outcomes are close to random, and mispredicted branches cost more than the rest
// of the loop. Offsets and multipliers are loaded into locals once per call, so the loop body is
// loads, adds and a compare. Written out (no code generation at run time: CSP-safe in browsers).
import { SLOTS } from './stump-plan.js';

/** A plan's per-stump numbers, in plan order (see {@link StumpPlan}). */
export interface StumpTables {
  /** Up to three group multipliers per stump. */
  mult: Int32Array;
  /** Corner coefficients, for the general kernel. */
  coef: Int32Array;
  cut: Float64Array;
  left: Float64Array;
  diff: Float64Array;
}

/** One stump of form 6 over m windows: v = a * (S0 + S1 - S2 - S3) + b * (S4 - S5). */
export function stump6(S: Int32Array, O: Int32Array, t: StumpTables, k: number, pos: Int32Array, norm: Float64Array, acc: Float64Array, m: number): void {
  const M = t.mult;
  const b = k * SLOTS;
  const o0 = O[b + 0]!, o1 = O[b + 1]!, o2 = O[b + 2]!, o3 = O[b + 3]!, o4 = O[b + 4]!, o5 = O[b + 5]!;
  const ma = M[k * 3 + 0]!, mb = M[k * 3 + 1]!;
  const cut = t.cut[k]!, left = t.left[k]!, diff = t.diff[k]!;
  for (let i = 0; i < m; i++) {
    const p = pos[i]!;
    const v = (Math.imul(ma, S[p + o0]! + S[p + o1]! - S[p + o2]! - S[p + o3]!) + Math.imul(mb, S[p + o4]! - S[p + o5]!)) | 0;
    acc[i]! += left + diff * Number(v * norm[i]! >= cut);
  }
}

/** Stumps k and k + 1, both of form 6, in one pass over the m windows. */
export function stump6x2(S: Int32Array, O: Int32Array, t: StumpTables, k: number, pos: Int32Array, norm: Float64Array, acc: Float64Array, m: number): void {
  const M = t.mult;
  const b = k * SLOTS;
  const o0 = O[b + 0]!, o1 = O[b + 1]!, o2 = O[b + 2]!, o3 = O[b + 3]!, o4 = O[b + 4]!, o5 = O[b + 5]!;
  const q0 = O[b + SLOTS + 0]!, q1 = O[b + SLOTS + 1]!, q2 = O[b + SLOTS + 2]!, q3 = O[b + SLOTS + 3]!, q4 = O[b + SLOTS + 4]!, q5 = O[b + SLOTS + 5]!;
  const ma = M[k * 3 + 0]!, mb = M[k * 3 + 1]!;
  const na = M[k * 3 + 3 + 0]!, nb = M[k * 3 + 3 + 1]!;
  const cut = t.cut[k]!, left = t.left[k]!, diff = t.diff[k]!;
  const cut2 = t.cut[k + 1]!, left2 = t.left[k + 1]!, diff2 = t.diff[k + 1]!;
  for (let i = 0; i < m; i++) {
    const p = pos[i]!;
    const f = norm[i]!;
    const v = (Math.imul(ma, S[p + o0]! + S[p + o1]! - S[p + o2]! - S[p + o3]!) + Math.imul(mb, S[p + o4]! - S[p + o5]!)) | 0;
    const w = (Math.imul(na, S[p + q0]! + S[p + q1]! - S[p + q2]! - S[p + q3]!) + Math.imul(nb, S[p + q4]! - S[p + q5]!)) | 0;
    // (acc + first leaf) + second leaf: the stumps' order of additions.
    acc[i] = acc[i]! + (left + diff * Number(v * f >= cut)) + (left2 + diff2 * Number(w * f >= cut2));
  }
}

/** One stump of form 8 over m windows: v = a * (S0 - S1 - S2 + S3) + b * (S4 - S5 - S6 + S7). */
export function stump8(S: Int32Array, O: Int32Array, t: StumpTables, k: number, pos: Int32Array, norm: Float64Array, acc: Float64Array, m: number): void {
  const M = t.mult;
  const b = k * SLOTS;
  const o0 = O[b + 0]!, o1 = O[b + 1]!, o2 = O[b + 2]!, o3 = O[b + 3]!, o4 = O[b + 4]!, o5 = O[b + 5]!, o6 = O[b + 6]!, o7 = O[b + 7]!;
  const ma = M[k * 3 + 0]!, mb = M[k * 3 + 1]!;
  const cut = t.cut[k]!, left = t.left[k]!, diff = t.diff[k]!;
  for (let i = 0; i < m; i++) {
    const p = pos[i]!;
    const v = (Math.imul(ma, S[p + o0]! - S[p + o1]! - S[p + o2]! + S[p + o3]!) + Math.imul(mb, S[p + o4]! - S[p + o5]! - S[p + o6]! + S[p + o7]!)) | 0;
    acc[i]! += left + diff * Number(v * norm[i]! >= cut);
  }
}

/** Stumps k and k + 1, both of form 8, in one pass over the m windows. */
export function stump8x2(S: Int32Array, O: Int32Array, t: StumpTables, k: number, pos: Int32Array, norm: Float64Array, acc: Float64Array, m: number): void {
  const M = t.mult;
  const b = k * SLOTS;
  const o0 = O[b + 0]!, o1 = O[b + 1]!, o2 = O[b + 2]!, o3 = O[b + 3]!, o4 = O[b + 4]!, o5 = O[b + 5]!, o6 = O[b + 6]!, o7 = O[b + 7]!;
  const q0 = O[b + SLOTS + 0]!, q1 = O[b + SLOTS + 1]!, q2 = O[b + SLOTS + 2]!, q3 = O[b + SLOTS + 3]!, q4 = O[b + SLOTS + 4]!, q5 = O[b + SLOTS + 5]!, q6 = O[b + SLOTS + 6]!, q7 = O[b + SLOTS + 7]!;
  const ma = M[k * 3 + 0]!, mb = M[k * 3 + 1]!;
  const na = M[k * 3 + 3 + 0]!, nb = M[k * 3 + 3 + 1]!;
  const cut = t.cut[k]!, left = t.left[k]!, diff = t.diff[k]!;
  const cut2 = t.cut[k + 1]!, left2 = t.left[k + 1]!, diff2 = t.diff[k + 1]!;
  for (let i = 0; i < m; i++) {
    const p = pos[i]!;
    const f = norm[i]!;
    const v = (Math.imul(ma, S[p + o0]! - S[p + o1]! - S[p + o2]! + S[p + o3]!) + Math.imul(mb, S[p + o4]! - S[p + o5]! - S[p + o6]! + S[p + o7]!)) | 0;
    const w = (Math.imul(na, S[p + q0]! - S[p + q1]! - S[p + q2]! + S[p + q3]!) + Math.imul(nb, S[p + q4]! - S[p + q5]! - S[p + q6]! + S[p + q7]!)) | 0;
    // (acc + first leaf) + second leaf: the stumps' order of additions.
    acc[i] = acc[i]! + (left + diff * Number(v * f >= cut)) + (left2 + diff2 * Number(w * f >= cut2));
  }
}

/** One stump of form 9 over m windows: v = a * (S0 + S1 + S2 + S3) + b * (S4 + S5 + S6 + S7) + c * S8. */
export function stump9(S: Int32Array, O: Int32Array, t: StumpTables, k: number, pos: Int32Array, norm: Float64Array, acc: Float64Array, m: number): void {
  const M = t.mult;
  const b = k * SLOTS;
  const o0 = O[b + 0]!, o1 = O[b + 1]!, o2 = O[b + 2]!, o3 = O[b + 3]!, o4 = O[b + 4]!, o5 = O[b + 5]!, o6 = O[b + 6]!, o7 = O[b + 7]!, o8 = O[b + 8]!;
  const ma = M[k * 3 + 0]!, mb = M[k * 3 + 1]!, mc = M[k * 3 + 2]!;
  const cut = t.cut[k]!, left = t.left[k]!, diff = t.diff[k]!;
  for (let i = 0; i < m; i++) {
    const p = pos[i]!;
    const v = (Math.imul(ma, S[p + o0]! + S[p + o1]! + S[p + o2]! + S[p + o3]!) + Math.imul(mb, S[p + o4]! + S[p + o5]! + S[p + o6]! + S[p + o7]!) + Math.imul(mc, S[p + o8]!)) | 0;
    acc[i]! += left + diff * Number(v * norm[i]! >= cut);
  }
}

/** Stumps k and k + 1, both of form 9, in one pass over the m windows. */
export function stump9x2(S: Int32Array, O: Int32Array, t: StumpTables, k: number, pos: Int32Array, norm: Float64Array, acc: Float64Array, m: number): void {
  const M = t.mult;
  const b = k * SLOTS;
  const o0 = O[b + 0]!, o1 = O[b + 1]!, o2 = O[b + 2]!, o3 = O[b + 3]!, o4 = O[b + 4]!, o5 = O[b + 5]!, o6 = O[b + 6]!, o7 = O[b + 7]!, o8 = O[b + 8]!;
  const q0 = O[b + SLOTS + 0]!, q1 = O[b + SLOTS + 1]!, q2 = O[b + SLOTS + 2]!, q3 = O[b + SLOTS + 3]!, q4 = O[b + SLOTS + 4]!, q5 = O[b + SLOTS + 5]!, q6 = O[b + SLOTS + 6]!, q7 = O[b + SLOTS + 7]!, q8 = O[b + SLOTS + 8]!;
  const ma = M[k * 3 + 0]!, mb = M[k * 3 + 1]!, mc = M[k * 3 + 2]!;
  const na = M[k * 3 + 3 + 0]!, nb = M[k * 3 + 3 + 1]!, nc = M[k * 3 + 3 + 2]!;
  const cut = t.cut[k]!, left = t.left[k]!, diff = t.diff[k]!;
  const cut2 = t.cut[k + 1]!, left2 = t.left[k + 1]!, diff2 = t.diff[k + 1]!;
  for (let i = 0; i < m; i++) {
    const p = pos[i]!;
    const f = norm[i]!;
    const v = (Math.imul(ma, S[p + o0]! + S[p + o1]! + S[p + o2]! + S[p + o3]!) + Math.imul(mb, S[p + o4]! + S[p + o5]! + S[p + o6]! + S[p + o7]!) + Math.imul(mc, S[p + o8]!)) | 0;
    const w = (Math.imul(na, S[p + q0]! + S[p + q1]! + S[p + q2]! + S[p + q3]!) + Math.imul(nb, S[p + q4]! + S[p + q5]! + S[p + q6]! + S[p + q7]!) + Math.imul(nc, S[p + q8]!)) | 0;
    // (acc + first leaf) + second leaf: the stumps' order of additions.
    acc[i] = acc[i]! + (left + diff * Number(v * f >= cut)) + (left2 + diff2 * Number(w * f >= cut2));
  }
}

/** One stump with any corners (up to 12, each with its coefficient) over m windows. */
export function stumpAny(S: Int32Array, O: Int32Array, t: StumpTables, k: number, pos: Int32Array, norm: Float64Array, acc: Float64Array, m: number): void {
  const C = t.coef;
  const b = k * SLOTS;
  let n = 0;
  while (n < SLOTS && C[b + n] !== 0) n++;
  const cut = t.cut[k]!, left = t.left[k]!, diff = t.diff[k]!;
  for (let i = 0; i < m; i++) {
    const p = pos[i]!;
    let v = 0;
    for (let j = 0; j < n; j++) v = (v + Math.imul(C[b + j]!, S[p + O[b + j]!]!)) | 0;
    acc[i]! += left + diff * Number(v * norm[i]! >= cut);
  }
}
