// AssemblyScript source of the WebAssembly stump scan (see src/scan-wasm.ts), compiled by
// scripts/build-wasm.mjs into src/wasm/cascade-wasm.ts. It is scanLevelPlan of src/scan-scale.ts with
// the kernels of src/stump-kernels.ts, operation for operation: feature values in wrapping i32, the
// variance factor, the comparison with the cut and the leaf additions in f64 in the same order, so
// the hits are bit-identical to the JS path (and to OpenCV's). Differences in how, not what: the
// first three stages run on a row's windows with SIMD (denseStage; OpenCV's walk is replayed on
// their results), later stages band by band on the survivors, four at a time (sparseStage, SIMD
// with gathered corners); the pyramid's resize and integrals are here too.
//
// Memory is laid out by the JS side; every pointer below is a byte address in this module's memory.
// Plan corner offsets are byte offsets that already include the base address of the integral the
// stump reads (sum or tilted), and window positions are byte offsets (4 * element index), so a
// corner's address is position + offset.

// Plan, set by setPlan.
let gOffs: usize = 0; // i32 per slot, 12 slots per stump
let gMult: usize = 0; // i32, 3 per stump
let gCut: usize = 0; // f64 per stump
let gLeft: usize = 0;
let gDiff: usize = 0;
let gStageThr: usize = 0; // f64 per stage
let gStageGroup: usize = 0; // i32 per stage + 1: first group of the stage
let gGroups: usize = 0; // i32 x3 per group: form, start, end
let gStageCount: i32 = 0;
// Scratch, set by setScratch.
let gRowNorm: usize = 0; // f64 per window of a row
let gRowAcc: usize = 0; // f64
let gRowState: usize = 0; // u8
let gPos: usize = 0; // i32 per window of a level
let gNorm: usize = 0; // f64
let gAcc: usize = 0; // f64
let gOut: usize = 0; // i32 per hit
/** Rows of windows per band (later stages run band by band). */
const gBand: i32 = 8;
/** Survivors from which a later stage runs four at a time (sparseStage), else one at a time (runStage). */
const gSparseSimd: i32 = 4;

const SLOTS: i32 = 12;
const FLAT: u8 = 0;
const REJECTED: u8 = 1;
const PASSED: u8 = 2;
/** Passed stage 0, failed a later dense stage. */
const DEAD: u8 = 3;

export function setPlan(offs: usize, mult: usize, cut: usize, left: usize, diff: usize, stageThr: usize, stageGroup: usize, groups: usize, stageCount: i32): void {
  gOffs = offs;
  gMult = mult;
  gCut = cut;
  gLeft = left;
  gDiff = diff;
  gStageThr = stageThr;
  gStageGroup = stageGroup;
  gGroups = groups;
  gStageCount = stageCount;
}

export function setScratch(rowNorm: usize, rowAcc: usize, rowState: usize, pos: usize, norm: usize, acc: usize, out: usize): void {
  gOut = out;
  gRowNorm = rowNorm;
  gRowAcc = rowAcc;
  gRowState = rowState;
  gPos = pos;
  gNorm = norm;
  gAcc = acc;
}

@inline function ld(a: usize): i32 {
  return load<i32>(a);
}
@inline function off(k: i32, j: i32): usize {
  return <usize>load<i32>(gOffs + ((<usize>(k * SLOTS + j)) << 2));
}
@inline function mul(k: i32, j: i32): i32 {
  return load<i32>(gMult + ((<usize>(k * 3 + j)) << 2));
}
@inline function f64at(base: usize, k: i32): f64 {
  return load<f64>(base + ((<usize>k) << 3));
}
@inline function leaf(left: f64, diff: f64, v: i32, f: f64, cut: f64): f64 {
  return left + diff * <f64>(<f64>v * f >= cut);
}

function stump6(k: i32, pos: usize, norm: usize, acc: usize, m: i32): void {
  const o0 = off(k, 0), o1 = off(k, 1), o2 = off(k, 2), o3 = off(k, 3), o4 = off(k, 4), o5 = off(k, 5);
  const ma = mul(k, 0), mb = mul(k, 1);
  const cut = f64at(gCut, k), left = f64at(gLeft, k), diff = f64at(gDiff, k);
  for (let i = 0; i < m; i++) {
    const p = <usize>load<i32>(pos + ((<usize>i) << 2));
    const v = ma * (ld(p + o0) + ld(p + o1) - ld(p + o2) - ld(p + o3)) + mb * (ld(p + o4) - ld(p + o5));
    const a = acc + ((<usize>i) << 3);
    store<f64>(a, load<f64>(a) + leaf(left, diff, v, load<f64>(norm + ((<usize>i) << 3)), cut));
  }
}

