/** Inputs for any model asset, built from its manifest and a real photo (backend tests, parity tests and benches share them). */
import type { RgbImage } from '../image/image-types.js';
import { cropResizeToTensor } from '../image/sample.js';
import type { ModelManifest, TensorSpec } from '../model/manifest.js';
import type { TensorData } from '../plugins.js';

/** Free (null) dims get these sizes: batch 2 (so batching is exercised), images 48 high x 64 wide. */
function concreteShape(spec: TensorSpec): number[] {
  const free = [2, 48, 64, 3];
  return spec.shape.map((d, i) => d ?? (spec.shape.length === 4 ? free[i]! : i === 0 ? 2 : 8));
}

/**
 * Feeds for every input of a manifest: image inputs ([N, H, W, 3]) get crops of `img` (a real photo)
 * (different crops per batch item), normalised as the manifest says; other inputs get a ramp.
 */
export function manifestFeeds(manifest: Pick<ModelManifest, 'inputs'>, img: RgbImage): Record<string, TensorData> {
  const feeds: Record<string, TensorData> = {};
  for (const spec of manifest.inputs) {
    const shape = concreteShape(spec);
    const n = shape.reduce((a, b) => a * b, 1);
    if (spec.dtype === 'int32') {
      feeds[spec.name] = { data: Int32Array.from({ length: n }, (_, i) => i % 7), shape };
      continue;
    }
    if (shape.length !== 4 || shape[3] !== 3) {
      feeds[spec.name] = { data: Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.1)), shape };
      continue;
    }
    const [batch, a, b] = shape as [number, number, number, number];
    const norm = spec.normalization;
    // NWHC inputs are written width-major; a and b are then width and height.
    const transpose = norm?.layout === 'NWHC';
    const [h, w] = transpose ? [b, a] : [a, b];
    const data = new Float32Array(n);
    const side = Math.min(img.width, img.height);
    for (let k = 0; k < batch; k++) {
      const s = side * (1 - 0.15 * k);
      const box = { x: (img.width - s) / 2 + 10 * k, y: (img.height - s) / 2, width: s, height: s * (h / w) };
      cropResizeToTensor(img, box, w, h, { mean: norm?.mean ?? 0, std: norm?.std ?? 1, channelOrder: norm?.channelOrder ?? 'RGB', transpose }, data.subarray((k * n) / batch, ((k + 1) * n) / batch));
    }
    feeds[spec.name] = { data, shape };
  }
  return feeds;
}

// float32 sums in a different order (another runtime's kernels) differ by rounding that grows
// with the magnitude of the values, so "agree within 1e-4" is |a - b| <= 1e-4 * max(1, |a|).
/** The largest |a[i] - b[i]| / max(1, |a[i]|): "agree within 1e-4" means this is at most 1e-4. */
export function maxScaledDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!) / Math.max(1, Math.abs(a[i]!)));
  return m;
}
