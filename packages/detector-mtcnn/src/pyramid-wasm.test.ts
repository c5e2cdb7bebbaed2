import { describe, expect, it } from 'vitest';
import { wasmModuleVersions } from '@faceattr/test-support';
import { CropSampler } from './crop.js';
import { PyramidBuilder } from './pyramid-images.js';
import { loadPyramidWasm } from './pyramid-wasm.js';
import { pyramidLevels } from './pyramid.js';
import { frame640, loadDemo } from '../test/support.js';

const input = { mean: 127.5, inv: 1 / 128, bgr: false };

/** Every level of both engines, copied (the builders reuse their tensor buffers). */
function build(builder: PyramidBuilder, image: Parameters<PyramidBuilder['levels']>[0], minFace: number, bgr = false) {
  const levels = pyramidLevels(image.width, image.height, minFace, 0.709);
  return [...builder.levels(image, levels, { ...input, bgr })].map((l) => ({ image: l.image, tensor: l.tensor.slice() }));
}

describe('WebAssembly pyramid kernels', () => {
  it('the committed module (src/wasm/pyramid-wasm.ts) is what assembly/pyramid.ts compiles to', async () => {
    const v = await wasmModuleVersions('detector-mtcnn', 'src/wasm/pyramid-wasm.ts');
    if (v) expect(v.committed, v.hint).toBe(v.compiled);
  }, 60_000);

  it('builds the same levels as the JS path: bytes within 1 grey level, tensors from those bytes', async () => {
    const wasm = await loadPyramidWasm();
    expect(wasm, 'Node 20 runs WebAssembly SIMD').toBeDefined();
    const frame = await frame640();
    const photo = await loadDemo('sample3.jpg');
    // Odd sizes exercise the halving's repeated last row/column and the taps' partial cells.
    const odd = { ...frame, width: 639, height: 479, data: frame.data.subarray(0, 639 * 479 * 3) };
    for (const [image, minFace, bgr] of [[frame, 40, false], [frame, 20, true], [photo, 40, false], [odd, 33, false]] as const) {
      const js = build(new PyramidBuilder(), image, minFace, bgr);
      const wb = new PyramidBuilder();
      wb.wasm = wasm;
      // Twice: the second frame reuses the module's memory and the cached taps.
      build(wb, image, minFace, bgr);
      const ws = build(wb, image, minFace, bgr);
      expect(ws.length).toBe(js.length);
      let differing = 0;
      let total = 0;
      js.forEach((level, k) => {
        const w = ws[k]!;
        expect([w.image.width, w.image.height]).toEqual([level.image.width, level.image.height]);
        let max = 0;
        for (let i = 0; i < level.image.data.length; i++) {
          const d = Math.abs(level.image.data[i]! - w.image.data[i]!);
          max = Math.max(max, d);
          differing += d;
        }
        expect(max).toBeLessThanOrEqual(1);
        total += level.image.data.length;
        // P-Net's input is exactly the level's bytes, transposed and normalised, in the asked channel order.
        const { width: W, height: H, data } = w.image;
        for (const [x, y] of [[0, 0], [W - 1, H - 1], [W >> 1, H >> 2]] as const) {
          const s = (y * W + x) * 3;
          const t = (x * H + y) * 3;
          const rgb = [data[s]!, data[s + 1]!, data[s + 2]!].map((v) => (v - 127.5) / 128);
          expect(Array.from(w.tensor.subarray(t, t + 3))).toEqual((bgr ? rgb.reverse() : rgb).map((v) => Math.fround(v)));
        }
      });
      // Float32 sums in another order: a rounding tie goes the other way now and then, never more.
      expect(differing / total).toBeLessThan(0.01);
    }
  });

  it('cuts R-Net/O-Net crops identical to the JS sampler, from a picture in its memory', async () => {
    const wasm = (await loadPyramidWasm())!;
    const frame = await frame640();
    const boxes = [
      { x: 100.3, y: 50.7, width: 30.2, height: 30.2 },
      { x: -10, y: 400, width: 100, height: 100 }, // past the left and bottom edges
      { x: 300, y: 200, width: 12, height: 12 }, // upsampled
      { x: 5000, y: -3e9, width: 40, height: 40 }, // far outside: all border
    ];
    for (const size of [24, 48]) {
      for (const mirror of [false, true]) {
        for (const bgr of [false, true]) {
          const net = { ...input, bgr };
          wasm.begin(frame.data.length + 64);
          const at = wasm.put(frame);
          const got = wasm.crops(boxes.length, size, (i) => ({ at, box: boxes[i]! }), net, mirror).slice();
          const want = new Float32Array(got.length);
          const sampler = new CropSampler(size);
          boxes.forEach((b, i) => sampler.crop(frame, b, net, want, i * size * size * 3, mirror));
          expect(Array.from(got)).toEqual(Array.from(want));
        }
      }
    }
  });
});
