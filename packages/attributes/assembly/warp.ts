// The face alignment's affine warp (see warp-kernel.ts): the same f64 arithmetic, in the same
// order, as warpToTensor in @faceattr/core (src/image/sample.ts), so the values are identical.
// `src` holds rows ry.. of the image, columns rx.., `rowBytes` apart: every pixel the warp reads.
// `offsets` holds kx then ky f64 sub-sample offsets; `norm` mean[3] then inv[3] (f64).

export function warp(
  src: usize, rowBytes: i32, rx: i32, ry: i32, W: i32, H: i32,
  a: f64, b: f64, tx: f64, c: f64, d: f64, ty: f64,
  outW: i32, outH: i32, kx: i32, ky: i32, offsets: usize, norm: usize,
  out: usize, bgr: i32, border: f64, transpose: i32,
): void {
  const m0 = load<f64>(norm);
  const m1 = load<f64>(norm, 8);
  const m2 = load<f64>(norm, 16);
  const i0 = load<f64>(norm, 24);
  const i1 = load<f64>(norm, 32);
  const i2 = load<f64>(norm, 40);
  const offY = offsets + (<usize>kx << 3);
  const nSamples = <f64>(kx * ky);
  const maxX = <f64>W - 0.5;
  const maxY = <f64>H - 0.5;
  for (let oy = 0; oy < outH; oy++) {
    for (let ox = 0; ox < outW; ox++) {
      let r: f64 = 0;
      let g: f64 = 0;
      let bl: f64 = 0;
      for (let sy = 0; sy < ky; sy++) {
        const fy = <f64>oy + load<f64>(offY + (<usize>sy << 3));
        for (let sx = 0; sx < kx; sx++) {
          const fx = <f64>ox + load<f64>(offsets + (<usize>sx << 3));
          const x = a * fx + b * fy + tx - 0.5;
          const y = c * fx + d * fy + ty - 0.5;
          if (x < -0.5 || y < -0.5 || x > maxX || y > maxY) {
            r += border;
            g += border;
            bl += border;
            continue;
          }
          const fx0 = Math.floor(x);
          const fy0 = Math.floor(y);
          const wx = x - fx0;
          const wy = y - fy0;
          const x0 = <i32>fx0;
          const y0 = <i32>fy0;
          const xa = x0 < 0 ? 0 : x0;
          const xb = x0 + 1 > W - 1 ? W - 1 : x0 + 1;
          const ya = y0 < 0 ? 0 : y0;
          const yb = y0 + 1 > H - 1 ? H - 1 : y0 + 1;
          const ra = src + <usize>((ya - ry) * rowBytes);
          const rb = src + <usize>((yb - ry) * rowBytes);
          const i00 = ra + <usize>((xa - rx) * 3);
          const i01 = ra + <usize>((xb - rx) * 3);
          const i10 = rb + <usize>((xa - rx) * 3);
          const i11 = rb + <usize>((xb - rx) * 3);
          const w00 = (1 - wx) * (1 - wy);
          const w01 = wx * (1 - wy);
          const w10 = (1 - wx) * wy;
          const w11 = wx * wy;
          r += <f64>load<u8>(i00) * w00 + <f64>load<u8>(i01) * w01 + <f64>load<u8>(i10) * w10 + <f64>load<u8>(i11) * w11;
          g += <f64>load<u8>(i00, 1) * w00 + <f64>load<u8>(i01, 1) * w01 + <f64>load<u8>(i10, 1) * w10 + <f64>load<u8>(i11, 1) * w11;
          bl += <f64>load<u8>(i00, 2) * w00 + <f64>load<u8>(i01, 2) * w01 + <f64>load<u8>(i10, 2) * w10 + <f64>load<u8>(i11, 2) * w11;
        }
      }
      r /= nSamples;
      g /= nSamples;
      bl /= nSamples;
      const o: usize = out + (<usize>(transpose ? (ox * outH + oy) * 3 : (oy * outW + ox) * 3) << 2);
      const c0 = bgr ? bl : r;
      const c2 = bgr ? r : bl;
      store<f32>(o, <f32>((c0 - m0) * i0));
      store<f32>(o, <f32>((g - m1) * i1), 4);
      store<f32>(o, <f32>((c2 - m2) * i2), 8);
    }
  }
}