function stump6x2(k: i32, pos: usize, norm: usize, acc: usize, m: i32): void {
  const o0 = off(k, 0), o1 = off(k, 1), o2 = off(k, 2), o3 = off(k, 3), o4 = off(k, 4), o5 = off(k, 5);
  const q0 = off(k + 1, 0), q1 = off(k + 1, 1), q2 = off(k + 1, 2), q3 = off(k + 1, 3), q4 = off(k + 1, 4), q5 = off(k + 1, 5);
  const ma = mul(k, 0), mb = mul(k, 1), na = mul(k + 1, 0), nb = mul(k + 1, 1);
  const cut = f64at(gCut, k), left = f64at(gLeft, k), diff = f64at(gDiff, k);
  const cut2 = f64at(gCut, k + 1), left2 = f64at(gLeft, k + 1), diff2 = f64at(gDiff, k + 1);
  for (let i = 0; i < m; i++) {
    const p = <usize>load<i32>(pos + ((<usize>i) << 2));
    const f = load<f64>(norm + ((<usize>i) << 3));
    const v = ma * (ld(p + o0) + ld(p + o1) - ld(p + o2) - ld(p + o3)) + mb * (ld(p + o4) - ld(p + o5));
    const w = na * (ld(p + q0) + ld(p + q1) - ld(p + q2) - ld(p + q3)) + nb * (ld(p + q4) - ld(p + q5));
    const a = acc + ((<usize>i) << 3);
    store<f64>(a, load<f64>(a) + leaf(left, diff, v, f, cut) + leaf(left2, diff2, w, f, cut2));
  }
}

function stump8(k: i32, pos: usize, norm: usize, acc: usize, m: i32): void {
  const o0 = off(k, 0), o1 = off(k, 1), o2 = off(k, 2), o3 = off(k, 3), o4 = off(k, 4), o5 = off(k, 5), o6 = off(k, 6), o7 = off(k, 7);
  const ma = mul(k, 0), mb = mul(k, 1);
  const cut = f64at(gCut, k), left = f64at(gLeft, k), diff = f64at(gDiff, k);
  for (let i = 0; i < m; i++) {
    const p = <usize>load<i32>(pos + ((<usize>i) << 2));
    const v = ma * (ld(p + o0) - ld(p + o1) - ld(p + o2) + ld(p + o3)) + mb * (ld(p + o4) - ld(p + o5) - ld(p + o6) + ld(p + o7));
    const a = acc + ((<usize>i) << 3);
    store<f64>(a, load<f64>(a) + leaf(left, diff, v, load<f64>(norm + ((<usize>i) << 3)), cut));
  }
}

function stump8x2(k: i32, pos: usize, norm: usize, acc: usize, m: i32): void {
  const o0 = off(k, 0), o1 = off(k, 1), o2 = off(k, 2), o3 = off(k, 3), o4 = off(k, 4), o5 = off(k, 5), o6 = off(k, 6), o7 = off(k, 7);
  const q0 = off(k + 1, 0), q1 = off(k + 1, 1), q2 = off(k + 1, 2), q3 = off(k + 1, 3), q4 = off(k + 1, 4), q5 = off(k + 1, 5), q6 = off(k + 1, 6), q7 = off(k + 1, 7);
  const ma = mul(k, 0), mb = mul(k, 1), na = mul(k + 1, 0), nb = mul(k + 1, 1);
  const cut = f64at(gCut, k), left = f64at(gLeft, k), diff = f64at(gDiff, k);
  const cut2 = f64at(gCut, k + 1), left2 = f64at(gLeft, k + 1), diff2 = f64at(gDiff, k + 1);
  for (let i = 0; i < m; i++) {
    const p = <usize>load<i32>(pos + ((<usize>i) << 2));
    const f = load<f64>(norm + ((<usize>i) << 3));
    const v = ma * (ld(p + o0) - ld(p + o1) - ld(p + o2) + ld(p + o3)) + mb * (ld(p + o4) - ld(p + o5) - ld(p + o6) + ld(p + o7));
    const w = na * (ld(p + q0) - ld(p + q1) - ld(p + q2) + ld(p + q3)) + nb * (ld(p + q4) - ld(p + q5) - ld(p + q6) + ld(p + q7));
    const a = acc + ((<usize>i) << 3);
    store<f64>(a, load<f64>(a) + leaf(left, diff, v, f, cut) + leaf(left2, diff2, w, f, cut2));
  }
}

function stump9(k: i32, pos: usize, norm: usize, acc: usize, m: i32): void {
  const o0 = off(k, 0), o1 = off(k, 1), o2 = off(k, 2), o3 = off(k, 3), o4 = off(k, 4), o5 = off(k, 5), o6 = off(k, 6), o7 = off(k, 7), o8 = off(k, 8);
  const ma = mul(k, 0), mb = mul(k, 1), mc = mul(k, 2);
  const cut = f64at(gCut, k), left = f64at(gLeft, k), diff = f64at(gDiff, k);
  for (let i = 0; i < m; i++) {
    const p = <usize>load<i32>(pos + ((<usize>i) << 2));
    const v = ma * (ld(p + o0) + ld(p + o1) + ld(p + o2) + ld(p + o3)) + mb * (ld(p + o4) + ld(p + o5) + ld(p + o6) + ld(p + o7)) + mc * ld(p + o8);
    const a = acc + ((<usize>i) << 3);
    store<f64>(a, load<f64>(a) + leaf(left, diff, v, load<f64>(norm + ((<usize>i) << 3)), cut));
  }
}

