import { base64Bytes } from '@faceattr/core';
import type { CompiledCascade } from './compiled-cascade.js';
import { planAxis } from './resize-linear-exact.js';
import { SLOTS, type StumpPlan } from './stump-plan.js';
import { CASCADE_WASM_BASE64 } from './wasm/cascade-wasm.js';

/**
 * The WebAssembly stump scan (assembly/cascade.ts, AssemblyScript): the same plan, kernels and
 * OpenCV walk as the JS path of scan-scale.ts, operation for operation, so its hits are identical;
 * WebAssembly reads the integral images without the bounds checks and boxing V8 pays on typed
 * arrays, and runs every stage four windows at a time (SIMD: the first three on a row's adjacent windows, later ones on gathered survivors). The module (about 13 KB) is carried in the bundle as base64: no file, no fetch, no
 * native code, the same in browsers, workers and Node. One instance per thread (or worker);
 * detection is synchronous, so its memory is safely reused by every call.
 */
interface CascadeExports {
  memory: WebAssembly.Memory;
  setPlan(offs: number, mult: number, cut: number, left: number, diff: number, stageThr: number, stageGroup: number, groups: number, stageCount: number): void;
  setScratch(rowNorm: number, rowAcc: number, rowState: number, pos: number, norm: number, acc: number, out: number): void;
  setCoef(coef: number): void;
  scanLevel(sum: number, sq: number, stride: number, cols: number, rows: number, step: number, winW: number, winH: number): number;
  setOffsets(cornerX: number, cornerY: number, tiltedFlags: number, n: number, stride: number, sum: number, tilt: number): void;
  resizeLinearExact(src: number, sw: number, dw: number, dh: number, xOff: number, xW: number, yOff: number, yW: number, lim: number, rows: number, dst: number): void;
  integralSums(img: number, width: number, height: number, sum: number, sq: number): void;
}

let ready: WasmScanner | undefined;
let syncFailed = false;
let loading: Promise<boolean> | undefined;

const hasWasm = () => typeof WebAssembly === 'object' && typeof WebAssembly.Instance === 'function';

/**
 * Compiles and instantiates the scan module asynchronously (allowed on a browser's main thread,
 * where synchronous compilation of modules over 4 KB is not). Resolves to false where WebAssembly
 * is unavailable or refused (e.g. a CSP without 'wasm-unsafe-eval'): the JS path is used then.
 */
export function loadHaarWasm(): Promise<boolean> {
  if (ready) return Promise.resolve(true);
  if (!hasWasm()) return Promise.resolve(false);
  loading ??= WebAssembly.compile(base64Bytes(CASCADE_WASM_BASE64))
    .then((m) => WebAssembly.instantiate(m, {}))
    .then(
    (instance) => {
      ready ??= new WasmScanner(instance.exports as unknown as CascadeExports);
      return true;
    },
    () => false,
  );
  return loading;
}

/**
 * The scanner if the module is instantiated; otherwise tries once to instantiate it synchronously
 * (Node, Web Workers), and where that is refused starts {@link loadHaarWasm} and returns undefined
 * (the JS path runs until the module is ready).
 */
export function wasmScanner(): WasmScanner | undefined {
  if (ready || syncFailed || !hasWasm()) return ready;
  try {
    ready = new WasmScanner(new WebAssembly.Instance(new WebAssembly.Module(base64Bytes(CASCADE_WASM_BASE64)), {}).exports as unknown as CascadeExports);
  } catch {
    syncFailed = true;
    void loadHaarWasm();
  }
  return ready;
}

/** A plan's tables as the module reads them (built once per plan). */
interface PlanTables {
  mult: Int32Array;
  coef: Int32Array;
  cut: Float64Array;
  left: Float64Array;
  diff: Float64Array;
  stageThr: Float64Array;
  stageGroup: Int32Array;
  groups: Int32Array;
  /** Per stump: 1 when it reads the tilted integral. */
  tilted: Uint8Array;
  cornerX: Int32Array;
  cornerY: Int32Array;
}

