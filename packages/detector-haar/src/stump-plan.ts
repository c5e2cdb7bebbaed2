import type { CompiledCascade } from './compiled-cascade.js';

/**
 * How the scan evaluates a stump cascade whose arithmetic is exact (`exactSums`): each feature's
 * rects merged into distinct integral-image corners with integer coefficients, and put in one of
 * three forms with unrolled kernels (see stump-kernels.ts), which read fewer corners and do fewer
 * multiplies than rect by rect:
 *   6: a * (S0 + S1 - S2 - S3) + b * (S4 - S5)        (two rects sharing an edge: 6 corners, not 8)
 *   8: a * (S0 - S1 - S2 + S3) + b * (S4 - S5 - S6 + S7)  (two rects, no shared corner)
 *   9: a * (S0 + S1 + S2 + S3) + b * (S4 + ... + S7) + c * S8  (three rects in a row: 9, not 12)
 * Other shapes use a general loop over the merged corners. When every stage sum is exact in
 * double whatever the order of its additions (see {@link orderFreeSums}), a stage's stumps are
 * grouped by form, so the kernels run in long, paired runs; otherwise they keep the cascade's
 * order (runs of one form pair up as they come).
 */
export interface StumpPlan {
  stages: StagePlan[];
  /** Per plan slot (12 per stump): corner position in the base window and integer coefficient. */
  cornerX: Int32Array;
  cornerY: Int32Array;
  coef: Int32Array;
  /** Per stump, in plan order: the multipliers a, b, c of its form. */
  mult: Int32Array;
  /** Per stump, in plan order: the threshold as a double cut, left leaf and right - left. */
  cut: Float64Array;
  left: Float64Array;
  diff: Float64Array;
}

export interface StagePlan {
  /** float32(threshold) - 1e-5f, as OpenCV compares the stage sum. */
  threshold: number;
  groups: StumpGroup[];
}

/** Plan stumps start .. end, all of one form (6, 8, 9, or 0 for the general loop) on one integral. */
export interface StumpGroup {
  form: number;
  tilted: boolean;
  start: number;
  end: number;
}

/** Plan slots per stump: a 3-rect feature has at most 12 distinct corners. */
export const SLOTS = 12;

export function planStumps(cc: CompiledCascade): StumpPlan | undefined {
  if (!cc.stumps || !cc.exactSums) return undefined;
  const n = cc.stageStart[cc.stageCount]!;
  const plan: StumpPlan = {
    stages: [],
    cornerX: new Int32Array(n * SLOTS),
    cornerY: new Int32Array(n * SLOTS),
    coef: new Int32Array(n * SLOTS),
    mult: new Int32Array(n * 3),
    cut: new Float64Array(n),
    left: new Float64Array(n),
    diff: new Float64Array(n),
  };
  const reorder = orderFreeSums(cc);
  const forms: FeatureForm[] = [];
  for (let k = 0; k < n; k++) forms.push(featureForm(cc, k));
  const kindOf = (k: number) => forms[k]!.form + (cc.tilted[k] ? 100 : 0);
  let slot = 0;
  for (let s = 0; s < cc.stageCount; s++) {
    const nodes: number[] = [];
    for (let k = cc.stageStart[s]!; k < cc.stageStart[s + 1]!; k++) nodes.push(k);
    if (reorder) nodes.sort((x, y) => kindOf(x) - kindOf(y) || x - y);
    const groups: StumpGroup[] = [];
    for (const k of nodes) {
      const f = forms[k]!;
      f.corners.forEach(([x, y, w], j) => {
        plan.cornerX[slot * SLOTS + j] = x;
        plan.cornerY[slot * SLOTS + j] = y;
        plan.coef[slot * SLOTS + j] = w;
      });
      plan.mult.set(f.mult, slot * 3);
      plan.cut[slot] = cc.stumpData[k * 8 + 6]!;
      plan.left[slot] = cc.stumpData[k * 8 + 4]!;
      plan.diff[slot] = cc.stumpData[k * 8 + 7]!;
      const last = groups.at(-1);
      if (last && last.form === f.form && last.tilted === (cc.tilted[k] === 1)) last.end = slot + 1;
      else groups.push({ form: f.form, tilted: cc.tilted[k] === 1, start: slot, end: slot + 1 });
      slot++;
    }
    plan.stages.push({ threshold: cc.stageThreshold[s]!, groups });
  }
  return plan;
}

type Corner = [x: number, y: number, coef: number];

interface FeatureForm {
  form: number;
  /** In the form's slot order; coefficients are kept for the general loop. */
  corners: Corner[];
  mult: number[];
}