function stump9x2(k: i32, pos: usize, norm: usize, acc: usize, m: i32): void {
  const o0 = off(k, 0), o1 = off(k, 1), o2 = off(k, 2), o3 = off(k, 3), o4 = off(k, 4), o5 = off(k, 5), o6 = off(k, 6), o7 = off(k, 7), o8 = off(k, 8);
  const q0 = off(k + 1, 0), q1 = off(k + 1, 1), q2 = off(k + 1, 2), q3 = off(k + 1, 3), q4 = off(k + 1, 4), q5 = off(k + 1, 5), q6 = off(k + 1, 6), q7 = off(k + 1, 7), q8 = off(k + 1, 8);
  const ma = mul(k, 0), mb = mul(k, 1), mc = mul(k, 2), na = mul(k + 1, 0), nb = mul(k + 1, 1), nc = mul(k + 1, 2);
  const cut = f64at(gCut, k), left = f64at(gLeft, k), diff = f64at(gDiff, k);
  const cut2 = f64at(gCut, k + 1), left2 = f64at(gLeft, k + 1), diff2 = f64at(gDiff, k + 1);
  for (let i = 0; i < m; i++) {
    const p = <usize>load<i32>(pos + ((<usize>i) << 2));
    const f = load<f64>(norm + ((<usize>i) << 3));
    const v = ma * (ld(p + o0) + ld(p + o1) + ld(p + o2) + ld(p + o3)) + mb * (ld(p + o4) + ld(p + o5) + ld(p + o6) + ld(p + o7)) + mc * ld(p + o8);
    const w = na * (ld(p + q0) + ld(p + q1) + ld(p + q2) + ld(p + q3)) + nb * (ld(p + q4) + ld(p + q5) + ld(p + q6) + ld(p + q7)) + nc * ld(p + q8);
    const a = acc + ((<usize>i) << 3);
    store<f64>(a, load<f64>(a) + leaf(left, diff, v, f, cut) + leaf(left2, diff2, w, f, cut2));
  }
}

/** Any corners (up to 12, coefficients in the mult table's place: see setCoef), one stump. */
let gCoef: usize = 0;
export function setCoef(coef: usize): void {
  gCoef = coef;
}

function stumpAny(k: i32, pos: usize, norm: usize, acc: usize, m: i32): void {
  const b = k * SLOTS;
  let n = 0;
  while (n < SLOTS && load<i32>(gCoef + ((<usize>(b + n)) << 2)) != 0) n++;
  const cut = f64at(gCut, k), left = f64at(gLeft, k), diff = f64at(gDiff, k);
  for (let i = 0; i < m; i++) {
    const p = <usize>load<i32>(pos + ((<usize>i) << 2));
    let v: i32 = 0;
    for (let j = 0; j < n; j++) v += load<i32>(gCoef + ((<usize>(b + j)) << 2)) * ld(p + off(k, j));
    const a = acc + ((<usize>i) << 3);
    store<f64>(a, load<f64>(a) + leaf(left, diff, v, load<f64>(norm + ((<usize>i) << 3)), cut));
  }
}

/** Stage s over the windows at pos[0..m): keeps the ones that reach the threshold, returns how many. */
function runStage(s: i32, pos: usize, norm: usize, acc: usize, m: i32): i32 {
  memory.fill(acc, 0, (<usize>m) << 3);
  const g1 = load<i32>(gStageGroup + ((<usize>(s + 1)) << 2));
  for (let g = load<i32>(gStageGroup + ((<usize>s) << 2)); g < g1; g++) {
    const gp = gGroups + (<usize>(g * 3) << 2);
    const form = load<i32>(gp);
    let k = load<i32>(gp, 4);
    const end = load<i32>(gp, 8);
    if (form == 6) {
      for (; k + 1 < end; k += 2) stump6x2(k, pos, norm, acc, m);
      if (k < end) stump6(k, pos, norm, acc, m);
    } else if (form == 8) {
      for (; k + 1 < end; k += 2) stump8x2(k, pos, norm, acc, m);
      if (k < end) stump8(k, pos, norm, acc, m);
    } else if (form == 9) {
      for (; k + 1 < end; k += 2) stump9x2(k, pos, norm, acc, m);
      if (k < end) stump9(k, pos, norm, acc, m);
    } else {
      for (; k < end; k++) stumpAny(k, pos, norm, acc, m);
    }
  }
  const t = f64at(gStageThr, s);
  let n = 0;
  for (let i = 0; i < m; i++) {
    if (load<f64>(acc + ((<usize>i) << 3)) < t) continue;
    store<i32>(pos + ((<usize>n) << 2), load<i32>(pos + ((<usize>i) << 2)));
    store<f64>(norm + ((<usize>n) << 3), load<f64>(norm + ((<usize>i) << 3)));
    n++;
  }
  return n;
}

