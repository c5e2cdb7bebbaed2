import type { CompiledCascade } from './compiled-cascade.js';
import { stump6, stump6x2, stump8, stump8x2, stump9, stump9x2, stumpAny } from './stump-kernels.js';
import type { StagePlan, StumpPlan } from './stump-plan.js';

/** The integral images of one pyramid level and the corner offsets rebased to its stride. */
export interface ScaleLevel {
  sum: Int32Array;
  sqsum: Int32Array;
  /** Tilted integral, only when the cascade has tilted features. */
  tilted: Int32Array | undefined;
  stride: number;
  /** Window positions: x in [0, cols), y in [0, rows). */
  cols: number;
  rows: number;
  step: number;
  offsets: Int32Array;
  /** Exact stump cascades: the evaluation plan and its corner offsets for this stride. */
  plan?: StumpPlan | undefined;
  planOffsets?: Int32Array | undefined;
  /** Buffers reused across levels. */
  scratch: ScanScratch;
}

/** Scan buffers, grown on demand and shared by the levels of one detection. */
export class ScanScratch {
  rowPos = new Int32Array(0);
  rowNorm = new Float64Array(0);
  rowAcc = new Float64Array(0);
  rowLive = new Int32Array(0);
  rowLiveNorm = new Float64Array(0);
  rowState = new Uint8Array(0);
  pos = new Int32Array(0);
  norm = new Float64Array(0);
  acc = new Float64Array(0);
  ensure(row: number, level: number): void {
    if (this.rowPos.length < row) {
      this.rowPos = new Int32Array(row);
      this.rowNorm = new Float64Array(row);
      this.rowAcc = new Float64Array(row);
      this.rowLive = new Int32Array(row);
      this.rowLiveNorm = new Float64Array(row);
      this.rowState = new Uint8Array(row);
    }
    if (this.pos.length < level) {
      this.pos = new Int32Array(level);
      this.norm = new Float64Array(level);
      this.acc = new Float64Array(level);
    }
  }
}

/**
 * Slides the base window over one pyramid level, as OpenCV's CPU path does: step `step` in x and y,
 * one more step after a window rejected by the first stage, and variance normalisation over the
 * window shrunk by one pixel on each side (flat windows, std <= 10 gray levels, are skipped).
 * Pushes the top-left corner (level pixels) of every window that passes all stages.
 */
export function scanLevel(cc: CompiledCascade, level: ScaleLevel, hitsX: number[], hitsY: number[]): void {
  if (level.plan) {
    scanLevelPlan(level.plan, cc, level, hitsX, hitsY);
    return;
  }
  if (cc.stumps) {
    scanLevelStumps(cc, level, hitsX, hitsY);
    return;
  }
  const { stride, cols, rows, step } = level;
  const norm = new Float64Array(1);
  const pos = new Int32Array(1);
  for (let y = 0; y < rows; y += step) {
    for (let x = 0; x < cols; x += step) {
      pos[0] = y * stride + x;
      // Flat windows are skipped without the extra step, as in OpenCV.
      if (normFactors(cc, level, pos, norm, 1) === 0) continue;
      const stage = runTrees(cc, level, pos[0], norm[0]!);
      if (stage === cc.stageCount) {
        hitsX.push(x);
        hitsY.push(y);
      } else if (stage === 0) {
        x += step;
      }
    }
  }
}

/** Corner offsets and area of the variance window: the base window less a 1-pixel border. */
interface VarianceWindow {
  n0: number;
  n1: number;
  n2: number;
  n3: number;
  area: number;
}

function varianceWindow(cc: CompiledCascade, stride: number): VarianceWindow {
  return {
    n0: stride + 1,
    n1: stride + cc.width - 1,
    n2: (cc.height - 1) * stride + 1,
    n3: (cc.height - 1) * stride + cc.width - 1,
    area: (cc.width - 2) * (cc.height - 2),
  };
}

