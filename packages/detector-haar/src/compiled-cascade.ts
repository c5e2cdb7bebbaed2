import type { HaarCascade } from './cascade-types.js';

/**
 * A cascade flattened into typed arrays for the scan loop. Every weak classifier carries its own
 * copy of its feature (corner offsets are per image stride, so they are rebased per scale).
 */
export interface CompiledCascade {
  readonly width: number;
  readonly height: number;
  readonly stageCount: number;
  /** Node range of stage s: stageStart[s] .. stageStart[s + 1]. */
  readonly stageStart: Int32Array;
  /** Stage thresholds as OpenCV uses them: float32(threshold) - 1e-5f, in float32. */
  readonly stageThreshold: Float64Array;
  /** Per node: threshold, children (`<= 0`: leaf -child of this tree) and tree-local leaf base. */
  readonly nodeThreshold: Float64Array;
  readonly nodeLeft: Int32Array;
  readonly nodeRight: Int32Array;
  /** Per tree (as a node index range): the first node and the first leaf. */
  readonly treeStart: Int32Array;
  readonly treeLeaf: Int32Array;
  /** Tree range of stage s: stageTree[s] .. stageTree[s + 1]. */
  readonly stageTree: Int32Array;
  readonly leaves: Float64Array;
  /** True when every tree is one node (a stump): the scan takes a faster path. */
  readonly stumps: boolean;
  /** Per node: three rects as x, y, w, h (12 numbers) and three float32 weights (0 when absent). */
  readonly rect: Int32Array;
  readonly weight: Float64Array;
  readonly tilted: Uint8Array;
  readonly hasTilted: boolean;
  /**
   * Stump cascades: per node w0, w1, w2, threshold, left leaf, right leaf, the threshold as a
   * double cut (see {@link floatBelowCut}) and right - left: 8 numbers, together for locality.
   */
  readonly stumpData: Float64Array;
  /**
   * True when every weight is an integer and no feature sum can reach 2^24 (float32 sums are then
   * exact, so the scan can skip the float32 roundings OpenCV's arithmetic would do and get the same
   * bits), and every stump's leaves are exactly left and left + (right - left).
   */
  readonly exactSums: boolean;
}

const f32 = Math.fround;

export function compileCascade(c: HaarCascade): CompiledCascade {
  const nodeCount = c.stages.reduce((n, s) => n + s.trees.reduce((m, t) => m + t.nodes.length, 0), 0);
  const treeCount = c.stages.reduce((n, s) => n + s.trees.length, 0);
  const leafCount = c.stages.reduce((n, s) => n + s.trees.reduce((m, t) => m + t.leaves.length, 0), 0);
  const stageStart = new Int32Array(c.stages.length + 1);
  const stageTree = new Int32Array(c.stages.length + 1);
  const stageThreshold = new Float64Array(c.stages.length);
  const nodeThreshold = new Float64Array(nodeCount);
  const nodeLeft = new Int32Array(nodeCount);
  const nodeRight = new Int32Array(nodeCount);
  const treeStart = new Int32Array(treeCount + 1);
  const treeLeaf = new Int32Array(treeCount);
  const leaves = new Float64Array(leafCount);
  const rect = new Int32Array(nodeCount * 12);
  const weight = new Float64Array(nodeCount * 3);
  const tilted = new Uint8Array(nodeCount);
  let n = 0;
  let t = 0;
  let l = 0;
  let stumps = true;
  c.stages.forEach((s, si) => {
    stageStart[si] = n;
    stageTree[si] = t;
    // OpenCV lowers every stage threshold by 1e-5 (THRESHOLD_EPS) in float.
    stageThreshold[si] = f32(f32(s.threshold) - f32(1e-5));
    for (const tree of s.trees) {
      // OpenCV's stump path reads leaves 0 and 1 whatever the child indices say; so do we.
      if (tree.nodes.length !== 1 || tree.leaves.length !== 2) stumps = false;
      treeStart[t] = n;
      treeLeaf[t] = l;
      for (const node of tree.nodes) {
        nodeThreshold[n] = f32(node.threshold);
        nodeLeft[n] = node.left;
        nodeRight[n] = node.right;
        const feature = c.features[node.featureIndex]!;
        tilted[n] = feature.tilted ? 1 : 0;
        feature.rects.forEach((r, k) => {
          rect.set([r.x, r.y, r.width, r.height], n * 12 + k * 4);
          weight[n * 3 + k] = f32(r.weight);
        });
        n++;
      }
      for (const v of tree.leaves) leaves[l++] = f32(v);
      t++;
    }
  });
  stageStart[c.stages.length] = n;
  stageTree[c.stages.length] = t;
  treeStart[t] = n;
  const stumpData = new Float64Array(stumps ? nodeCount * 8 : 0);
  let exactLeaves = stumps;
  if (stumps) {
    for (let k = 0; k < nodeCount; k++) {
      const left = leaves[2 * k]!;
      const right = leaves[2 * k + 1]!;
      const diff = right - left;
      // The scan adds left + diff * (0 or 1): that must give the leaves bit for bit.
      if (left + diff !== right || right - diff !== left) exactLeaves = false;
      stumpData.set([weight[3 * k]!, weight[3 * k + 1]!, weight[3 * k + 2]!, nodeThreshold[k]!, left, right, floatBelowCut(nodeThreshold[k]!), diff], 8 * k);
    }
  }
  const exactSums = exactLeaves && c.features.every(
    (f) => f.rects.every((r) => Number.isInteger(r.weight)) && f.rects.reduce((n, r) => n + Math.abs(r.weight) * r.width * r.height * 255, 0) < 2 ** 24,
  );
  return {
    exactSums,
    stumpData,
    width: c.width,
    height: c.height,
    stageCount: c.stages.length,
    stageStart,
    stageThreshold,
    nodeThreshold,
    nodeLeft,
    nodeRight,
    treeStart,
    treeLeaf,
    stageTree,
    leaves,
    stumps,
    rect,
    weight,
    tilted,
    hasTilted: tilted.some((v) => v === 1),
  };
}