// ---- Dense SIMD stages: every window of a row, four at a time ------------------------------------
// The first gDense stages run on a row's windows, four adjacent ones per i32x4 (the first stage on
// all of them, flat ones and ones OpenCV skips included: their results are not used; later ones
// on the groups of four that hold a window still alive): their corners are
// adjacent in memory (step 1) or every other value (step 2, one shuffle). The float part is the
// scalar kernels' operations in f64x2 lanes: v * norm >= cut, the leaf (a bitselect), acc + leaf.
const gDense: i32 = 3;

/** Corner values of four windows `step` apart (T: u32 for step 1, u64 for step 2). */
@inline function L4<T>(a: usize): v128 {
  if (sizeof<T>() == 8) return i32x4.shuffle(v128.load(a), v128.load(a, 16), 0, 2, 4, 6);
  return v128.load(a);
}

@inline function accum4(accp: usize, normp: usize, v: v128, cut: v128, left: v128, right: v128): void {
  // `right` is the right leaf, left + diff (the same double as left + diff * 1): a lane's leaf is
  // right where v * norm >= cut, else left (left + diff * 0; acc is never -0, so adding left equals it).
  const lo = f64x2.convert_low_i32x4_s(v);
  const hi = f64x2.convert_low_i32x4_s(i32x4.shuffle(v, v, 2, 3, 0, 1));
  const b0 = f64x2.ge(f64x2.mul(lo, v128.load(normp)), cut);
  const b1 = f64x2.ge(f64x2.mul(hi, v128.load(normp, 16)), cut);
  v128.store(accp, f64x2.add(v128.load(accp), v128.bitselect(right, left, b0)));
  v128.store(accp, f64x2.add(v128.load(accp, 16), v128.bitselect(right, left, b1)), 16);
}

@inline function V(a: usize, o: usize): v128 {
  return v128.load(a + o);
}

function denseStump<T>(k: i32, form: i32, base: usize, list: usize, chunks: i32, norm: usize, acc: usize): void {
  const adv: usize = sizeof<T>() == 8 ? 32 : 16;
  const cut = f64x2.splat(f64at(gCut, k)), left = f64x2.splat(f64at(gLeft, k)), right = f64x2.splat(f64at(gLeft, k) + f64at(gDiff, k));
  if (form == 6) {
    const o0 = off(k, 0), o1 = off(k, 1), o2 = off(k, 2), o3 = off(k, 3), o4 = off(k, 4), o5 = off(k, 5);
    const ma = i32x4.splat(mul(k, 0)), mb = i32x4.splat(mul(k, 1));
    for (let i = 0; i < chunks; i++) {
      const c = load<i32>(list + ((<usize>i) << 2));
      const p = base + <usize>c * adv;
      const v = i32x4.add(
        i32x4.mul(ma, i32x4.sub(i32x4.sub(i32x4.add(L4<T>(p + o0), L4<T>(p + o1)), L4<T>(p + o2)), L4<T>(p + o3))),
        i32x4.mul(mb, i32x4.sub(L4<T>(p + o4), L4<T>(p + o5))),
      );
      accum4(acc + ((<usize>c) << 5), norm + ((<usize>c) << 5), v, cut, left, right);
    }
  } else if (form == 8) {
    const o0 = off(k, 0), o1 = off(k, 1), o2 = off(k, 2), o3 = off(k, 3), o4 = off(k, 4), o5 = off(k, 5), o6 = off(k, 6), o7 = off(k, 7);
    const ma = i32x4.splat(mul(k, 0)), mb = i32x4.splat(mul(k, 1));
    for (let i = 0; i < chunks; i++) {
      const c = load<i32>(list + ((<usize>i) << 2));
      const p = base + <usize>c * adv;
      const v = i32x4.add(
        i32x4.mul(ma, i32x4.add(i32x4.sub(i32x4.sub(L4<T>(p + o0), L4<T>(p + o1)), L4<T>(p + o2)), L4<T>(p + o3))),
        i32x4.mul(mb, i32x4.add(i32x4.sub(i32x4.sub(L4<T>(p + o4), L4<T>(p + o5)), L4<T>(p + o6)), L4<T>(p + o7))),
      );
      accum4(acc + ((<usize>c) << 5), norm + ((<usize>c) << 5), v, cut, left, right);
    }
  } else if (form == 9) {
    const o0 = off(k, 0), o1 = off(k, 1), o2 = off(k, 2), o3 = off(k, 3), o4 = off(k, 4), o5 = off(k, 5), o6 = off(k, 6), o7 = off(k, 7), o8 = off(k, 8);
    const ma = i32x4.splat(mul(k, 0)), mb = i32x4.splat(mul(k, 1)), mc = i32x4.splat(mul(k, 2));
    for (let i = 0; i < chunks; i++) {
      const c = load<i32>(list + ((<usize>i) << 2));
      const p = base + <usize>c * adv;
      const v = i32x4.add(
        i32x4.add(
          i32x4.mul(ma, i32x4.add(i32x4.add(i32x4.add(L4<T>(p + o0), L4<T>(p + o1)), L4<T>(p + o2)), L4<T>(p + o3))),
          i32x4.mul(mb, i32x4.add(i32x4.add(i32x4.add(L4<T>(p + o4), L4<T>(p + o5)), L4<T>(p + o6)), L4<T>(p + o7))),
        ),
        i32x4.mul(mc, L4<T>(p + o8)),
      );
      accum4(acc + ((<usize>c) << 5), norm + ((<usize>c) << 5), v, cut, left, right);
    }
  } else {
    const b = k * SLOTS;
    let n = 0;
    while (n < SLOTS && load<i32>(gCoef + ((<usize>(b + n)) << 2)) != 0) n++;
    for (let i = 0; i < chunks; i++) {
      const c = load<i32>(list + ((<usize>i) << 2));
      const p = base + <usize>c * adv;
      let v = i32x4.splat(0);
      for (let j = 0; j < n; j++) v = i32x4.add(v, i32x4.mul(i32x4.splat(load<i32>(gCoef + ((<usize>(b + j)) << 2))), L4<T>(p + off(k, j))));
      accum4(acc + ((<usize>c) << 5), norm + ((<usize>c) << 5), v, cut, left, right);
    }
  }
}

