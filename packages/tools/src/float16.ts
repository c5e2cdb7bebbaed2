/**
 * IEEE 754 half precision, for storing weights compactly: tfjs graphs read float16-quantized weights
 * natively (`quantization: { dtype: 'float16' }`), ONNX graphs read FLOAT16 initializers through a
 * Cast to float (folded into a float32 constant when the session loads).
 */
const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** float -> half bits, rounding to nearest even (overflow to infinity, underflow through subnormals to zero). */
export function floatToHalf(v: number): number {
  f32[0] = v;
  const x = u32[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  const e = exp - 112; // rebias 127 -> 15
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    let half = mant >>> shift;
    const rem = mant & ((1 << shift) - 1);
    const halfway = 1 << (shift - 1);
    if (rem > halfway || (rem === halfway && half & 1)) half++;
    return sign | half;
  }
  let half = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  // A carry out of the mantissa moves into the exponent, which is the right result (up to infinity).
  if (rem > 0x1000 || (rem === 0x1000 && half & 1)) half++;
  return sign | half;
}

/** half bits -> float. */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}

/** Little-endian float32 bytes -> little-endian half bytes (rounded to nearest even). */
export function toHalfBytes(floats: Uint8Array): Uint8Array {
  const src = new DataView(floats.buffer, floats.byteOffset, floats.byteLength);
  const out = new Uint8Array(floats.length / 2);
  const dst = new DataView(out.buffer);
  for (let i = 0; i < floats.length / 4; i++) dst.setUint16(i * 2, floatToHalf(src.getFloat32(i * 4, true)), true);
  return out;
}

/** The half bytes of little-endian float32 bytes when every value is exactly a half (NaN included), else undefined. */
export function exactHalfBytes(floats: Uint8Array): Uint8Array | undefined {
  const src = new DataView(floats.buffer, floats.byteOffset, floats.byteLength);
  const halves = toHalfBytes(floats);
  const back = new DataView(halves.buffer);
  for (let i = 0; i < floats.length / 4; i++) {
    const v = src.getFloat32(i * 4, true);
    const h = halfToFloat(back.getUint16(i * 2, true));
    if (!(Object.is(v, h) || (Number.isNaN(v) && Number.isNaN(h)))) return undefined;
  }
  return halves;
}

interface WeightEntry {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: { dtype: string } & Record<string, unknown>;
}
const ELEMENT_BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2 };

/**
 * A tfjs graph's weights (manifest groups + concatenated bytes) with every unquantized float32
 * weight rounded to half precision and marked `quantization: { dtype: 'float16' }`, which tfjs
 * decodes to float32 when it loads the model. Returns one group (`paths: ['model.bin']`) and its bytes.
 */
export function tfjsWeightsToFloat16<W extends WeightEntry>(groups: readonly { weights: readonly W[] }[], bytes: Uint8Array): { weightsManifest: { paths: string[]; weights: W[] }[]; weights: Uint8Array } {
  const chunks: Uint8Array[] = [];
  let off = 0;
  const entries = groups.flatMap((g) => g.weights).map((w): W => {
    const size = w.shape.reduce((a, b) => a * b, 1) * (ELEMENT_BYTES[w.quantization?.dtype ?? w.dtype] ?? NaN);
    if (!Number.isFinite(size)) throw new Error(`weight ${w.name} has dtype ${w.dtype}, which the float16 pass does not read.`);
    const part = bytes.subarray(off, off + size);
    off += size;
    if (w.dtype !== 'float32' || w.quantization) {
      chunks.push(part);
      return w;
    }
    chunks.push(toHalfBytes(part));
    return { ...w, quantization: { dtype: 'float16' } };
  });
  if (off !== bytes.length) throw new Error(`the weights manifest describes ${off} bytes, the weights have ${bytes.length}.`);
  const weights = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    weights.set(c, at);
    at += c.length;
  }
  return { weightsManifest: [{ paths: ['model.bin'], weights: entries }], weights };
}