/**
 * Corner offsets of every node's rects for an integral image of `stride`: four per rect,
 * upright (x,y), (x+w,y), (x,y+h), (x+w,y+h) or tilted (x,y), (x-h,y+h), (x+w,y+w), (x+w-h,y+w+h),
 * so a rect sums as p0 - p1 - p2 + p3 either way.
 */
export function cornerOffsets(cc: CompiledCascade, stride: number, out = new Int32Array(cc.rect.length)): Int32Array {
  const r = cc.rect;
  for (let k = 0; k < r.length; k += 4) {
    const x = r[k]!;
    const y = r[k + 1]!;
    const w = r[k + 2]!;
    const h = r[k + 3]!;
    if (cc.tilted[(k / 12) | 0]) {
      out[k] = y * stride + x;
      out[k + 1] = (y + h) * stride + x - h;
      out[k + 2] = (y + w) * stride + x + w;
      out[k + 3] = (y + w + h) * stride + x + w - h;
    } else {
      out[k] = y * stride + x;
      out[k + 1] = y * stride + x + w;
      out[k + 2] = (y + h) * stride + x;
      out[k + 3] = (y + h) * stride + x + w;
    }
  }
  return out;
}

/**
 * For a float32 threshold t: the double `cut` such that, for any double x whose float32 rounding
 * is exact to compute (x = integer * float32, at most 48 significant bits), float32(x) < t exactly
 * when x < cut. Values between t's float32 neighbour below and t round to one or the other; the
 * midpoint itself rounds to the even one, which decides whether the cut sits on it or just above.
 */
export function floatBelowCut(t: number): number {
  const mid = (nextFloatDown(t) + t) / 2;
  return Math.fround(mid) < t ? nextDoubleUp(mid) : mid;
}

function nextDoubleUp(v: number): number {
  const f = new Float64Array([v]);
  const i = new BigInt64Array(f.buffer);
  if (v === 0) return Number.MIN_VALUE;
  i[0] = v > 0 ? i[0]! + 1n : i[0]! - 1n;
  return f[0]!;
}

function nextFloatDown(t: number): number {
  const f = new Float32Array([t]);
  const i = new Int32Array(f.buffer);
  if (t === 0) return -(2 ** -149);
  i[0] = t > 0 ? i[0]! - 1 : i[0]! + 1;
  return f[0]!;
}