/**
 * The window at `p`'s normalisation factor 1/sqrt(area^2 * variance) in float32, or 0 when OpenCV
 * skips it as flat (std of 10 gray levels or less). Sums wrap in int32 exactly as OpenCV's do.
 */
function windowNorm(S: Int32Array, Q: Int32Array, p: number, w: VarianceWindow): number {
  const valsum = (S[p + w.n0]! - S[p + w.n1]! - S[p + w.n2]! + S[p + w.n3]!) | 0;
  const valsq = ((Q[p + w.n0]! - Q[p + w.n1]! - Q[p + w.n2]! + Q[p + w.n3]!) | 0) >>> 0;
  const nf = w.area * valsq - valsum * valsum;
  if (!(nf > 0)) return 0;
  const f = Math.fround(1 / Math.sqrt(nf));
  return w.area * f < 0.1 ? f : 0;
}

/**
 * Variance normalisation of the windows at `pos[0..m)` over the window less a 1-pixel border:
 * writes 1/sqrt(area^2 * variance) (float32) to `norm`, or 0 for windows OpenCV skips as flat
 * (std of 10 gray levels or less). Returns how many windows are not flat.
 */
function normFactors(cc: CompiledCascade, level: ScaleLevel, pos: Int32Array, norm: Float64Array, m: number): number {
  const { sum: S, sqsum: Q, stride } = level;
  const w = varianceWindow(cc, stride);
  let live = 0;
  for (let i = 0; i < m; i++) {
    const f = windowNorm(S, Q, pos[i]!, w);
    norm[i] = f;
    if (f !== 0) live++;
  }
  return live;
}

/**
 * Exact stump cascades (see {@link StumpPlan}), one stage at a time over every window still alive,
 * as {@link scanLevelStumps} does, with the plan's merged corners and unrolled kernels. The first
 * stage runs on each row's non-flat windows; OpenCV's walk is then replayed on its results, so the
 * hits are exactly OpenCV's, in its order.
 */
function scanLevelPlan(plan: StumpPlan, cc: CompiledCascade, level: ScaleLevel, hitsX: number[], hitsY: number[]): void {
  const { sum: S, sqsum: Q, stride, cols, rows, step } = level;
  const perRow = Math.ceil(cols / step);
  const b = level.scratch;
  b.ensure(perRow, Math.ceil(rows / step) * perRow);
  const { rowNorm, rowAcc, rowLive, rowLiveNorm, rowState, pos, norm, acc } = b;
  const w = varianceWindow(cc, stride);
  let m = 0;
  for (let y = 0; y < rows; y += step) {
    const base = y * stride;
    // Normalisation factors of the row's windows; the non-flat ones go to the first stage.
    let live = 0;
    for (let j = 0, p = base; j < perRow; j++, p += step) {
      const f = windowNorm(S, Q, p, w);
      rowNorm[j] = f;
      rowState[j] = f === 0 ? FLAT : REJECTED;
      if (f !== 0) {
        rowLive[live] = p;
        rowLiveNorm[live++] = f;
      }
    }
    if (live === 0) continue;
    const passed = runPlanStage(plan.stages[0]!, plan, level, rowLive, rowLiveNorm, rowAcc, live);
    for (let i = 0; i < passed; i++) rowState[step === 1 ? rowLive[i]! - base : (rowLive[i]! - base) >> 1] = PASSED;
    // OpenCV's walk: a flat window is passed over; after one the first stage rejects, the next is not tried.
    for (let j = 0; j < perRow; j++) {
      const state = rowState[j];
      if (state === FLAT) continue;
      if (state === REJECTED) {
        j++;
        continue;
      }
      pos[m] = base + j * step;
      norm[m] = rowNorm[j]!;
      m++;
    }
  }
  for (let s = 1; s < plan.stages.length && m > 0; s++) m = runPlanStage(plan.stages[s]!, plan, level, pos, norm, acc, m);
  for (let i = 0; i < m; i++) {
    const y = Math.floor(pos[i]! / stride);
    hitsX.push(pos[i]! - y * stride);
    hitsY.push(y);
  }
}