const tablesCache = new WeakMap<StumpPlan, PlanTables>();

function tablesOf(plan: StumpPlan): PlanTables {
  let t = tablesCache.get(plan);
  if (t) return t;
  const n = plan.cut.length;
  const groups = plan.stages.flatMap((s) => s.groups);
  const stageGroup = new Int32Array(plan.stages.length + 1);
  plan.stages.forEach((s, i) => (stageGroup[i + 1] = stageGroup[i]! + s.groups.length));
  const tilted = new Uint8Array(n);
  for (const g of groups) if (g.tilted) tilted.fill(1, g.start, g.end);
  t = {
    mult: plan.mult,
    coef: plan.coef,
    cut: plan.cut,
    left: plan.left,
    diff: plan.diff,
    stageThr: Float64Array.from(plan.stages, (s) => s.threshold),
    stageGroup,
    groups: Int32Array.from(groups.flatMap((g) => [g.form, g.start, g.end])),
    tilted,
    cornerX: plan.cornerX,
    cornerY: plan.cornerY,
  };
  tablesCache.set(plan, t);
  return t;
}

/** Views of the module's memory for one detection, laid out by {@link WasmScanner.begin}. */
export interface WasmBuffers {
  /** The image in gray, for the caller to fill. */
  gray: Uint8Array<ArrayBuffer>;
  /** The tilted integral, for the caller to fill per level (cascades with tilted features). */
  tilted: Int32Array | undefined;
}

const align = (n: number) => (n + 7) & ~7;

export class WasmScanner {
  private readonly x: CascadeExports;
  private plan: StumpPlan | undefined;
  private n = 0;
  private p = {} as Record<'cornerX' | 'cornerY' | 'tiltedFlags' | 'sum' | 'sq' | 'tilt' | 'gray' | 'level' | 'rows' | 'xOff' | 'xW' | 'yOff' | 'yW' | 'lim' | 'out', number>;
  private imageW = 0;
  private imageH = 0;

  private readonly start: number;

  constructor(x: CascadeExports) {
    this.x = x;
    this.start = Math.max(16, x.memory.buffer.byteLength);
  }

