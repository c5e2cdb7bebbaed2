import { FaceAttrError, type Box } from '@faceattr/core';
import type { HaarCascade } from './cascade-types.js';
import { compileCascade, cornerOffsets, type CompiledCascade } from './compiled-cascade.js';
import { rgbToGray } from './grayscale.js';
import { groupRectangles, type GroupedBox } from './group-rectangles.js';
import { integralSums, tiltedIntegral } from './integral.js';
import { resolveEngine, resolveHaarOptions, type HaarEngine, type HaarOptions, type ResolvedHaarOptions } from './options.js';
import { resizeGrayLinearExact } from './resize-linear-exact.js';
import { roundHalfEven } from './rounding.js';
import { ScanScratch, scanLevel, type ScaleLevel } from './scan-scale.js';
import { wasmScanner, type WasmScanner } from './scan-wasm.js';
import { planOffsets, planStumps, type StumpPlan } from './stump-plan.js';

const f32 = Math.fround;

/** Pixels to search: 8-bit gray (1 channel) or packed RGB (3 channels), rows tightly packed. */
export interface HaarImage {
/** The pixels, `width * height * channels` bytes. */
  data: Uint8Array | Uint8ClampedArray;
/** Width in pixels. */
  width: number;
/** Height in pixels. */
  height: number;
/** 1 (gray) or 3 (RGB, converted to gray as OpenCV does). */
  channels: 1 | 3;
}

/** One pyramid level: the float32 scale OpenCV uses and the level's size. */
export interface PyramidLevel {
/** Window scale factor of this level (float32). */
  scale: number;
/** Width of the resized image at this level. */
  width: number;
/** Height of the resized image at this level. */
  height: number;
  /** Window step in level pixels: 2 below scale 2, then 1 (OpenCV's CPU path). */
  step: number;
  /** Size of a window at this level, in image pixels. */
  windowWidth: number;
/** Height of a window at this level, in image pixels. */
  windowHeight: number;
}

/**
 * The pyramid OpenCV's `detectMultiScale` searches: factors 1, f, f^2... (double), kept while the
 * window (rounded) fits `maxSize` (default the image), skipped while it is below `minSize`; each level
 * is the image resized to round(size / float32(factor)).
 */
export function pyramidLevels(imageWidth: number, imageHeight: number, winWidth: number, winHeight: number, o: ResolvedHaarOptions): PyramidLevel[] {
  const maxW = o.maxSize.width > 0 && o.maxSize.height > 0 ? o.maxSize.width : imageWidth;
  const maxH = o.maxSize.width > 0 && o.maxSize.height > 0 ? o.maxSize.height : imageHeight;
  const levels: PyramidLevel[] = [];
  for (let factor = 1; ; factor *= o.scaleFactor) {
    const ww = roundHalfEven(winWidth * factor);
    const wh = roundHalfEven(winHeight * factor);
    if (ww > maxW || wh > maxH) break;
    if (ww < o.minSize.width || wh < o.minSize.height) continue;
    const scale = f32(factor);
    levels.push({
      scale,
      width: roundHalfEven(f32(imageWidth / scale)),
      height: roundHalfEven(f32(imageHeight / scale)),
      step: scale >= 2 ? 1 : 2,
      windowWidth: roundHalfEven(f32(winWidth * scale)),
      windowHeight: roundHalfEven(f32(winHeight * scale)),
    });
  }
  return levels;
}

/** One face `detectMultiScale` found: the averaged box of a group of raw hits, and their count. */
export interface HaarDetection extends GroupedBox {
/** The face's box in image pixels. */
  box: Box;
  neighbors: number;
}

function checkImage(img: HaarImage): void {
  const bad = (what: string): never => {
    throw new FaceAttrError('INVALID_INPUT', `Haar detector input ${what}.`);
  };
  if (typeof img !== 'object' || img === null) bad('must be {data, width, height, channels}');
  const { width, height, channels, data } = img;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) bad(`has a bad size ${String(width)}x${String(height)}`);
  if (channels !== 1 && channels !== 3) bad(`must have 1 (gray) or 3 (RGB) channels, got ${String(channels)}`);
  if (!(data instanceof Uint8Array || data instanceof Uint8ClampedArray)) bad('data must be a Uint8Array');
  if (data.length !== width * height * channels) bad(`data has ${data.length} bytes, expected ${width}x${height}x${channels} = ${width * height * channels}`);
}

interface Prepared {
  cc: CompiledCascade;
  plan: StumpPlan | undefined;
}