/** Stage s sums of the `chunks` * 4 windows of a row (positions base, base + step...) into acc. */
function denseStage(s: i32, two: bool, base: usize, list: usize, chunks: i32, norm: usize, acc: usize): void {
  for (let i = 0; i < chunks; i++) {
    const a = acc + ((<usize>load<i32>(list + ((<usize>i) << 2))) << 5);
    v128.store(a, i64x2.splat(0));
    v128.store(a, i64x2.splat(0), 16);
  }
  const g1 = load<i32>(gStageGroup + ((<usize>(s + 1)) << 2));
  for (let g = load<i32>(gStageGroup + ((<usize>s) << 2)); g < g1; g++) {
    const gp = gGroups + (<usize>(g * 3) << 2);
    const form = load<i32>(gp);
    const end = load<i32>(gp, 8);
    for (let k = load<i32>(gp, 4); k < end; k++) {
      if (two) denseStump<u64>(k, form, base, list, chunks, norm, acc);
      else denseStump<u32>(k, form, base, list, chunks, norm, acc);
    }
  }
}

// ---- Sparse SIMD stages: the survivors at pos[0..m), four at a time -----------------------------
// Later stages on a band's survivors, as runStage does, with each corner gathered from four windows
// into one i32x4 and the float part in f64x2 lanes (accum4): the same operations per window. The list
// is padded to a multiple of four with copies of its last window (results not used); pos, norm and acc
// have room for the padding (see WasmScanner.begin).

/** A corner of the four windows at p0..p3. */
@inline function G4(p0: usize, p1: usize, p2: usize, p3: usize, o: usize): v128 {
  let v = v128.load32_zero(p0 + o);
  v = v128.load32_lane(p1 + o, v, 1);
  v = v128.load32_lane(p2 + o, v, 2);
  return v128.load32_lane(p3 + o, v, 3);
}

