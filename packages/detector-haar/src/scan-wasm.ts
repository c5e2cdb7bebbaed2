import type { CompiledCascade } from './compiled-cascade.js';
import { SLOTS, type StumpPlan } from './stump-plan.js';
import { CASCADE_WASM_BASE64 } from './wasm/cascade-wasm.js';

/**
 * The WebAssembly stump scan (assembly/cascade.ts, AssemblyScript): the same plan, kernels and
 * OpenCV walk as the JS path of scan-scale.ts, operation for operation, so its hits are identical;
 * WebAssembly reads the integral images without the bounds checks and boxing V8 pays on typed
 * arrays. The module (about 4.5 KB) is carried in the bundle as base64: no file, no fetch, no
 * native code, the same in browsers, workers and Node. One instance per thread (or worker);
 * detection is synchronous, so its memory is safely reused by every call.
 */
interface CascadeExports {
  memory: WebAssembly.Memory;
  setPlan(offs: number, mult: number, cut: number, left: number, diff: number, stageThr: number, stageGroup: number, groups: number, stageCount: number): void;
  setScratch(rowNorm: number, rowLive: number, rowLiveNorm: number, rowAcc: number, rowState: number, pos: number, norm: number, acc: number, out: number): void;
  setBand(rows: number): void;
  setCoef(coef: number): void;
  scanLevel(sum: number, sq: number, stride: number, cols: number, rows: number, step: number, winW: number, winH: number): number;
}

let ready: WasmScanner | undefined;
let syncFailed = false;
let loading: Promise<boolean> | undefined;

function wasmBytes(): Uint8Array<ArrayBuffer> {
  const s = atob(CASCADE_WASM_BASE64);
  const b = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i);
  return b;
}

const hasWasm = () => typeof WebAssembly === 'object' && typeof WebAssembly.Instance === 'function';

/**
 * Compiles and instantiates the scan module asynchronously (allowed on a browser's main thread,
 * where synchronous compilation of modules over 4 KB is not). Resolves to false where WebAssembly
 * is unavailable or refused (e.g. a CSP without 'wasm-unsafe-eval'): the JS path is used then.
 */
export function loadHaarWasm(): Promise<boolean> {
  if (ready) return Promise.resolve(true);
  if (!hasWasm()) return Promise.resolve(false);
  loading ??= WebAssembly.compile(wasmBytes())
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
    ready = new WasmScanner(new WebAssembly.Instance(new WebAssembly.Module(wasmBytes()), {}).exports as unknown as CascadeExports);
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
export interface WasmLevelBuffers {
  sum: Int32Array;
  sqsum: Int32Array;
  tilted: Int32Array | undefined;
}

const align = (n: number) => (n + 7) & ~7;

export class WasmScanner {
  private readonly x: CascadeExports;
  private plan: StumpPlan | undefined;
  private tables: PlanTables | undefined;
  private offsPtr = 0;
  private sumPtr = 0;
  private sqPtr = 0;
  private tiltPtr = 0;
  private posPtr = 0;
  private offs = new Int32Array(0);
  private lastStride = -1;

  constructor(x: CascadeExports) {
    this.x = x;
  }

  /**
   * Lays out the memory for a detection with this plan: integrals of up to `entries` values, rows
   * of up to `perRow` windows and levels of up to `windows` windows. Returns views of the integral
   * images for the caller to fill, valid until the next begin().
   */
  begin(plan: StumpPlan, entries: number, perRow: number, windows: number, withTilted: boolean): WasmLevelBuffers {
    const t = tablesOf(plan);
    const n = t.cut.length;
    let at = 16;
    const take = (bytes: number) => {
      const p = at;
      at = align(at + bytes);
      return p;
    };
    const offs = take(n * SLOTS * 4);
    const mult = take(n * 12);
    const coef = take(n * SLOTS * 4);
    const cut = take(n * 8);
    const left = take(n * 8);
    const diff = take(n * 8);
    const stageThr = take(t.stageThr.length * 8);
    const stageGroup = take(t.stageGroup.length * 4);
    const groups = take(t.groups.length * 4);
    const sum = take(entries * 4);
    const sq = take(entries * 4);
    const tilt = withTilted ? take(entries * 4) : 0;
    const rowNorm = take(perRow * 8);
    const rowLive = take(perRow * 4);
    const rowLiveNorm = take(perRow * 8);
    const rowAcc = take(perRow * 8);
    const rowState = take(perRow);
    const pos = take(windows * 4);
    const norm = take(windows * 8);
    const acc = take(windows * 8);
    const out = take(windows * 4);
    const mem = this.x.memory;
    const grown = at > mem.buffer.byteLength;
    if (grown) mem.grow(Math.ceil((at - mem.buffer.byteLength) / 65536));
    const buf = mem.buffer;
    // The plan region comes first and does not move, so it is written once per plan.
    if (this.plan !== plan) {
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
      this.tables = t;
    }
    this.x.setScratch(rowNorm, rowLive, rowLiveNorm, rowAcc, rowState, pos, norm, acc, out);
    this.offsPtr = offs;
    this.sumPtr = sum;
    this.sqPtr = sq;
    this.tiltPtr = tilt;
    this.posPtr = out;
    this.offs = new Int32Array(buf, offs, n * SLOTS);
    this.lastStride = -1;
    return {
      sum: new Int32Array(buf, sum, entries),
      sqsum: new Int32Array(buf, sq, entries),
      tilted: withTilted ? new Int32Array(buf, tilt, entries) : undefined,
    };
  }

  /**
   * Scans one level whose integrals were written to the views begin() returned; pushes the hits'
   * top-left corners (level pixels), in OpenCV's order.
   */
  scan(cc: CompiledCascade, stride: number, cols: number, rows: number, step: number, hitsX: number[], hitsY: number[]): void {
    const t = this.tables!;
    if (stride !== this.lastStride) {
      // Corner offsets in bytes, with the base address of the integral each stump reads.
      const O = this.offs;
      const { cornerX, cornerY, tilted } = t;
      for (let k = 0; k < tilted.length; k++) {
        const base = tilted[k] ? this.tiltPtr : this.sumPtr;
        for (let j = k * SLOTS; j < (k + 1) * SLOTS; j++) O[j] = base + 4 * (cornerY[j]! * stride + cornerX[j]!);
      }
      this.lastStride = stride;
    }
    const m = this.x.scanLevel(this.sumPtr, this.sqPtr, stride, cols, rows, step, cc.width, cc.height);
    const pos = new Int32Array(this.x.memory.buffer, this.posPtr, m);
    for (let i = 0; i < m; i++) {
      const p = pos[i]! >> 2;
      const y = Math.floor(p / stride);
      hitsX.push(p - y * stride);
      hitsY.push(y);
    }
  }
}