const compiledCache = new WeakMap<HaarCascade, Prepared>();

/** Flattens a cascade (and plans its stumps) once; later calls with the same object reuse it. */
function prepared(cascade: HaarCascade): Prepared {
  let p = compiledCache.get(cascade);
  if (!p) {
    const cc = compileCascade(cascade);
    compiledCache.set(cascade, (p = { cc, plan: planStumps(cc) }));
  }
  return p;
}

/** Flattens a cascade once; later calls with the same object reuse it. */
export function compiled(cascade: HaarCascade): CompiledCascade {
  return prepared(cascade).cc;
}

/**
 * Raw hits of the cascade over the pyramid (before grouping), in image pixels: what OpenCV's
 * `detectMultiScale` collects before `groupRectangles`, in the same order for a single thread.
 */
export function detectRaw(cascade: HaarCascade, image: HaarImage, options?: HaarOptions): Box[] {
  checkImage(image);
  const o = resolveHaarOptions(options);
  const p = prepared(cascade);
  return rawHits(p, image, o, scannerFor(p, resolveEngine(options))).map((b) => clip(b, image));
}

/**
 * The evaluator `engine` picks for this cascade, now: 'wasm' (the WebAssembly scan, for cascades
 * of integer-weight stumps such as OpenCV's Haar face cascades) or 'js'. Throws as detection would
 * for `engine: 'wasm'` where it cannot run.
 */
export function haarEngine(cascade: HaarCascade, options?: HaarOptions): 'wasm' | 'js' {
  return scannerFor(prepared(cascade), resolveEngine(options)) ? 'wasm' : 'js';
}

function scannerFor(p: Prepared, engine: HaarEngine): WasmScanner | undefined {
  if (engine === 'js') return undefined;
  if (!p.plan) {
    if (engine === 'wasm') throw new FaceAttrError('INVALID_OPTIONS', 'engine "wasm" needs a cascade of stumps with integer weights (exact sums); this one runs on engine "js".');
    return undefined;
  }
  const w = wasmScanner();
  if (!w && engine === 'wasm') throw new FaceAttrError('DETECTOR_UNAVAILABLE', 'engine "wasm": WebAssembly is unavailable here (or not yet loaded: await loadHaarWasm() first on a browser main thread).');
  return w;
}

/**
 * Rounding can put a window's far edge past the image; OpenCV clips its output boxes to the image
 * after grouping (the group means use the unclipped windows).
 */
function clip(b: Box, image: HaarImage): Box {
  return { x: b.x, y: b.y, width: Math.min(b.width, image.width - b.x), height: Math.min(b.height, image.height - b.y) };
}

/**
 * Pyramid buffers kept between calls, so a video loop does not allocate (and the GC does not
 * reclaim) a few MB per frame. Detection is synchronous, so one set per thread (or worker) is safe.
 * Only buffers for frames up to {@link KEEP_ENTRIES} pixels are kept.
 */
interface Workspace {
  resized: Uint8Array;
  sum: Int32Array;
  sqsum: Int32Array;
  tilted: Int32Array | undefined;
}
const KEEP_ENTRIES = 2_100_000;
let kept: Workspace | undefined;

function workspace(entries: number, withTilted: boolean): Workspace {
  const w = kept && kept.sum.length >= entries && (!withTilted || kept.tilted) ? kept : undefined;
  const ws = w ?? {
    resized: new Uint8Array(entries),
    sum: new Int32Array(entries),
    sqsum: new Int32Array(entries),
    tilted: withTilted ? new Int32Array(entries) : undefined,
  };
  if (!w && entries <= KEEP_ENTRIES) kept = ws;
  return ws;
}

