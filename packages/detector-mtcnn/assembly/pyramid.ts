// MTCNN image pyramid kernels (AssemblyScript -> WebAssembly, SIMD). The JS side lays out the
// memory and passes byte offsets; nothing here allocates. Mirrors src/pyramid-images.ts (the JS
// fallback): same taps, same order of passes, same rounding (floor(v + 0.5), as Math.round).

/**
 * Area shrink of packed RGB bytes: for each output row, a weighted sum of whole source rows
 * (16 bytes per step), then each output pixel gathers its horizontal taps from that sum. Writes
 * the rounded bytes to `dst` and, from those bytes, P-Net's transposed normalised input to `tensor`
 * (`[width][height][3]` f32, channels swapped when `bgr`).
 *
 * Taps tables (from src/area-resize.ts): i32 `start`, i32 `count`, f32 `weights` (`stride` per
 * output). `span` is the number of source row bytes the horizontal taps reach; `acc` holds
 * `span` rounded up to 16 f32. Source rows may be read up to 15 bytes past `span`.
 */
export function shrink(
  src: usize, rowBytes: i32, span: i32,
  tyStart: usize, tyCount: usize, tyW: usize, tyStride: i32,
  txStart: usize, txCount: usize, txW: usize, txStride: i32,
  width: i32, height: i32, acc: usize, dst: usize, tensor: usize, mean: f32, inv: f32, bgr: i32,
): void {
  const c0: i32 = bgr ? 2 : 0;
  const c2: i32 = 2 - c0;
  for (let o = 0; o < height; o++) {
    let s: usize = src + <usize>load<i32>(tyStart + (<usize>o << 2)) * <usize>rowBytes;
    const w0: usize = tyW + (<usize>(o * tyStride) << 2);
    rowPass(s, acc, span, f32x4.splat(load<f32>(w0)), true);
    for (let k = 1; k < load<i32>(tyCount + (<usize>o << 2)); k++) {
      s += <usize>rowBytes;
      rowPass(s, acc, span, f32x4.splat(load<f32>(w0 + (<usize>k << 2))), false);
    }
    let d: usize = dst + <usize>(o * width * 3);
    for (let x = 0; x < width; x++) {
      let r: f32 = 0;
      let g: f32 = 0;
      let b: f32 = 0;
      const m = load<i32>(txCount + (<usize>x << 2));
      let a: usize = acc + (<usize>(load<i32>(txStart + (<usize>x << 2)) * 3) << 2);
      let wp: usize = txW + (<usize>(x * txStride) << 2);
      for (let k = 0; k < m; k++) {
        const wt = load<f32>(wp);
        r += load<f32>(a) * wt;
        g += load<f32>(a, 4) * wt;
        b += load<f32>(a, 8) * wt;
        a += 12;
        wp += 4;
      }
      const rb = Mathf.floor(r + 0.5);
      const gb = Mathf.floor(g + 0.5);
      const bb = Mathf.floor(b + 0.5);
      store<u8>(d, <u8>(<i32>rb));
      store<u8>(d, <u8>(<i32>gb), 1);
      store<u8>(d, <u8>(<i32>bb), 2);
      d += 3;
      const t: usize = tensor + (<usize>((x * height + o) * 3) << 2);
      store<f32>(t + (<usize>c0 << 2), (rb - mean) * inv);
      store<f32>(t, (gb - mean) * inv, 4);
      store<f32>(t + (<usize>c2 << 2), (bb - mean) * inv);
    }
  }
}

/** acc[0..span) (=|+=) bytes[0..span) * w, 16 bytes per step. */
@inline function rowPass(s: usize, acc: usize, span: i32, w: v128, first: bool): void {
  for (let i = 0; i < span; i += 16) {
    const v = v128.load(s + <usize>i);
    const lo = i16x8.extend_low_i8x16_u(v);
    const hi = i16x8.extend_high_i8x16_u(v);
    const a: usize = acc + (<usize>i << 2);
    const f0 = f32x4.mul(f32x4.convert_i32x4_u(i32x4.extend_low_i16x8_u(lo)), w);
    const f1 = f32x4.mul(f32x4.convert_i32x4_u(i32x4.extend_high_i16x8_u(lo)), w);
    const f2 = f32x4.mul(f32x4.convert_i32x4_u(i32x4.extend_low_i16x8_u(hi)), w);
    const f3 = f32x4.mul(f32x4.convert_i32x4_u(i32x4.extend_high_i16x8_u(hi)), w);
    if (first) {
      v128.store(a, f0);
      v128.store(a, f1, 16);
      v128.store(a, f2, 32);
      v128.store(a, f3, 48);
    } else {
      v128.store(a, f32x4.add(v128.load(a), f0));
      v128.store(a, f32x4.add(v128.load(a, 16), f1), 16);
      v128.store(a, f32x4.add(v128.load(a, 32), f2), 32);
      v128.store(a, f32x4.add(v128.load(a, 48), f3), 48);
    }
  }
}

/**
 * 2x2 means (rounded half up), the last row/column repeated when a side is odd; as halve() in
 * src/pyramid-images.ts.
 */
