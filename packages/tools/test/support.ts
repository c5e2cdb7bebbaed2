/** This package's test helpers: small tfjs graph models built in memory, for the converter's tests. */
import { rng } from '@faceattr/test-support';
import type { TfAttrValue, TfjsModelJson, TfNode } from '../src/onnx/tfjs-graph.js';

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

/** tfjs model.json attribute encodings. */
export const attr = {
  s: (v: string): TfAttrValue => ({ s: b64(v) }),
  ints: (v: number[]): TfAttrValue => ({ list: { i: v.map(String) } }),
  strs: (v: string[]): TfAttrValue => ({ list: { s: v.map(b64) } }),
  i: (v: number): TfAttrValue => ({ i: String(v) }),
  f: (v: number): TfAttrValue => ({ f: v }),
  b: (v: boolean): TfAttrValue => ({ b: v }),
  type: (v: string): TfAttrValue => ({ type: v }),
};

/** Deterministic pseudo-random values in [lo, hi). */
export function seeded(n: number, seed: number, lo = -1, hi = 1): number[] {
  const next = rng(seed);
  return Array.from({ length: n }, () => lo + next() * (hi - lo));
}

/** A graph with one float input `x`: add constants and op nodes, then build model.json + weights. */
export class TestGraph {
  readonly nodes: TfNode[] = [];
  readonly #consts: { name: string; shape: number[]; dtype: 'float32' | 'int32'; values: number[] }[] = [];
  #seed = 7;

  constructor(readonly inputShape: number[]) {
    this.nodes.push({ name: 'x', op: 'Placeholder', attr: { dtype: attr.type('DT_FLOAT'), shape: { shape: { dim: inputShape.map((d) => ({ size: String(d) })) } } } });
  }

  /** A constant; random float values in [-1, 1) unless given. */
  c(name: string, shape: number[], values?: number[], dtype: 'float32' | 'int32' = 'float32'): string {
    const n = shape.reduce((a, b) => a * b, 1);
    const v = values ?? seeded(n, this.#seed++);
    if (v.length !== n) throw new Error(`constant ${name}: ${v.length} values for shape [${shape.join(', ')}]`);
    this.#consts.push({ name, shape, dtype, values: v });
    this.nodes.push({ name, op: 'Const', attr: { dtype: attr.type(dtype === 'float32' ? 'DT_FLOAT' : 'DT_INT32') } });
    return name;
  }

  ints(name: string, values: number[]): string {
    return this.c(name, [values.length], values, 'int32');
  }

  op(name: string, op: string, inputs: string[], attrs: Record<string, TfAttrValue> = {}): string {
    this.nodes.push({ name, op, input: inputs, attr: { T: attr.type('DT_FLOAT'), ...attrs } });
    return name;
  }

  build(): { json: TfjsModelJson; weights: Uint8Array } {
    const bytes: number[] = [];
    const view = new DataView(new ArrayBuffer(4));
    for (const c of this.#consts) {
      for (const v of c.values) {
        if (c.dtype === 'float32') view.setFloat32(0, v, true);
        else view.setInt32(0, v, true);
        bytes.push(view.getUint8(0), view.getUint8(1), view.getUint8(2), view.getUint8(3));
      }
    }
    return {
      json: {
        format: 'graph-model',
        modelTopology: { node: this.nodes, library: {}, versions: {} },
        weightsManifest: [{ paths: ['w.bin'], weights: this.#consts.map((c) => ({ name: c.name, shape: c.shape, dtype: c.dtype })) }],
      },
      weights: new Uint8Array(bytes),
    };
  }
}