/** A feature in the first form that fits it (see {@link StumpPlan}), else the general one (form 0). */
function featureForm(cc: CompiledCascade, k: number): FeatureForm {
  const c = mergeCorners(cc, k);
  const by = (pred: (v: number) => boolean) => c.filter((x) => pred(x[2]));
  if (c.length === 6) {
    // Four corners with +-a (two of each sign) and two with +-b.
    const mags = [...new Set(c.map((x) => Math.abs(x[2])))];
    for (const a of mags) {
      const pa = by((v) => v === a);
      const na = by((v) => v === -a);
      const rest = by((v) => Math.abs(v) !== a);
      if (pa.length === 2 && na.length === 2 && rest.length === 2) {
        const b = Math.max(rest[0]![2], rest[1]![2]);
        if (rest[0]![2] + rest[1]![2] === 0) return { form: 6, corners: [...pa, ...na, ...rest.sort((x, y) => y[2] - x[2])], mult: [a, b, 0] };
      }
    }
  }
  if (c.length === 9) {
    // Two groups of four corners with one coefficient each, and one corner.
    const vals = [...new Set(c.map((x) => x[2]))];
    const fours = vals.filter((v) => by((w) => w === v).length === 4);
    const one = vals.filter((v) => by((w) => w === v).length === 1);
    if (fours.length === 2 && one.length === 1) {
      return { form: 9, corners: [...by((v) => v === fours[0]), ...by((v) => v === fours[1]), ...by((v) => v === one[0])], mult: [fours[0]!, fours[1]!, one[0]!] };
    }
  }
  if (c.length === 8 && cc.weight[k * 3 + 2] === 0) {
    // Two rects with no corner in common: the rects' own corners, p0 - p1 - p2 + p3 each.
    const rects = [0, 1].map((r) => rectCorners(cc, k, r));
    return { form: 8, corners: [...rects[0]!, ...rects[1]!].map(([x, y]) => [x, y, 0]), mult: [cc.weight[k * 3]!, cc.weight[k * 3 + 1]!, 0] };
  }
  return { form: 0, corners: c, mult: [0, 0, 0] };
}

/** Corners p0, p1, p2, p3 of rect r of node k (a rect sums as p0 - p1 - p2 + p3), as cornerOffsets. */
function rectCorners(cc: CompiledCascade, k: number, r: number): [number, number][] {
  const [x, y, w, h] = [0, 1, 2, 3].map((i) => cc.rect[k * 12 + r * 4 + i]!) as [number, number, number, number];
  return cc.tilted[k]
    ? [[x, y], [x - h, y + h], [x + w, y + w], [x + w - h, y + w + h]]
    : [[x, y], [x + w, y], [x, y + h], [x + w, y + h]];
}

/**
 * A feature's rects as distinct corners with summed integer coefficients (corners that cancel are
 * dropped): sum(weight * rect sum) = sum(coef * integral at corner), the same integer.
 */
function mergeCorners(cc: CompiledCascade, k: number): Corner[] {
  const byPos = new Map<string, Corner>();
  const add = (x: number, y: number, w: number) => {
    const key = `${x},${y}`;
    const c = byPos.get(key);
    if (c) c[2] += w;
    else byPos.set(key, [x, y, w]);
  };
  for (let r = 0; r < 3; r++) {
    const w = cc.weight[k * 3 + r]!;
    if (w === 0) continue;
    rectCorners(cc, k, r).forEach(([cx, cy], j) => add(cx, cy, j === 0 || j === 3 ? w : -w));
  }
  return [...byPos.values()].filter((c) => c[2] !== 0);
}

/**
 * True when every stage sum, whatever the order of its additions, is exact in double: all leaves
 * are multiples of 2^-e and the largest possible |sum| times 2^e stays below 2^53. Then OpenCV's
 * sum (in its order) equals ours (in any order). True for haarcascade_frontalface_default
 * (multiples of 2^-38, |sum| < 207).
 */
export function orderFreeSums(cc: CompiledCascade): boolean {
  let e = 0;
  for (const v of cc.leaves) {
    while (!Number.isInteger(v * 2 ** e)) if (++e > 60) return false;
  }
  for (let s = 0; s < cc.stageCount; s++) {
    let bound = 0;
    for (let k = cc.stageStart[s]!; k < cc.stageStart[s + 1]!; k++) bound += Math.max(Math.abs(cc.leaves[2 * k]!), Math.abs(cc.leaves[2 * k + 1]!));
    if (bound * 2 ** e >= 2 ** 53) return false;
  }
  return true;
}

/** The plan's corner offsets for an integral image of `stride`. */
export function planOffsets(plan: StumpPlan, stride: number, out = new Int32Array(plan.cornerX.length)): Int32Array {
  const { cornerX, cornerY } = plan;
  for (let i = 0; i < cornerX.length; i++) out[i] = cornerY[i]! * stride + cornerX[i]!;
  return out;
}