export function halve(src: usize, W: i32, H: i32, dst: usize): void {
  const w = (W + 1) >> 1;
  const h = (H + 1) >> 1;
  const rowBytes: usize = <usize>W * 3;
  const pairs = W >> 1;
  let d = dst;
  for (let y = 0; y < h; y++) {
    const r0: usize = src + <usize>(2 * y) * rowBytes;
    const r1: usize = 2 * y + 1 < H ? r0 + rowBytes : r0;
    let s: usize = 0;
    for (let x = 0; x < pairs; x++) {
      store<u8>(d, <u8>((<u32>load<u8>(r0 + s) + <u32>load<u8>(r0 + s + 3) + <u32>load<u8>(r1 + s) + <u32>load<u8>(r1 + s + 3) + 2) >> 2));
      store<u8>(d, <u8>((<u32>load<u8>(r0 + s + 1) + <u32>load<u8>(r0 + s + 4) + <u32>load<u8>(r1 + s + 1) + <u32>load<u8>(r1 + s + 4) + 2) >> 2), 1);
      store<u8>(d, <u8>((<u32>load<u8>(r0 + s + 2) + <u32>load<u8>(r0 + s + 5) + <u32>load<u8>(r1 + s + 2) + <u32>load<u8>(r1 + s + 5) + 2) >> 2), 2);
      s += 6;
      d += 3;
    }
    if (W & 1) {
      for (let c: usize = 0; c < 3; c++) {
        store<u8>(d, <u8>((2 * <u32>load<u8>(r0 + s + c) + 2 * <u32>load<u8>(r1 + s + c) + 2) >> 2));
        d++;
      }
    }
  }
}

/**
 * One square net input cut from packed RGB: bilinear, transposed `[size][size][3]` f32,
 * normalised, black outside the image, `mirror` flipping it left-right. Output pixel centre
 * i + 0.5 samples source position `origin + step * (i + 0.5) - 0.5` on each axis. The same f64
 * arithmetic as CropSampler (src/crop.ts), so the values are identical. `tables` is scratch for
 * 4 * size i32 + 2 * size f64 + 2 * size bytes (34 * size).
 */
export function crop(
  src: usize, W: i32, H: i32, x0: f64, y0: f64, stepX: f64, stepY: f64, size: i32,
  out: usize, mean: f64, inv: f64, bgr: i32, mirror: i32, tables: usize,
): void {
  const n: usize = <usize>size;
  const xa = tables;
  const xb = xa + (n << 2);
  const ya = xb + (n << 2);
  const yb = ya + (n << 2);
  const xf = yb + (n << 2);
  const yf = xf + (n << 3);
  const xin = yf + (n << 3);
  const yin = xin + n;
  axis(x0, stepX, W, 3, size, xa, xb, xf, xin);
  axis(y0, stepY, H, W * 3, size, ya, yb, yf, yin);
  const c0: usize = bgr ? 2 : 0;
  const c2: usize = 2 - c0;
  const border = <f32>((0 - mean) * inv);
  for (let ox = 0; ox < size; ox++) {
    let o: usize = out + (<usize>((mirror ? size - 1 - ox : ox) * size * 3) << 2);
    const ax = load<i32>(xa + (<usize>ox << 2));
    const bx = load<i32>(xb + (<usize>ox << 2));
    const fx = load<f64>(xf + (<usize>ox << 3));
    const inx = load<u8>(xin + <usize>ox);
    for (let oy = 0; oy < size; oy++) {
      if (!inx || !load<u8>(yin + <usize>oy)) {
        store<f32>(o, border);
        store<f32>(o, border, 4);
        store<f32>(o, border, 8);
        o += 12;
        continue;
      }
      const fy = load<f64>(yf + (<usize>oy << 3));
      const w00 = (1 - fx) * (1 - fy);
      const w01 = fx * (1 - fy);
      const w10 = (1 - fx) * fy;
      const w11 = fx * fy;
      const ra = src + <usize>load<i32>(ya + (<usize>oy << 2));
      const rb = src + <usize>load<i32>(yb + (<usize>oy << 2));
      const i00 = ra + <usize>ax;
      const i01 = ra + <usize>bx;
      const i10 = rb + <usize>ax;
      const i11 = rb + <usize>bx;
      const r = <f64>load<u8>(i00) * w00 + <f64>load<u8>(i01) * w01 + <f64>load<u8>(i10) * w10 + <f64>load<u8>(i11) * w11;
      const g = <f64>load<u8>(i00, 1) * w00 + <f64>load<u8>(i01, 1) * w01 + <f64>load<u8>(i10, 1) * w10 + <f64>load<u8>(i11, 1) * w11;
      const b = <f64>load<u8>(i00, 2) * w00 + <f64>load<u8>(i01, 2) * w01 + <f64>load<u8>(i10, 2) * w10 + <f64>load<u8>(i11, 2) * w11;
      store<f32>(o + (c0 << 2), <f32>((r - mean) * inv));
      store<f32>(o, <f32>((g - mean) * inv), 4);
      store<f32>(o + (c2 << 2), <f32>((b - mean) * inv));
      o += 12;
    }
  }
}

/** One axis of the crop's sampling grid, as axis() in src/crop.ts. */
@inline function axis(origin: f64, step: f64, n: i32, stride: i32, size: i32, a: usize, b: usize, f: usize, inside: usize): void {
  for (let i = 0; i < size; i++) {
    const p = origin + step * (<f64>i + 0.5) - 0.5;
    const p0 = Math.floor(p);
    store<f64>(f + (<usize>i << 3), p - p0);
    store<u8>(inside + <usize>i, p >= -0.5 && p <= <f64>n - 0.5 ? 1 : 0);
    // Clamped before the conversion: far-off boxes must not overflow i32 (same lo/hi as unclamped).
    const q = <i32>Math.max(-1, Math.min(<f64>n, p0));
    const lo = q < 0 ? 0 : q > n - 1 ? n - 1 : q;
    const hi = q + 1 > n - 1 ? n - 1 : q + 1 < 0 ? 0 : q + 1;
    store<i32>(a + (<usize>i << 2), lo * stride);
    store<i32>(b + (<usize>i << 2), hi * stride);
  }
}