function sparseStump(k: i32, form: i32, pos: usize, chunks: i32, norm: usize, acc: usize): void {
  const cut = f64x2.splat(f64at(gCut, k)), left = f64x2.splat(f64at(gLeft, k)), right = f64x2.splat(f64at(gLeft, k) + f64at(gDiff, k));
  if (form == 6) {
    const o0 = off(k, 0), o1 = off(k, 1), o2 = off(k, 2), o3 = off(k, 3), o4 = off(k, 4), o5 = off(k, 5);
    const ma = i32x4.splat(mul(k, 0)), mb = i32x4.splat(mul(k, 1));
    for (let c = 0; c < chunks; c++) {
      const pp = pos + ((<usize>c) << 4);
      const p0 = <usize>load<i32>(pp), p1 = <usize>load<i32>(pp, 4), p2 = <usize>load<i32>(pp, 8), p3 = <usize>load<i32>(pp, 12);
      const v = i32x4.add(
        i32x4.mul(ma, i32x4.sub(i32x4.sub(i32x4.add(G4(p0, p1, p2, p3, o0), G4(p0, p1, p2, p3, o1)), G4(p0, p1, p2, p3, o2)), G4(p0, p1, p2, p3, o3))),
        i32x4.mul(mb, i32x4.sub(G4(p0, p1, p2, p3, o4), G4(p0, p1, p2, p3, o5))),
      );
      accum4(acc + ((<usize>c) << 5), norm + ((<usize>c) << 5), v, cut, left, right);
    }
  } else if (form == 8) {
    const o0 = off(k, 0), o1 = off(k, 1), o2 = off(k, 2), o3 = off(k, 3), o4 = off(k, 4), o5 = off(k, 5), o6 = off(k, 6), o7 = off(k, 7);
    const ma = i32x4.splat(mul(k, 0)), mb = i32x4.splat(mul(k, 1));
    for (let c = 0; c < chunks; c++) {
      const pp = pos + ((<usize>c) << 4);
      const p0 = <usize>load<i32>(pp), p1 = <usize>load<i32>(pp, 4), p2 = <usize>load<i32>(pp, 8), p3 = <usize>load<i32>(pp, 12);
      const v = i32x4.add(
        i32x4.mul(ma, i32x4.add(i32x4.sub(i32x4.sub(G4(p0, p1, p2, p3, o0), G4(p0, p1, p2, p3, o1)), G4(p0, p1, p2, p3, o2)), G4(p0, p1, p2, p3, o3))),
        i32x4.mul(mb, i32x4.add(i32x4.sub(i32x4.sub(G4(p0, p1, p2, p3, o4), G4(p0, p1, p2, p3, o5)), G4(p0, p1, p2, p3, o6)), G4(p0, p1, p2, p3, o7))),
      );
      accum4(acc + ((<usize>c) << 5), norm + ((<usize>c) << 5), v, cut, left, right);
    }
  } else if (form == 9) {
    const o0 = off(k, 0), o1 = off(k, 1), o2 = off(k, 2), o3 = off(k, 3), o4 = off(k, 4), o5 = off(k, 5), o6 = off(k, 6), o7 = off(k, 7), o8 = off(k, 8);
    const ma = i32x4.splat(mul(k, 0)), mb = i32x4.splat(mul(k, 1)), mc = i32x4.splat(mul(k, 2));
    for (let c = 0; c < chunks; c++) {
      const pp = pos + ((<usize>c) << 4);
      const p0 = <usize>load<i32>(pp), p1 = <usize>load<i32>(pp, 4), p2 = <usize>load<i32>(pp, 8), p3 = <usize>load<i32>(pp, 12);
      const v = i32x4.add(
        i32x4.add(
          i32x4.mul(ma, i32x4.add(i32x4.add(i32x4.add(G4(p0, p1, p2, p3, o0), G4(p0, p1, p2, p3, o1)), G4(p0, p1, p2, p3, o2)), G4(p0, p1, p2, p3, o3))),
          i32x4.mul(mb, i32x4.add(i32x4.add(i32x4.add(G4(p0, p1, p2, p3, o4), G4(p0, p1, p2, p3, o5)), G4(p0, p1, p2, p3, o6)), G4(p0, p1, p2, p3, o7))),
        ),
        i32x4.mul(mc, G4(p0, p1, p2, p3, o8)),
      );
      accum4(acc + ((<usize>c) << 5), norm + ((<usize>c) << 5), v, cut, left, right);
    }
  } else {
    const b = k * SLOTS;
    let n = 0;
    while (n < SLOTS && load<i32>(gCoef + ((<usize>(b + n)) << 2)) != 0) n++;
    for (let c = 0; c < chunks; c++) {
      const pp = pos + ((<usize>c) << 4);
      const p0 = <usize>load<i32>(pp), p1 = <usize>load<i32>(pp, 4), p2 = <usize>load<i32>(pp, 8), p3 = <usize>load<i32>(pp, 12);
      let v = i32x4.splat(0);
      for (let j = 0; j < n; j++) v = i32x4.add(v, i32x4.mul(i32x4.splat(load<i32>(gCoef + ((<usize>(b + j)) << 2))), G4(p0, p1, p2, p3, off(k, j))));
      accum4(acc + ((<usize>c) << 5), norm + ((<usize>c) << 5), v, cut, left, right);
    }
  }
}

/** runStage with sparseStump: stage s over the windows at pos[0..m), keeps those that pass, returns how many. */
function sparseStage(s: i32, pos: usize, norm: usize, acc: usize, m: i32): i32 {
  const chunks = (m + 3) >> 2;
  const lastP = load<i32>(pos + ((<usize>(m - 1)) << 2));
  const lastN = load<f64>(norm + ((<usize>(m - 1)) << 3));
  for (let i = m, e = chunks << 2; i < e; i++) {
    store<i32>(pos + ((<usize>i) << 2), lastP);
    store<f64>(norm + ((<usize>i) << 3), lastN);
  }
  memory.fill(acc, 0, (<usize>chunks) << 5);
  const g1 = load<i32>(gStageGroup + ((<usize>(s + 1)) << 2));
  for (let g = load<i32>(gStageGroup + ((<usize>s) << 2)); g < g1; g++) {
    const gp = gGroups + (<usize>(g * 3) << 2);
    const form = load<i32>(gp);
    const end = load<i32>(gp, 8);
    for (let k = load<i32>(gp, 4); k < end; k++) sparseStump(k, form, pos, chunks, norm, acc);
  }
  const t = f64at(gStageThr, s);
  let n = 0;
  for (let i = 0; i < m; i++) {
    if (load<f64>(acc + ((<usize>i) << 3)) < t) continue;
    store<i32>(pos + ((<usize>n) << 2), load<i32>(pos + ((<usize>i) << 2)));
    store<f64>(norm + ((<usize>n) << 3), load<f64>(norm + ((<usize>i) << 3)));
    n++;
  }
  return n;
}

/**
 * One pyramid level (see scanLevelPlan in src/scan-scale.ts): `sum` and `sq` are the integrals
 * (i32, `stride` per row), windows at x in [0, cols), y in [0, rows) every `step`, base window
 * winW x winH. Leaves the hits' positions (byte offsets, 4 * (y * stride + x)), in OpenCV's order,
 * at the scratch `pos` and returns how many.
 */
