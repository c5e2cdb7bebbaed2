/** The parts of a tfjs graph model (model.json + weights) the ONNX converter reads. */
import { halfToFloat } from '../float16.js';

export interface TfAttrValue {
  s?: string;
  i?: string | number;
  f?: number;
  b?: boolean;
  type?: string;
  shape?: { dim?: { size?: string | number }[]; unknownRank?: boolean };
  list?: { s?: string[]; i?: (string | number)[]; f?: number[]; b?: boolean[]; type?: string[] };
  tensor?: { dtype?: string; tensorShape?: { dim?: { size?: string | number }[] } };
}

export interface TfNode {
  name: string;
  op: string;
  input?: string[];
  attr?: Record<string, TfAttrValue>;
}

export interface TfjsWeightEntry {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: { dtype: 'uint8' | 'uint16' | 'float16'; min?: number; scale?: number; original_dtype?: string };
}

export interface TfjsModelJson {
  format?: string;
  modelTopology: { node: TfNode[]; library?: { function?: unknown[] }; versions?: Record<string, unknown> };
  weightsManifest: { paths: string[]; weights: TfjsWeightEntry[] }[];
  signature?: {
    inputs?: Record<string, { name: string }>;
    outputs?: Record<string, { name: string }>;
  };
}

/** A constant's value: float32 or int32 (every other weight dtype is converted on read). */
export interface ConstValue {
  dtype: 'float32' | 'int32';
  shape: number[];
  data: Float32Array | Int32Array;
}

const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/**
 * Splits concatenated weight bytes into named constants, dequantizing uint8/uint16 (v * scale + min)
 * and float16 entries to float32 the way tfjs does when it loads them, and widening bool to int32.
 */
export function decodeTfjsWeights(entries: readonly TfjsWeightEntry[], bytes: Uint8Array): Map<string, ConstValue> {
  const out = new Map<string, ConstValue>();
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let off = 0;
  for (const w of entries) {
    const n = size(w.shape);
    const q = w.quantization;
    const need = (bytesPer: number) => {
      if (off + n * bytesPer > bytes.length) {
        throw new Error(`weight ${w.name} (${n} x ${bytesPer} bytes at offset ${off}) runs past the end of the weight data (${bytes.length} bytes).`);
      }
    };
    if (q) {
      const bytesPer = q.dtype === 'uint8' ? 1 : 2;
      need(bytesPer);
      const target = (q.original_dtype ?? w.dtype) === 'int32' ? 'int32' : 'float32';
      const data = target === 'int32' ? new Int32Array(n) : new Float32Array(n);
      for (let i = 0; i < n; i++) {
        const at = off + i * bytesPer;
        let v: number;
        if (q.dtype === 'float16') v = halfToFloat(view.getUint16(at, true));
        else {
          const raw = q.dtype === 'uint8' ? view.getUint8(at) : view.getUint16(at, true);
          v = raw * (q.scale ?? 1) + (q.min ?? 0);
        }
        data[i] = target === 'int32' ? Math.round(v) : v;
      }
      out.set(w.name, { dtype: target, shape: w.shape, data });
      off += n * bytesPer;
      continue;
    }
    switch (w.dtype) {
      case 'float32': {
        need(4);
        const data = new Float32Array(n);
        for (let i = 0; i < n; i++) data[i] = view.getFloat32(off + i * 4, true);
        out.set(w.name, { dtype: 'float32', shape: w.shape, data });
        off += n * 4;
        break;
      }
      case 'int32': {
        need(4);
        const data = new Int32Array(n);
        for (let i = 0; i < n; i++) data[i] = view.getInt32(off + i * 4, true);
        out.set(w.name, { dtype: 'int32', shape: w.shape, data });
        off += n * 4;
        break;
      }
      case 'bool': {
        need(1);
        const data = new Int32Array(n);
        for (let i = 0; i < n; i++) data[i] = view.getUint8(off + i);
        out.set(w.name, { dtype: 'int32', shape: w.shape, data });
        off += n;
        break;
      }
      default:
        throw new Error(`weight ${w.name} has dtype ${w.dtype}, which the ONNX converter does not read (float32, int32, bool and uint8/uint16/float16-quantized weights are supported).`);
    }
  }
  if (off !== bytes.length) throw new Error(`the weights manifest describes ${off} bytes but the weight data has ${bytes.length}.`);
  return out;
}

/** Base64 string attribute -> text (tfjs stores `s` attributes base64-encoded). */
export function attrString(v: TfAttrValue | undefined): string | undefined {
  return v?.s === undefined ? undefined : Buffer.from(v.s, 'base64').toString('utf8');
}

export function attrInts(v: TfAttrValue | undefined): number[] | undefined {
  return v?.list?.i?.map(Number);
}

export function attrStrings(v: TfAttrValue | undefined): string[] {
  return (v?.list?.s ?? []).map((s) => Buffer.from(s, 'base64').toString('utf8'));
}

/** A Placeholder's shape: -1 (or a missing size) marks a free dimension; undefined = unknown rank. */
export function placeholderShape(node: TfNode): number[] | undefined {
  const s = node.attr?.['shape']?.shape;
  if (!s || s.unknownRank) return undefined;
  return (s.dim ?? []).map((d) => (d.size === undefined ? -1 : Number(d.size)));
}

/** Splits a tfjs input reference ("node", "node:1", "^control") into node and output index. */
export function parseInputRef(ref: string): { node: string; index: number; control: boolean } {
  if (ref.startsWith('^')) return { node: ref.slice(1), index: 0, control: true };
  const m = /^(.*):(\d+)$/.exec(ref);
  return m ? { node: m[1]!, index: Number(m[2]), control: false } : { node: ref, index: 0, control: false };
}
