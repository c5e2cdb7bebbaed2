import { FaceAttrError, checkPluginOptions, formatValue } from '@faceattr/core';

/** A width and height in pixels (OpenCV's `Size`). */
export interface Size {
/** Width in pixels. */
  width: number;
/** Height in pixels. */
  height: number;
}

/** Options of {@link detectMultiScale}, named and defaulted like OpenCV's `detectMultiScale`. */
export interface HaarOptions {
  /** Pyramid step: each level shrinks the image by this factor. Default 1.1; must be > 1. */
  scaleFactor?: number;
  /** A detection needs more than this many overlapping raw hits. 0 returns the raw hits ungrouped. Default 3. */
  minNeighbors?: number;
  /** Smallest window, in pixels (a number means a square). Default: the cascade window (24x24). */
  minSize?: number | Size;
  /** Largest window, in pixels. Default: the image size. */
  maxSize?: number | Size;
  /**
   * Which cascade evaluator runs: 'wasm' (the WebAssembly scan; throws DETECTOR_UNAVAILABLE where
   * it cannot run, INVALID_OPTIONS for a cascade outside its exact integer plan), 'js' (plain
   * TypeScript), or 'auto' (default): wasm when it can run, else js. Both give identical results.
   */
  engine?: HaarEngine;
}

/** Where the scan runs: the bundled WebAssembly module, plain JavaScript, or `auto` (wasm when it can run). */
export type HaarEngine = 'auto' | 'wasm' | 'js';

export interface ResolvedHaarOptions {
  scaleFactor: number;
  minNeighbors: number;
  minSize: Size;
  maxSize: Size;
}

function invalid(message: string): never {
  throw new FaceAttrError('INVALID_OPTIONS', message);
}

function size(v: unknown, name: string): Size {
  if (v === undefined) return { width: 0, height: 0 };
  const ok = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= 1 << 20;
  if (ok(v)) return { width: v, height: v };
  if (typeof v === 'object' && v !== null && ok((v as Size).width) && ok((v as Size).height)) return { width: (v as Size).width, height: (v as Size).height };
  return invalid(`"${name}" must be a non-negative integer or {width, height} of non-negative integers (0 = no limit), got ${formatValue(v)}.`);
}

/** The search options haar() and detectMultiScale() take (haar() also takes `cascade`). */
export const HAAR_OPTION_KEYS = ['scaleFactor', 'minNeighbors', 'minSize', 'maxSize', 'engine'] as const;

/** Checks options and fills defaults; throws INVALID_OPTIONS naming the bad option. */
export function resolveHaarOptions(options: HaarOptions | undefined): ResolvedHaarOptions {
  const o: HaarOptions = checkPluginOptions(options, 'haar()', HAAR_OPTION_KEYS);
  const scaleFactor = o.scaleFactor ?? 1.1;
  // Below 1.0001 the pyramid would have hundreds of thousands of levels.
  if (typeof scaleFactor !== 'number' || !(scaleFactor >= 1.0001 && scaleFactor <= 100)) {
    invalid(`"scaleFactor" must be a number in [1.0001, 100] (OpenCV needs > 1), got ${formatValue(o.scaleFactor)}.`);
  }
  const minNeighbors = o.minNeighbors ?? 3;
  if (typeof minNeighbors !== 'number' || !Number.isInteger(minNeighbors) || minNeighbors < 0 || minNeighbors > 10000) {
    invalid(`"minNeighbors" must be an integer in [0, 10000], got ${formatValue(o.minNeighbors)}.`);
  }
  const minSize = size(o.minSize, 'minSize');
  const maxSize = size(o.maxSize, 'maxSize');
  if (maxSize.width > 0 && maxSize.height > 0 && (maxSize.width < minSize.width || maxSize.height < minSize.height)) {
    invalid(`"maxSize" (${maxSize.width}x${maxSize.height}) is smaller than "minSize" (${minSize.width}x${minSize.height}).`);
  }
  resolveEngine(o);
  return { scaleFactor, minNeighbors, minSize, maxSize };
}

/** The `engine` option, checked (INVALID_OPTIONS) and defaulted to 'auto'. */
export function resolveEngine(o: HaarOptions | undefined): HaarEngine {
  const e = o?.engine ?? 'auto';
  if (e !== 'auto' && e !== 'wasm' && e !== 'js') invalid(`"engine" must be 'auto', 'wasm' or 'js', got ${formatValue(o?.engine)}.`);
  return e;
}
