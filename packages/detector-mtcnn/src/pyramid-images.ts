import { areaTaps, type Taps } from './area-resize.js';
import { resizeImage, type RgbImage } from '@faceattr/core';
import type { PyramidLevel } from './pyramid.js';
import type { PyramidWasm, WasmImage } from './pyramid-wasm.js';

/** How pixel bytes become net input: `(v - mean) * inv`, channels in `bgr` order or not. */
export interface NetInput {
  mean: number;
  inv: number;
  bgr: boolean;
}

/**
 * Builds image pyramids for P-Net, one level at a time, reusing its buffers and tap tables from
 * frame to frame (video frames share a size, so after the first frame nothing is allocated but
 * the level images, which R-Net and O-Net crop from).
 */
export class PyramidBuilder {
  readonly #taps = new Map<string, Taps>();
  #mid = new Float32Array(0);
  #tensor = new Float32Array(0);
  /** The WebAssembly kernels, once loaded (the detector's load() sets them); JS until then. */
  wasm: PyramidWasm | undefined;
  /** Where the last wasm-built frame sits in the module's memory (undefined after a JS build). */
  frameAt: WasmImage | undefined;

  #tapsFor(extent: number, dst: number): Taps {
    const key = `${extent}>${dst}`;
    let t = this.#taps.get(key);
    if (!t) {
      // Bounded: one entry per (source, level) size pair; a new frame size adds ~20 small tables.
      if (this.#taps.size > 512) this.#taps.clear();
      t = areaTaps(extent, dst);
      this.#taps.set(key, t);
    }
    return t;
  }