/** First-stage outcome of a row's windows (rowState). */
const FLAT = 0;
const REJECTED = 1;
const PASSED = 2;

/**
 * One stage of the plan over the windows at `pos[0..m)`: keeps (in order, in `pos` and `norm`) the
 * windows whose stage sum reaches the threshold and returns how many.
 */
function runPlanStage(stage: StagePlan, plan: StumpPlan, level: ScaleLevel, pos: Int32Array, norm: Float64Array, acc: Float64Array, m: number): number {
  acc.fill(0, 0, m);
  const O = level.planOffsets!;
  for (const grp of stage.groups) {
    const S = grp.tilted ? level.tilted! : level.sum;
    let k = grp.start;
    const end = grp.end;
    switch (grp.form) {
      case 6:
        for (; k + 1 < end; k += 2) stump6x2(S, O, plan, k, pos, norm, acc, m);
        if (k < end) stump6(S, O, plan, k, pos, norm, acc, m);
        break;
      case 8:
        for (; k + 1 < end; k += 2) stump8x2(S, O, plan, k, pos, norm, acc, m);
        if (k < end) stump8(S, O, plan, k, pos, norm, acc, m);
        break;
      case 9:
        for (; k + 1 < end; k += 2) stump9x2(S, O, plan, k, pos, norm, acc, m);
        if (k < end) stump9(S, O, plan, k, pos, norm, acc, m);
        break;
      default:
        for (; k < end; k++) stumpAny(S, O, plan, k, pos, norm, acc, m);
    }
  }
  const t = stage.threshold;
  let n = 0;
  for (let i = 0; i < m; i++) {
    if (acc[i]! < t) continue;
    pos[n] = pos[i]!;
    norm[n] = norm[i]!;
    n++;
  }
  return n;
}

/**
 * Stump cascades with fractional weights, one stage at a time over every window still alive: the
 * loops over windows keep a stump's offsets and weights in registers and walk the integral image
 * in order, which is several times faster in JS than one window at a time. The first stage runs row by row, then
 * OpenCV's walk is replayed on its results (a flat window is passed over; after a window the first
 * stage rejects, the next one is not tried), so the windows it skips never reach later stages and
 * the hits are exactly OpenCV's, in its order. Later stages run over the whole level's survivors at
 * once, so a stump's set-up is paid once per level, not once per row.
 */
function scanLevelStumps(cc: CompiledCascade, level: ScaleLevel, hitsX: number[], hitsY: number[]): void {
  const { stride, cols, rows, step } = level;
  const perRow = Math.ceil(cols / step);
  const b = level.scratch;
  b.ensure(perRow, Math.ceil(rows / step) * perRow);
  const { rowPos, rowNorm, rowAcc, pos, norm, acc } = b;
  const stage0 = cc.stageThreshold[0]!;
  let m = 0;
  for (let y = 0; y < rows; y += step) {
    for (let j = 0; j < perRow; j++) rowPos[j] = y * stride + j * step;
    if (normFactors(cc, level, rowPos, rowNorm, perRow) === 0) continue;
    runStage(cc, level, 0, rowPos, rowNorm, rowAcc, perRow);
    for (let j = 0; j < perRow; j++) {
      if (rowNorm[j] === 0) continue;
      if (rowAcc[j]! < stage0) {
        j++;
        continue;
      }
      pos[m] = rowPos[j]!;
      norm[m] = rowNorm[j]!;
      m++;
    }
  }
  for (let s = 1; s < cc.stageCount && m > 0; s++) {
    runStage(cc, level, s, pos, norm, acc, m);
    const t = cc.stageThreshold[s]!;
    let k = 0;
    for (let i = 0; i < m; i++) {
      if (acc[i]! < t) continue;
      pos[k] = pos[i]!;
      norm[k] = norm[i]!;
      k++;
    }
    m = k;
  }
  for (let i = 0; i < m; i++) {
    const y = Math.floor(pos[i]! / stride);
    hitsX.push(pos[i]! - y * stride);
    hitsY.push(y);
  }
}

