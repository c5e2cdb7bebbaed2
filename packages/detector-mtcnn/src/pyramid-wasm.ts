import { instantiateBase64Wasm, type RgbImage } from '@faceattr/core';
import type { Taps } from './area-resize.js';
import { PYRAMID_WASM_BASE64 } from './wasm/pyramid-wasm.js';

/**
 * The kernels of assembly/pyramid.ts (AssemblyScript, SIMD): the area shrink that makes every
 * P-Net level, the 2x2 halving, and the bilinear R-Net/O-Net crops. Same taps, pass order and rounding as the JS path in
 * pyramid-images.ts, about 5x faster (V8 spends ~3 ns per byte on the JS row loops; the module
 * converts and accumulates 16 bytes per step). The module (~2 KB) travels in the bundle as base64:
 * no file to serve, no fetch, no native code. One instance per detector; calls are synchronous.
 */
interface PyramidExports {
  memory: WebAssembly.Memory;
  shrink(
    src: number, rowBytes: number, span: number,
    tyStart: number, tyCount: number, tyW: number, tyStride: number,
    txStart: number, txCount: number, txW: number, txStride: number,
    width: number, height: number, acc: number, dst: number, tensor: number, mean: number, inv: number, bgr: number,
  ): void;
  halve(src: number, width: number, height: number, dst: number): void;
  crop(
    src: number, W: number, H: number, x0: number, y0: number, stepX: number, stepY: number, size: number,
    out: number, mean: number, inv: number, bgr: number, mirror: number, tables: number,
  ): void;
}

/**
 * Compiles the module (asynchronously: browsers refuse synchronous compiles on the main thread).
 * Resolves to undefined where WebAssembly or its SIMD extension is missing or refused (e.g. a CSP
 * without 'wasm-unsafe-eval'); the detector then builds its pyramid in JS.
 */
export async function loadPyramidWasm(): Promise<PyramidWasm | undefined> {
  const exports = await instantiateBase64Wasm<PyramidExports>(PYRAMID_WASM_BASE64);
  return exports && new PyramidWasm(exports);
}

/** Where a picture lives in the module's memory: byte offset and size. */
export interface WasmImage {
  at: number;
  width: number;
  height: number;
}

const align = (n: number): number => (n + 15) & ~15;
/** Source rows are read in 16-byte steps, up to 15 bytes past their end. */
const PAD = 16;

/**
 * Bump allocation in the module's memory for one frame's pyramid ({@link begin} resets it). The
 * module allocates nothing itself, so everything above its (empty) data section is ours. Growing
 * the memory would detach earlier views, so begin() reserves the whole frame up front: the
 * tensor views stay valid until the next begin().
 */
export class PyramidWasm {
  readonly #x: PyramidExports;
  readonly #base: number;
  #at = 0;

  constructor(exports: PyramidExports) {
    this.#x = exports;
    this.#base = align(Math.max(16, exports.memory.buffer.byteLength));
  }

  /** Starts a frame: frees the previous one's space and makes room for `bytes` more at once. */
  begin(bytes: number): void {
    this.#at = this.#base;
    this.#take(bytes);
    this.#at = this.#base;
  }

  #take(bytes: number): number {
    const p = this.#at;
    this.#at = align(p + bytes);
    const mem = this.#x.memory;
    if (this.#at > mem.buffer.byteLength) mem.grow(Math.ceil((this.#at - mem.buffer.byteLength) / 65536));
    return p;
  }

  /** Copies an image into the module's memory. */
  put(image: RgbImage): WasmImage {
    const at = this.#take(image.data.length + PAD);
    new Uint8Array(this.#x.memory.buffer, at, image.data.length).set(image.data);
    return { at, width: image.width, height: image.height };
  }

  halve(src: WasmImage): WasmImage {
    const width = Math.ceil(src.width / 2);
    const height = Math.ceil(src.height / 2);
    const at = this.#take(width * height * 3 + PAD);
    this.#x.halve(src.at, src.width, src.height, at);
    return { at, width, height };
  }

  /**
   * Area-shrinks the `tx`/`ty` extent of `src` to `width` x `height`. Returns the level's bytes
   * (a copy, safe to keep), P-Net's input (a view of the module's memory, valid until the next
   * call on this object) and where the level stays in the module's memory (a source for later levels).
   */
  shrink(src: WasmImage, tx: Taps, ty: Taps, width: number, height: number, input: { mean: number; inv: number; bgr: boolean }): { image: RgbImage; tensor: Float32Array; at: WasmImage } {
    const span = (tx.start[width - 1]! + tx.count[width - 1]!) * 3;
    const table = (t: Taps) => {
      const start = this.#take(t.start.byteLength);
      const count = this.#take(t.count.byteLength);
      const weights = this.#take(t.weights.byteLength);
      return { start, count, weights };
    };
    const txAt = table(tx);
    const tyAt = table(ty);
    const acc = this.#take(align(span) * 4);
    const dst = this.#take(width * height * 3 + PAD);
    const tensorAt = this.#take(width * height * 3 * 4);
    const buf = this.#x.memory.buffer;
    for (const [t, at] of [[tx, txAt], [ty, tyAt]] as const) {
      new Int32Array(buf, at.start, t.start.length).set(t.start);
      new Int32Array(buf, at.count, t.count.length).set(t.count);
      new Float32Array(buf, at.weights, t.weights.length).set(t.weights);
    }
    this.#x.shrink(
      src.at, src.width * 3, span,
      tyAt.start, tyAt.count, tyAt.weights, ty.stride,
      txAt.start, txAt.count, txAt.weights, tx.stride,
      width, height, acc, dst, tensorAt, input.mean, input.inv, input.bgr ? 1 : 0,
    );
    const data = new Uint8Array(buf, dst, width * height * 3).slice();
    return { image: { data, width, height, channels: 3 }, tensor: new Float32Array(buf, tensorAt, width * height * 3), at: { at: dst, width, height } };
  }

  /**
   * Net inputs for a batch of boxes, each cut from a picture already in the module's memory (a
   * pyramid level or the frame): `count * size * size * 3` floats, as CropSampler writes them
   * (identical values). A view of the module's memory, valid until the next call on this object.
   * Call between pyramid frames only: it allocates after the frame's pyramid.
   */
  crops(
    count: number,
    size: number,
    source: (i: number) => { at: WasmImage; box: { x: number; y: number; width: number; height: number } },
    input: { mean: number; inv: number; bgr: boolean },
    mirror = false,
  ): Float32Array {
    const per = size * size * 3;
    const tables = this.#take(size * 34); // 4 i32 + 2 f64 + 2 u8 per output pixel of a side
    const out = this.#take(count * per * 4);
    for (let i = 0; i < count; i++) {
      const { at, box } = source(i);
      this.#x.crop(at.at, at.width, at.height, box.x, box.y, box.width / size, box.height / size, size, out + i * per * 4, input.mean, input.inv, input.bgr ? 1 : 0, mirror ? 1 : 0, tables);
    }
    return new Float32Array(this.#x.memory.buffer, out, count * per);
  }
}