  /**
   * Every level of the pyramid as packed RGB plus P-Net's input tensor (transposed `[W, H, 3]`,
   * normalised; a view of one buffer reused for all levels, valid until the next level is made).
   *
   * Each level is area-averaged from the smallest image at hand that is at least twice its size:
   * the original, a level already made, or a halving of the original (exact 2x2 means, cheap).
   * Area averaging over >= 2x2 source pixels per output pixel is about as faithful as shrinking
   * the original, and avoids re-reading the full frame for every level down to a quarter of it.
   * (Halvings with < 2x left to shrink were tried: blurrier levels, 4 demo false positives, not 1.)
   */
  *levels(image: RgbImage, levels: readonly PyramidLevel[], input: NetInput): Generator<{ image: RgbImage; tensor: Float32Array; at?: WasmImage }> {
    this.frameAt = undefined;
    // Levels as large as the image (minFaceSize <= 12) take the JS path, which copies or upsamples.
    if (this.wasm && levels.every((l) => l.width < image.width && l.height < image.height)) {
      yield* this.#levelsWasm(this.wasm, image, levels, input);
      return;
    }
    // Candidate sources with their extent in their own pixels (a halving of an odd side has a half pixel at the edge).
    const made: { image: RgbImage; w: number; h: number }[] = [{ image, w: image.width, h: image.height }];
    let half = made[0]!;
    for (const level of levels) {
      const size = level.width * level.height * 3;
      // Levels only shrink, so the first level's buffer fits them all.
      if (this.#tensor.length < size) this.#tensor = new Float32Array(size);
      const tensor = this.#tensor.subarray(0, size);
      while (half.w / 2 >= 2 * level.width && half.h / 2 >= 2 * level.height) {
        half = { image: halve(half.image), w: half.w / 2, h: half.h / 2 };
        made.push(half);
      }
      let src = made[0]!;
      for (const m of made) if (m.w >= 2 * level.width && m.h >= 2 * level.height && m.w < src.w) src = m;
      let next: RgbImage;
      if (level.width === image.width && level.height === image.height) {
        next = image;
        toTransposedTensor(next, input, tensor);
      } else if (level.width <= image.width && level.height <= image.height) {
        next = this.#shrink(src.image, src.w, src.h, level.width, level.height, tensor, input);
      } else {
        // minFaceSize < 12: the level is larger than the image, upsampled bilinearly.
        next = resizeImage(image, level.width, level.height);
        toTransposedTensor(next, input, tensor);
      }
      made.push({ image: next, w: next.width, h: next.height });
      yield { image: next, tensor };
    }
  }

  /** As the JS path below (same sources, taps and rounding), with the passes in WebAssembly. */
  *#levelsWasm(wasm: PyramidWasm, image: RgbImage, levels: readonly PyramidLevel[], input: NetInput): Generator<{ image: RgbImage; tensor: Float32Array; at: WasmImage }> {
    // Room for the whole frame up front (the source, its halvings, and per level: bytes, tensor,
    // taps, row sums), so growing the memory cannot detach the tensor views handed out.
    const { width: W, height: H } = image;
    let bytes = (W * H * 3 + 64) * 2;
    for (const { width: w, height: h } of levels) bytes += w * h * 15 + (w * (Math.ceil(W / w) + 4) + h * (Math.ceil(H / h) + 4)) * 4 + (W * 3 + 32) * 4 + 256;
    wasm.begin(bytes);
    const made: { at: WasmImage; w: number; h: number }[] = [{ at: wasm.put(image), w: image.width, h: image.height }];
    this.frameAt = made[0]!.at;
    let half = made[0]!;
    for (const level of levels) {
      while (half.w / 2 >= 2 * level.width && half.h / 2 >= 2 * level.height) {
        half = { at: wasm.halve(half.at), w: half.w / 2, h: half.h / 2 };
        made.push(half);
      }
      let src = made[0]!;
      for (const m of made) if (m.w >= 2 * level.width && m.h >= 2 * level.height && m.w < src.w) src = m;
      const out = wasm.shrink(src.at, this.#tapsFor(src.w, level.width), this.#tapsFor(src.h, level.height), level.width, level.height, input);
      made.push({ at: out.at, w: level.width, h: level.height });
      yield out;
    }
  }

  /**
   * Area averaging in two separable passes, vertical first: each output row is a weighted sum
   * of whole source rows (long contiguous loops, the fast shape for JS), then each output pixel
   * gathers its horizontal taps from that row. The transposed, normalised P-Net input is written
   * from the rounded bytes in the same loop, so P-Net sees exactly what R-Net and O-Net crop from.
   * `extentW` x `extentH` is the part of `image` (in its pixels, maybe fractional) to shrink.
   */
  #shrink(image: RgbImage, extentW: number, extentH: number, width: number, height: number, tensor: Float32Array, input: NetInput): RgbImage {
    const { data, width: W } = image;
    const tx = this.#tapsFor(extentW, width);
    const ty = this.#tapsFor(extentH, height);
    const rowBytes = W * 3;
    // Only the source columns the horizontal taps reach.
    const span = (tx.start[width - 1]! + tx.count[width - 1]!) * 3;
    if (this.#mid.length < span) this.#mid = new Float32Array(span);
    const acc = this.#mid;
    const out = new Uint8Array(width * height * 3);
    const { mean, inv } = input;
    const c0 = input.bgr ? 2 : 0;
    const c2 = 2 - c0;
    for (let o = 0; o < height; o++) {
      const n = ty.count[o]!;
      const w0 = o * ty.stride;
      let s = ty.start[o]! * rowBytes;
      let w = ty.weights[w0]!;
      for (let i = 0; i < span; i++) acc[i] = data[s + i]! * w;
      for (let k = 1; k < n; k++) {
        s += rowBytes;
        w = ty.weights[w0 + k]!;
        for (let i = 0; i < span; i++) acc[i] = acc[i]! + data[s + i]! * w;
      }
      const { start, count, weights, stride } = tx;
      for (let x = 0, d = o * width * 3; x < width; x++, d += 3) {
        let r = 0;
        let g = 0;
        let b = 0;
        const m = count[x]!;
        let a = start[x]! * 3;
        for (let k = 0, wk = x * stride; k < m; k++, a += 3, wk++) {
          const wt = weights[wk]!;
          r += acc[a]! * wt;
          g += acc[a + 1]! * wt;
          b += acc[a + 2]! * wt;
        }
        const rb = Math.round(r);
        const gb = Math.round(g);
        const bb = Math.round(b);
        out[d] = rb;
        out[d + 1] = gb;
        out[d + 2] = bb;
        const t = (x * height + o) * 3;
        tensor[t + c0] = (rb - mean) * inv;
        tensor[t + 1] = (gb - mean) * inv;
        tensor[t + c2] = (bb - mean) * inv;
      }
    }
    return { data: out, width, height, channels: 3 };
  }
}

/**
 * 2x2 means (rounded), the last row/column repeated when a side is odd: output pixel (x, y)
 * covers source pixels [2x, 2x + 2) x [2y, 2y + 2), so the image's extent halves exactly.
 */
export function halve(image: RgbImage): RgbImage {
  const { data, width: W, height: H } = image;
  const w = Math.ceil(W / 2);
  const h = Math.ceil(H / 2);
  const out = new Uint8Array(w * h * 3);
  const rowBytes = W * 3;
  const pairs = W >> 1;
  let d = 0;
  for (let y = 0; y < h; y++) {
    const r0 = 2 * y * rowBytes;
    const r1 = 2 * y + 1 < H ? r0 + rowBytes : r0;
    // Whole 2x2 cells: straight-line code per pixel (a loop over channels here ran ~3x slower).
    for (let x = 0, s = 0; x < pairs; x++, s += 6, d += 3) {
      out[d] = (data[r0 + s]! + data[r0 + s + 3]! + data[r1 + s]! + data[r1 + s + 3]! + 2) >> 2;
      out[d + 1] = (data[r0 + s + 1]! + data[r0 + s + 4]! + data[r1 + s + 1]! + data[r1 + s + 4]! + 2) >> 2;
      out[d + 2] = (data[r0 + s + 2]! + data[r0 + s + 5]! + data[r1 + s + 2]! + data[r1 + s + 5]! + 2) >> 2;
    }
    if (W & 1) {
      // Odd width: the last column pairs with itself.
      const s = (W - 1) * 3;
      for (let c = 0; c < 3; c++, d++) out[d] = (2 * data[r0 + s + c]! + 2 * data[r1 + s + c]! + 2) >> 2;
    }
  }
  return { data: out, width: w, height: h, channels: 3 };
}

/**
 * Packed RGB bytes to a normalised float tensor `[W, H, 3]` (transposed: the nets were trained
 * on column-major Caffe images), `(v - mean) * inv`, in the requested channel order.
 */
export function toTransposedTensor(image: RgbImage, input: NetInput, out?: Float32Array): Float32Array {
  const { data, width: W, height: H } = image;
  const dst = out && out.length >= W * H * 3 ? out : new Float32Array(W * H * 3);
  const { mean, inv } = input;
  const c0 = input.bgr ? 2 : 0;
  const c2 = 2 - c0;
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const s = (y * W + x) * 3;
      const d = (x * H + y) * 3;
      dst[d] = (data[s + c0]! - mean) * inv;
      dst[d + 1] = (data[s + 1]! - mean) * inv;
      dst[d + 2] = (data[s + c2]! - mean) * inv;
    }
  }
  return dst;
}
