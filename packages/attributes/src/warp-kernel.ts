import { instantiateBase64Wasm, warpPlan, type Affine, type RgbImage, type SampleOptions } from '@faceattr/core';
import { WARP_WASM_BASE64 } from './wasm/warp-wasm.js';

/**
 * The face alignment's warp in WebAssembly (assembly/warp.ts, AssemblyScript): the same sampling plan
 * (`warpPlan`) and f64 arithmetic as core's `warpToTensor`, so the values are identical, 1.48x faster
 * (alignment was the largest JS cost of a frame: 5 faces at 1280x720, 6.3 -> 4.2 ms; analyze-latency bench). Only the pixels
 * the warp reads are copied into the module's memory. The module (~1 KB) travels in the bundle as base64:
 * no file to serve, no fetch. Calls are synchronous; one instance per attribute model.
 */
interface WarpExports {
  memory: WebAssembly.Memory;
  warp(
    src: number, rowBytes: number, rx: number, ry: number, W: number, H: number,
    a: number, b: number, tx: number, c: number, d: number, ty: number,
    outW: number, outH: number, kx: number, ky: number, offsets: number, norm: number,
    out: number, bgr: number, border: number, transpose: number,
  ): void;
}

const align = (n: number): number => (n + 15) & ~15;

export class WarpKernel {
  readonly #x: WarpExports;
  readonly #base: number;

  private constructor(exports: WarpExports) {
    this.#x = exports;
    this.#base = align(Math.max(16, exports.memory.buffer.byteLength));
  }

  /**
   * Compiles the module (asynchronously: browsers refuse synchronous compiles on the main thread).
   * Resolves to undefined where WebAssembly is missing or refused (e.g. a CSP without
   * 'wasm-unsafe-eval'); alignment then runs core's `warpToTensor` in JS.
   */
  static async load(): Promise<WarpKernel | undefined> {
    const exports = await instantiateBase64Wasm<WarpExports>(WARP_WASM_BASE64);
    return exports && new WarpKernel(exports);
  }

  /** As core's `warpToTensor(image, dstToSrc, outWidth, outHeight, options, out)`, writing into `out`. */
  warpToTensor(image: RgbImage, dstToSrc: Affine, outWidth: number, outHeight: number, options: SampleOptions, out: Float32Array): Float32Array {
    const plan = warpPlan(dstToSrc, options);
    const { width: W, height: H } = image;
    const [a, b, tx, c, d, ty] = dstToSrc;
    // The pixels any sample can read: the output rectangle's corners mapped, floored, one more for the
    // bilinear neighbour, clamped to the image as the sampler clamps.
    const xs = [0, outWidth].flatMap((fx) => [0, outHeight].map((fy) => a * fx + b * fy + tx - 0.5));
    const ys = [0, outWidth].flatMap((fx) => [0, outHeight].map((fy) => c * fx + d * fy + ty - 0.5));
    const clamp = (v: number, hi: number) => Math.min(hi, Math.max(0, v));
    const rx = clamp(Math.floor(Math.min(...xs)) - 1, W - 1);
    const ry = clamp(Math.floor(Math.min(...ys)) - 1, H - 1);
    const rx2 = clamp(Math.floor(Math.max(...xs)) + 2, W - 1);
    const ry2 = clamp(Math.floor(Math.max(...ys)) + 2, H - 1);
    const rowBytes = (rx2 - rx + 1) * 3;
    const rows = ry2 - ry + 1;
    const outBytes = outWidth * outHeight * 3 * 4;
    const src = this.#base;
    const tables = align(src + rowBytes * rows);
    const dst = align(tables + (plan.kx + plan.ky + 6) * 8);
    const mem = this.#x.memory;
    const end = dst + outBytes;
    if (end > mem.buffer.byteLength) mem.grow(Math.ceil((end - mem.buffer.byteLength) / 65536));
    const heap = new Uint8Array(mem.buffer);
    for (let y = 0; y < rows; y++) {
      const from = ((ry + y) * W + rx) * 3;
      heap.set(image.data.subarray(from, from + rowBytes), src + y * rowBytes);
    }
    new Float64Array(mem.buffer, tables, plan.kx + plan.ky + 6).set([...plan.offX, ...plan.offY, ...plan.mean, ...plan.inv]);
    const norm = tables + (plan.kx + plan.ky) * 8;
    this.#x.warp(src, rowBytes, rx, ry, W, H, a, b, tx, c, d, ty, outWidth, outHeight, plan.kx, plan.ky, tables, norm, dst, plan.bgr ? 1 : 0, plan.border, plan.transpose ? 1 : 0);
    out.set(new Float32Array(mem.buffer, dst, outWidth * outHeight * 3));
    return out;
  }
}