  /**
   * Lays out the memory for a detection with this plan on an imageW x imageH image: integrals of up
   * to `entries` values, rows of up to `perRow` windows and levels of up to `windows` windows.
   * Returns views for the caller to fill, valid until the next begin().
   */
  begin(plan: StumpPlan, imageW: number, imageH: number, entries: number, perRow: number, windows: number, withTilted: boolean): WasmBuffers {
    const t = tablesOf(plan);
    const n = t.cut.length;
    // Above anything the module itself placed in memory (it places nothing: its memory starts empty).
    let at = align(this.start);
    const take = (bytes: number) => {
      const p = at;
      at = align(at + bytes);
      return p;
    };
    // The plan region comes first and does not move, so it is written once per plan.
    const offs = take(n * SLOTS * 4);
    const cornerX = take(n * SLOTS * 4);
    const cornerY = take(n * SLOTS * 4);
    const tiltedFlags = take(n);
    const mult = take(n * 12);
    const coef = take(n * SLOTS * 4);
    const cut = take(n * 8);
    const left = take(n * 8);
    const diff = take(n * 8);
    const stageThr = take(t.stageThr.length * 8);
    const stageGroup = take(t.stageGroup.length * 4);
    const groups = take(t.groups.length * 4);
    const p = {
      cornerX,
      cornerY,
      tiltedFlags,
      sum: take(entries * 4),
      sq: take(entries * 4),
      tilt: withTilted ? take(entries * 4) : 0,
      gray: take(imageW * imageH),
      level: take(entries),
      rows: take(imageW * 8),
      xOff: take(imageW * 4),
      xW: take(imageW * 4),
      yOff: take(imageH * 4),
      yW: take(imageH * 4),
      lim: take(6 * 4),
      out: 0,
    };
    // Rows are scanned four windows at a time: room for three more.
    const rowNorm = take((perRow + 4) * 8);
    const rowAcc = take((perRow + 4) * 8);
    const rowState = take(perRow);
    // Later stages run on four windows at a time: room for three more (padding).
    const pos = take((windows + 4) * 4);
    const norm = take((windows + 4) * 8);
    const acc = take((windows + 4) * 8);
    p.out = take(windows * 4);
    const mem = this.x.memory;
    if (at > mem.buffer.byteLength) mem.grow(Math.ceil((at - mem.buffer.byteLength) / 65536));
    const buf = mem.buffer;
    if (this.plan !== plan) {
      new Int32Array(buf, cornerX, n * SLOTS).set(t.cornerX);
      new Int32Array(buf, cornerY, n * SLOTS).set(t.cornerY);
      new Uint8Array(buf, tiltedFlags, n).set(t.tilted);
      new Int32Array(buf, mult, n * 3).set(t.mult);
      new Int32Array(buf, coef, n * SLOTS).set(t.coef);
      new Float64Array(buf, cut, n).set(t.cut);
      new Float64Array(buf, left, n).set(t.left);
      new Float64Array(buf, diff, n).set(t.diff);
      new Float64Array(buf, stageThr, t.stageThr.length).set(t.stageThr);
      new Int32Array(buf, stageGroup, t.stageGroup.length).set(t.stageGroup);
      new Int32Array(buf, groups, t.groups.length).set(t.groups);
      this.x.setPlan(offs, mult, cut, left, diff, stageThr, stageGroup, groups, t.stageThr.length);
      this.x.setCoef(coef);
      this.plan = plan;
      this.n = n;
    }
    this.x.setScratch(rowNorm, rowAcc, rowState, pos, norm, acc, p.out);
    this.p = p;
    this.imageW = imageW;
    this.imageH = imageH;
    return {
      gray: new Uint8Array(buf, p.gray, imageW * imageH),
      tilted: withTilted ? new Int32Array(buf, p.tilt, entries) : undefined,
    };
  }

  /**
   * Builds a level of w x h: the gray image resized as OpenCV does (resizeGrayLinearExact), its
   * integrals, and the plan's corner offsets for its stride. Returns the level image.
   */
  level(w: number, h: number): Uint8Array {
    const { p, x } = this;
    const buf = x.memory.buffer;
    let img = p.gray;
    if (w !== this.imageW || h !== this.imageH) {
      const ax = planAxis(this.imageW, w);
      const ay = planAxis(this.imageH, h);
      new Int32Array(buf, p.xOff, w).set(ax.offset);
      new Int32Array(buf, p.xW, w).set(ax.weight);
      new Int32Array(buf, p.yOff, h).set(ay.offset);
      new Int32Array(buf, p.yW, h).set(ay.weight);
      new Int32Array(buf, p.lim, 6).set([ax.min, ax.max, ax.last, ay.min, ay.max, ay.last]);
      x.resizeLinearExact(p.gray, this.imageW, w, h, p.xOff, p.xW, p.yOff, p.yW, p.lim, p.rows, p.level);
      img = p.level;
    }
    x.integralSums(img, w, h, p.sum, p.sq);
    x.setOffsets(p.cornerX, p.cornerY, p.tiltedFlags, this.n, w + 1, p.sum, p.tilt);
    return new Uint8Array(buf, img, w * h);
  }

  /** Scans the last level built; pushes the hits' top-left corners (level pixels), in OpenCV's order. */
  scan(cc: CompiledCascade, stride: number, cols: number, rows: number, step: number, hitsX: number[], hitsY: number[]): void {
    const m = this.x.scanLevel(this.p.sum, this.p.sq, stride, cols, rows, step, cc.width, cc.height);
    const out = new Int32Array(this.x.memory.buffer, this.p.out, m);
    for (let i = 0; i < m; i++) {
      const q = out[i]! >> 2;
      const y = Math.floor(q / stride);
      hitsX.push(q - y * stride);
      hitsY.push(y);
    }
  }
}
