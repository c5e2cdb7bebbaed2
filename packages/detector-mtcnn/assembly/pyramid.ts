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