function rawHits({ cc, plan }: Prepared, image: HaarImage, o: ResolvedHaarOptions, wasm: WasmScanner | undefined): Box[] {
  const { width, height } = image;
  const levels = pyramidLevels(width, height, cc.width, cc.height, o);
  const boxes: Box[] = [];
  if (levels.length === 0) return boxes;
  if (wasm && plan) return rawHitsWasm(cc, plan, wasm, image, levels);
  const gray = image.channels === 1 ? Uint8Array.from(image.data) : rgbToGray(image.data as Uint8Array, width, height);
  // Buffers sized for the first (largest) level, reused by the smaller ones (and the next call).
  const maxW = levels[0]!.width;
  const maxH = levels[0]!.height;
  const ws = workspace((maxW + 1) * (maxH + 1), cc.hasTilted);
  const { resized, sum, sqsum } = ws;
  const tilted = cc.hasTilted ? ws.tilted : undefined;
  const offsets = new Int32Array(cc.rect.length);
  const offsetsPlan = plan ? new Int32Array(plan.cornerX.length) : undefined;
  const hx: number[] = [];
  const hy: number[] = [];
  const scratch = new ScanScratch();
  for (const lv of levels) {
    const cols = lv.width + 1 - cc.width;
    const rows = lv.height + 1 - cc.height;
    if (cols <= 0 || rows <= 0) continue;
    // The scale-1 level is the image itself.
    const img = lv.width === width && lv.height === height ? gray : resizeGrayLinearExact(gray, width, height, lv.width, lv.height, resized);
    integralSums(img, lv.width, lv.height, sum, sqsum);
    if (tilted) tiltedIntegral(img, lv.width, lv.height, tilted);
    const stride = lv.width + 1;
    const level: ScaleLevel = {
      sum,
      sqsum,
      tilted,
      stride,
      cols,
      rows,
      step: lv.step,
      offsets: plan ? offsets : cornerOffsets(cc, stride, offsets),
      plan,
      planOffsets: plan ? planOffsets(plan, stride, offsetsPlan) : undefined,
      scratch,
    };
    hx.length = 0;
    hy.length = 0;
    scanLevel(cc, level, hx, hy);
    pushBoxes(boxes, lv, hx, hy);
  }
  return boxes;
}

function pushBoxes(boxes: Box[], lv: PyramidLevel, hx: number[], hy: number[]): void {
  for (let i = 0; i < hx.length; i++) {
    boxes.push({ x: roundHalfEven(f32(hx[i]! * lv.scale)), y: roundHalfEven(f32(hy[i]! * lv.scale)), width: lv.windowWidth, height: lv.windowHeight });
  }
}

/**
 * rawHits on the WebAssembly module: the gray image, the pyramid levels (resize and integrals) and
 * the scan in its memory; the tilted integral (cascades with tilted features) still in JS.
 */
function rawHitsWasm(cc: CompiledCascade, plan: StumpPlan, wasm: WasmScanner, image: HaarImage, levels: PyramidLevel[]): Box[] {
  const { width, height } = image;
  const boxes: Box[] = [];
  // Scratch sized for the largest row and level.
  let perRow = 0;
  let windows = 0;
  for (const lv of levels) {
    const cols = lv.width + 1 - cc.width;
    const rows = lv.height + 1 - cc.height;
    if (cols <= 0 || rows <= 0) continue;
    const r = Math.ceil(cols / lv.step);
    perRow = Math.max(perRow, r);
    windows = Math.max(windows, r * Math.ceil(rows / lv.step));
  }
  const maxW = levels[0]!.width;
  const maxH = levels[0]!.height;
  const { gray, tilted } = wasm.begin(plan, width, height, (maxW + 1) * (maxH + 1), perRow, windows, cc.hasTilted);
  if (image.channels === 1) gray.set(image.data);
  else rgbToGray(image.data as Uint8Array, width, height, gray);
  const hx: number[] = [];
  const hy: number[] = [];
  for (const lv of levels) {
    const cols = lv.width + 1 - cc.width;
    const rows = lv.height + 1 - cc.height;
    if (cols <= 0 || rows <= 0) continue;
    const img = wasm.level(lv.width, lv.height);
    if (tilted) tiltedIntegral(img, lv.width, lv.height, tilted);
    hx.length = 0;
    hy.length = 0;
    wasm.scan(cc, lv.width + 1, cols, rows, lv.step, hx, hy);
    pushBoxes(boxes, lv, hx, hy);
  }
  return boxes;
}

/**
 * Finds objects with a Haar cascade, reproducing OpenCV 4's `CascadeClassifier.detectMultiScale`
 * (CPU path) on the same gray pixels: same pyramid, window steps, thresholds and grouping
 * (`groupRectangles` with eps 0.2). A pure function of the pixels: no DOM, no globals, so it
 * runs in a Web Worker. RGB input is converted to gray as OpenCV's cvtColor does.
 */
export function detectMultiScale(cascade: HaarCascade, image: HaarImage, options?: HaarOptions): HaarDetection[] {
  checkImage(image);
  const o = resolveHaarOptions(options);
  const p = prepared(cascade);
  return groupRectangles(rawHits(p, image, o, scannerFor(p, resolveEngine(options))), o.minNeighbors, 0.2).map((d) => ({ box: clip(d.box, image), neighbors: d.neighbors }));
}