export function scanLevel(sum: usize, sq: usize, stride: i32, cols: i32, rows: i32, step: i32, winW: i32, winH: i32): i32 {
  const perRow = (cols + step - 1) / step;
  const n0 = <usize>((stride + 1) << 2);
  const n1 = <usize>((stride + winW - 1) << 2);
  const n2 = <usize>(((winH - 1) * stride + 1) << 2);
  const n3 = <usize>(((winH - 1) * stride + winW - 1) << 2);
  const area = <f64>((winW - 2) * (winH - 2));
  const rowNorm = gRowNorm, rowState = gRowState;
  const pos = gPos, norm = gNorm;
  const step4 = <usize>(step << 2);
  let m = 0;
  let hits = 0;
  let bandRows = 0;
  for (let y = 0; y < rows; y += step) {
    const base = <usize>((y * stride) << 2);
    let live = 0;
    let p = base;
    for (let j = 0; j < perRow; j++, p += step4) {
      const valsum: i32 = ld(sum + p + n0) - ld(sum + p + n1) - ld(sum + p + n2) + ld(sum + p + n3);
      const valsq: u32 = <u32>(ld(sq + p + n0) - ld(sq + p + n1) - ld(sq + p + n2) + ld(sq + p + n3));
      const nf: f64 = area * <f64>valsq - <f64>valsum * <f64>valsum;
      let f: f64 = 0;
      if (nf > 0) {
        f = <f64><f32>(1.0 / Math.sqrt(nf));
        if (!(area * f < 0.1)) f = 0;
      }
      store<f64>(rowNorm + ((<usize>j) << 3), f);
      store<u8>(rowState + <usize>j, f == 0 ? FLAT : REJECTED);
      if (f != 0) live++;
    }
    if (live != 0) {
      // The first stages on every window of the row (SIMD), then OpenCV's walk over the results.
      const chunks = (perRow + 3) >> 2;
      const acc = gRowAcc;
      // The chunks of four windows to evaluate (first all of them, then those with a survivor), in
      // the level scratch acc, which holds nothing between sparse stages.
      const list = gAcc;
      for (let c = 0; c < chunks; c++) store<i32>(list + ((<usize>c) << 2), c);
      denseStage(0, step == 2, base, list, chunks, rowNorm, acc);
      const t0 = f64at(gStageThr, 0);
      let alive = 0;
      for (let j = 0; j < perRow; j++) {
        if (load<u8>(rowState + <usize>j) == FLAT) continue;
        const ok = load<f64>(acc + ((<usize>j) << 3)) >= t0;
        store<u8>(rowState + <usize>j, ok ? PASSED : REJECTED);
        if (ok) alive++;
      }
      for (let s = 1; s < gDense && s < gStageCount && alive > 0; s++) {
        let n = 0;
        for (let c = 0; c < chunks; c++) {
          let any = false;
          for (let j = c << 2, e = min(j + 4, perRow); j < e; j++) any = any || load<u8>(rowState + <usize>j) == PASSED;
          if (any) {
            store<i32>(list + ((<usize>n) << 2), c);
            n++;
          }
        }
        denseStage(s, step == 2, base, list, n, rowNorm, acc);
        const t = f64at(gStageThr, s);
        for (let j = 0; j < perRow; j++) {
          if (load<u8>(rowState + <usize>j) == PASSED && load<f64>(acc + ((<usize>j) << 3)) < t) {
            store<u8>(rowState + <usize>j, DEAD);
            alive--;
          }
        }
      }
      // OpenCV's walk: a flat window is passed over; after one the first stage rejects, the next is not tried.
      for (let j = 0; j < perRow; j++) {
        const state = load<u8>(rowState + <usize>j);
        if (state == FLAT || state == DEAD) continue;
        if (state == REJECTED) {
          j++;
          continue;
        }
        store<i32>(pos + ((<usize>m) << 2), <i32>(base + <usize>(j * step) * 4));
        store<f64>(norm + ((<usize>m) << 3), load<f64>(rowNorm + ((<usize>j) << 3)));
        m++;
      }
    }
    // Later stages run on a band of rows at a time, while its part of the integrals is in cache.
    if (++bandRows >= gBand || y + step >= rows) {
      for (let s = max(gDense, 1); s < gStageCount && m > 0; s++) m = m >= gSparseSimd ? sparseStage(s, pos, norm, gAcc, m) : runStage(s, pos, norm, gAcc, m);
      memory.copy(gOut + ((<usize>hits) << 2), pos, (<usize>m) << 2);
      hits += m;
      m = 0;
      bandRows = 0;
    }
  }
  return hits;
}

// ---- Pyramid levels: resize (OpenCV's INTER_LINEAR_EXACT) and integral images -------------------

/**
 * The plan's corner offsets for a level of `stride` (see the note at the top): per stump, 12 slots
 * of base + 4 * (y * stride + x), base being `tilt` for stumps on the tilted integral, else `sum`.
 */
