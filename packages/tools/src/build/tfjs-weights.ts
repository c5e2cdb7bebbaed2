/** One tensor from a tfjs weights-map, dequantized to float32. */
export interface NamedWeight {
  shape: number[];
  data: Float32Array;
}

interface ManifestWeight {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: { dtype: 'uint8' | 'uint16' | 'float16'; min?: number; scale?: number };
}

/**
 * Decodes a tfjs weights-map (manifest groups + concatenated shard bytes) into float32 tensors.
 * Handles the affine uint8/uint16 quantization tfjs writes (value = q * scale + min).
 */
export function decodeWeightsMap(groups: { weights: ManifestWeight[] }[], bytes: Uint8Array): Map<string, NamedWeight> {
  const map = new Map<string, NamedWeight>();
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let off = 0;
  for (const g of groups) {
    for (const w of g.weights) {
      const n = w.shape.reduce((a, b) => a * b, 1);
      const data = new Float32Array(n);
      const q = w.quantization;
      if (w.dtype !== 'float32') throw new Error(`weight ${w.name}: dtype ${w.dtype} is not supported (float32 only)`);
      if (!q) {
        for (let i = 0; i < n; i++) data[i] = view.getFloat32(off + i * 4, true);
        off += n * 4;
      } else if (q.dtype === 'uint8' || q.dtype === 'uint16') {
        const size = q.dtype === 'uint8' ? 1 : 2;
        const min = q.min ?? 0;
        const scale = q.scale ?? 1;
        for (let i = 0; i < n; i++) {
          const v = size === 1 ? view.getUint8(off + i) : view.getUint16(off + i * 2, true);
          data[i] = v * scale + min;
        }
        off += n * size;
      } else {
        throw new Error(`weight ${w.name}: quantization ${q.dtype} is not supported`);
      }
      map.set(w.name, { shape: w.shape, data });
    }
  }
  if (off !== bytes.length) throw new Error(`weights shard has ${bytes.length} bytes, the manifest describes ${off}`);
  return map;
}
