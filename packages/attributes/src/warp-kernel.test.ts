import { describe, expect, it } from 'vitest';
import { createModelContext, estimateSimilarity, invertAffine, landmarksToArray, warpToTensor, type Affine, type RgbImage } from '@faceattr/core';
import { decodeImage } from '@faceattr/core/node';
import { onnxBackend } from '@faceattr/backend-onnx';
import { mtcnn } from '@faceattr/detector-mtcnn';
import { demoPhoto, rng, wasmModuleVersions } from '@faceattr/test-support';
import { ENCODERS } from './encoders.js';
import { WarpKernel } from './warp-kernel.js';


/** Largest |difference| between the kernel's and core's warpToTensor on one map. */
function worstDiff(kernel: WarpKernel, image: RgbImage, m: Affine, w: number, h: number, o: Parameters<typeof warpToTensor>[4]): number {
  const want = warpToTensor(image, m, w, h, o);
  // A dirty buffer: every value must be written.
  const got = kernel.warpToTensor(image, m, w, h, o ?? {}, new Float32Array(w * h * 3).fill(Number.NaN));
  let worst = 0;
  for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i]! - want[i]!));
  return Number.isNaN(got.reduce((s, v) => s + v, 0)) ? Number.POSITIVE_INFINITY : worst;
}

describe('WebAssembly alignment warp', () => {
  it('the committed module (src/wasm/warp-wasm.ts) is what assembly/warp.ts compiles to', async () => {
    const v = await wasmModuleVersions('attributes', 'src/wasm/warp-wasm.ts');
    if (v) expect(v.committed, v.hint).toBe(v.compiled);
  }, 60_000);

  it("gives exactly core's warpToTensor values for every encoder's alignment of the demo photos' faces", async () => {
    const kernel = await WarpKernel.load();
    expect(kernel, 'Node 20 runs WebAssembly').toBeDefined();
    const detector = mtcnn();
    await detector.load(createModelContext(onnxBackend()));
    let faces = 0;
    for (const n of [1, 4, 6] as const) {
      const image = await decodeImage(demoPhoto(n));
      for (const face of await detector.detect(image)) {
        faces++;
        for (const spec of Object.values(ENCODERS)) {
          const m = invertAffine(estimateSimilarity(landmarksToArray(face.landmarks!), spec.template));
          expect(worstDiff(kernel!, image, m, spec.size, spec.size, { mean: spec.mean, std: spec.std })).toBe(0);
        }
      }
    }
    expect(faces).toBeGreaterThanOrEqual(8);
    await detector.dispose();
  });

  it('matches it exactly off the edges, rotated, shrunk 1x-8x, transposed, BGR, on odd sizes', async () => {
    const kernel = (await WarpKernel.load())!;
    const random = rng(7);
    const image: RgbImage = { data: new Uint8Array(53 * 31 * 3).map(() => Math.floor(random() * 256)), width: 53, height: 31, channels: 3 };
    for (let k = 0; k < 40; k++) {
      const scale = 0.3 + random() * 8;
      const angle = (random() - 0.5) * 2;
      const m: Affine = [scale * Math.cos(angle), -scale * Math.sin(angle), (random() - 0.3) * 60, scale * Math.sin(angle), scale * Math.cos(angle), (random() - 0.3) * 40];
      const o = { mean: random() * 128, std: 1 + random() * 100, border: random() < 0.5 ? 0 : 200, transpose: random() < 0.3, channelOrder: random() < 0.3 ? ('BGR' as const) : ('RGB' as const), antialias: random() < 0.9 };
      expect(worstDiff(kernel, image, m, 1 + Math.floor(random() * 40), 1 + Math.floor(random() * 40), o), JSON.stringify({ m, o })).toBe(0);
    }
  });
});