export function setOffsets(cornerX: usize, cornerY: usize, tiltedFlags: usize, n: i32, stride: i32, sum: i32, tilt: i32): void {
  for (let k = 0; k < n; k++) {
    const base = load<u8>(tiltedFlags + <usize>k) ? tilt : sum;
    for (let j = k * SLOTS, e = j + SLOTS; j < e; j++) {
      const a = (<usize>j) << 2;
      store<i32>(gOffs + a, base + 4 * (load<i32>(cornerY + a) * stride + load<i32>(cornerX + a)));
    }
  }
}

/** One source row (at `src`) filtered horizontally into 8.8 fixed point (hline in resize-linear-exact.ts). */
function hline(src: usize, xOff: usize, xW: usize, xmin: i32, xmax: i32, xlast: i32, dw: i32, out: usize): void {
  const first = (<i32>load<u8>(src)) << 8;
  let d = 0;
  for (; d < xmin; d++) store<i32>(out + ((<usize>d) << 2), first);
  for (; d < xmax; d++) {
    const o = src + <usize>load<i32>(xOff + ((<usize>d) << 2));
    const w1 = load<i32>(xW + ((<usize>d) << 2));
    store<i32>(out + ((<usize>d) << 2), <i32>load<u8>(o) * (256 - w1) + <i32>load<u8>(o, 1) * w1);
  }
  const lastV = (<i32>load<u8>(src + <usize>xlast)) << 8;
  for (; d < dw; d++) store<i32>(out + ((<usize>d) << 2), lastV);
}

/**
 * resizeGrayLinearExact of resize-linear-exact.ts, step for step, with the axis plans computed by
 * JS (offsets and weights as i32 arrays; x/y min, max and last in `lim`, 6 i32). `rows` holds two
 * i32 lines of dw.
 */
export function resizeLinearExact(src: usize, sw: i32, dw: i32, dh: i32, xOff: usize, xW: usize, yOff: usize, yW: usize, lim: usize, rows: usize, dst: usize): void {
  const xmin = load<i32>(lim), xmax = load<i32>(lim, 4), xlast = load<i32>(lim, 8);
  const ymin = load<i32>(lim, 12), ymax = load<i32>(lim, 16), ylast = load<i32>(lim, 20);
  let rowA = rows;
  let rowB = rows + ((<usize>dw) << 2);
  let rowAIndex = -1;
  let rowBIndex = -1;
  for (let y = 0; y < dh; y++) {
    const o = dst + <usize>(y * dw);
    const border = y < ymin || y >= ymax;
    const sy = border ? (y < ymin ? 0 : ylast) : load<i32>(yOff + ((<usize>y) << 2));
    const sy1 = border ? sy : sy + 1;
    if (rowAIndex != sy) {
      if (rowBIndex == sy) {
        const t = rowA;
        rowA = rowB;
        rowB = t;
        rowAIndex = sy;
        rowBIndex = -1;
      } else {
        hline(src + <usize>(sy * sw), xOff, xW, xmin, xmax, xlast, dw, rowA);
        rowAIndex = sy;
      }
    }
    if (border) {
      for (let x = 0; x < dw; x++) store<u8>(o + <usize>x, <u8>((load<i32>(rowA + ((<usize>x) << 2)) + 128) >> 8));
      continue;
    }
    if (rowBIndex != sy1) {
      hline(src + <usize>(sy1 * sw), xOff, xW, xmin, xmax, xlast, dw, rowB);
      rowBIndex = sy1;
    }
    const w1 = load<i32>(yW + ((<usize>y) << 2));
    const w0 = 256 - w1;
    for (let x = 0; x < dw; x++) {
      const a = (<usize>x) << 2;
      store<u8>(o + <usize>x, <u8>(<u32>(load<i32>(rowA + a) * w0 + load<i32>(rowB + a) * w1 + 32768) >> 16));
    }
  }
}

/** integralSums of integral.ts: sum and squared sum, i32 (wrapping), stride width + 1. */
export function integralSums(img: usize, width: i32, height: i32, sum: usize, sq: usize): void {
  const stride = width + 1;
  memory.fill(sum, 0, (<usize>stride) << 2);
  memory.fill(sq, 0, (<usize>stride) << 2);
  for (let y = 0; y < height; y++) {
    const row = sum + ((<usize>((y + 1) * stride)) << 2);
    const qrow = sq + ((<usize>((y + 1) * stride)) << 2);
    const prev = row - ((<usize>stride) << 2);
    const qprev = qrow - ((<usize>stride) << 2);
    const src = img + <usize>(y * width);
    let s: i32 = 0;
    let q: i32 = 0;
    store<i32>(row, 0);
    store<i32>(qrow, 0);
    for (let x = 0; x < width; x++) {
      const v = <i32>load<u8>(src + <usize>x);
      s += v;
      q += v * v;
      const a = (<usize>(x + 1)) << 2;
      store<i32>(row + a, load<i32>(prev + a) + s);
      store<i32>(qrow + a, load<i32>(qprev + a) + q);
    }
  }
}