/**
 * Stage `s` sums of the windows at `pos[0..m)` for cascades with fractional weights. Feature
 * values are float32 exactly as OpenCV computes them (weight * rect sum, rounded, summed, times
 * the window's normalisation factor); the stage sum is a double, as in OpenCV.
 */
function runStage(cc: CompiledCascade, level: ScaleLevel, s: number, pos: Int32Array, norm: Float64Array, acc: Float64Array, m: number): void {
  acc.fill(0, 0, m);
  const end = cc.stageStart[s + 1]!;
  const F = cc.stumpData;
  for (let k = cc.stageStart[s]!; k < end; k++) {
    const S = cc.tilted[k] === 1 ? level.tilted! : level.sum;
    roundedStump(F, level.offsets, S, k, pos, norm, acc, m);
  }
}

/** One stump over m windows with OpenCV's float32 roundings at every step (non-integer weights). */
function roundedStump(F: Float64Array, O: Int32Array, S: Int32Array, k: number, pos: Int32Array, norm: Float64Array, acc: Float64Array, m: number): void {
  const f32 = Math.fround;
  const o = k * 12;
  const f = k * 8;
  const w0 = F[f]!, w1 = F[f + 1]!, w2 = F[f + 2]!, thr = F[f + 3]!, left = F[f + 4]!, right = F[f + 5]!;
  for (let i = 0; i < m; i++) {
    const p = pos[i]!;
    let v = f32(f32(w0 * ((S[p + O[o]!]! - S[p + O[o + 1]!]! - S[p + O[o + 2]!]! + S[p + O[o + 3]!]!) | 0)) + f32(w1 * ((S[p + O[o + 4]!]! - S[p + O[o + 5]!]! - S[p + O[o + 6]!]! + S[p + O[o + 7]!]!) | 0)));
    if (w2 !== 0) v = f32(v + f32(w2 * ((S[p + O[o + 8]!]! - S[p + O[o + 9]!]! - S[p + O[o + 10]!]! + S[p + O[o + 11]!]!) | 0)));
    acc[i]! += f32(v * norm[i]!) < thr ? left : right;
  }
}

/** Any tree depth, tilted features: the general (slower) path. */
function runTrees(cc: CompiledCascade, level: ScaleLevel, p: number, norm: number): number {
  const S = level.sum;
  const T = level.tilted ?? S;
  const O = level.offsets;
  const { nodeThreshold, nodeLeft, nodeRight, weight: W, leaves, treeLeaf, treeStart, stageTree, tilted } = cc;
  for (let s = 0; s < cc.stageCount; s++) {
    let acc = 0;
    const end = stageTree[s + 1]!;
    for (let t = stageTree[s]!; t < end; t++) {
      const root = treeStart[t]!;
      let idx = 0;
      do {
        const k = root + idx;
        const src = tilted[k] === 1 ? T : S;
        const o = k * 12;
        const b = k * 3;
        let v = Math.fround(W[b]! * ((src[p + O[o]!]! - src[p + O[o + 1]!]! - src[p + O[o + 2]!]! + src[p + O[o + 3]!]!) | 0));
        v = Math.fround(v + Math.fround(W[b + 1]! * ((src[p + O[o + 4]!]! - src[p + O[o + 5]!]! - src[p + O[o + 6]!]! + src[p + O[o + 7]!]!) | 0)));
        const w2 = W[b + 2]!;
        if (w2 !== 0) v = Math.fround(v + Math.fround(w2 * ((src[p + O[o + 8]!]! - src[p + O[o + 9]!]! - src[p + O[o + 10]!]! + src[p + O[o + 11]!]!) | 0)));
        idx = Math.fround(v * norm) < nodeThreshold[k]! ? nodeLeft[k]! : nodeRight[k]!;
      } while (idx > 0);
      acc += leaves[treeLeaf[t]! - idx]!;
    }
    if (acc < cc.stageThreshold[s]!) return s;
  }
  return cc.stageCount;
}
