import { OnnxDataType, type OnnxAttributeValue, type OnnxNode, type OnnxTensor } from './onnx-proto.js';

/** Accumulates ONNX nodes and initializers with unique names. */
export class OnnxGraphBuilder {
  readonly nodes: OnnxNode[] = [];
  readonly initializers = new Map<string, OnnxTensor>();
  readonly #used = new Set<string>();

  /** Marks names taken (the TF node names the converter keeps as ONNX tensor names). */
  reserve(names: Iterable<string>): void {
    for (const n of names) this.#used.add(n);
  }

  /** A fresh name derived from `base`. */
  unique(base: string): string {
    let name = base;
    for (let i = 1; this.#used.has(name); i++) name = `${base}_${i}`;
    this.#used.add(name);
    return name;
  }

  /**
   * Appends a node and returns its (first) output name. `output` pins the output name (the TF
   * node's name for the last node of a converted op); otherwise one is derived from `name`.
   */
  add(opType: string, inputs: string[], attributes: Record<string, OnnxAttributeValue>, name: string, output?: string): string {
    const out = output ?? this.unique(`${name}/${opType}`);
    this.nodes.push({ opType, name: this.unique(`${name}#${opType}`), inputs, outputs: [out], attributes });
    return out;
  }

  addInitializer(t: OnnxTensor): string {
    if (!this.initializers.has(t.name)) this.initializers.set(t.name, t);
    return t.name;
  }

  floatInit(base: string, data: Float32Array, dims: number[]): string {
    return this.addInitializer({ name: this.unique(base), dataType: OnnxDataType.FLOAT, dims, rawData: leBytes(data) });
  }

  int32Init(base: string, data: Int32Array, dims: number[]): string {
    return this.addInitializer({ name: this.unique(base), dataType: OnnxDataType.INT32, dims, rawData: leBytes(data) });
  }

  /** An int64 tensor (shapes, axes, pads, slice bounds are int64 in ONNX). */
  int64Init(base: string, values: readonly number[], dims: number[] = [values.length]): string {
    const data = new BigInt64Array(values.map((v) => BigInt(v)));
    return this.addInitializer({ name: this.unique(base), dataType: OnnxDataType.INT64, dims, rawData: leBytes(data) });
  }

  /** A TF constant under its own (reserved) name. */
  constantInit(name: string, c: { dtype: 'float32' | 'int32'; shape: number[]; data: Float32Array | Int32Array }): string {
    const dataType = c.dtype === 'float32' ? OnnxDataType.FLOAT : OnnxDataType.INT32;
    return this.addInitializer({ name, dataType, dims: c.shape, rawData: leBytes(c.data) });
  }

  scalarFloat(base: string, v: number): string {
    return this.floatInit(base, Float32Array.of(v), []);
  }
}

/** Element bytes in little-endian order (ONNX raw_data), independent of the host's byte order. */
function leBytes(a: Float32Array | Int32Array | BigInt64Array): Uint8Array {
  const out = new Uint8Array(a.length * a.BYTES_PER_ELEMENT);
  const view = new DataView(out.buffer);
  for (let i = 0; i < a.length; i++) {
    if (a instanceof Float32Array) view.setFloat32(i * 4, a[i]!, true);
    else if (a instanceof Int32Array) view.setInt32(i * 4, a[i]!, true);
    else view.setBigInt64(i * 8, a[i]!, true);
  }
  return out;
}
