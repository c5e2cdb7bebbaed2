/**
 * A minimal writer of TensorFlow GraphDef JSON in the form tfjs-converter's `loadGraphModel`
 * reads (`model.json` with `modelTopology.node[]` and a `weightsManifest`), for assets whose
 * upstream ships weights only. Attribute encodings follow tfjs-converter's operation mapper:
 * strings are base64, integer lists are decimal strings, dtypes are enum names.
 */

type AttrValue =
  | { s: string }
  | { b: boolean }
  | { i: string }
  | { type: 'DT_FLOAT' | 'DT_INT32' }
  | { f: number }
  | { list: { i?: string[]; s?: string[] } }
  | { shape: { dim: { size: string }[] } }
  | { tensor: { dtype: 'DT_FLOAT' | 'DT_INT32'; tensorShape: { dim: { size: string }[] } } };

interface NodeDef {
  name: string;
  op: string;
  input?: string[];
  attr: Record<string, AttrValue>;
}

interface WeightSpec {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32';
}

const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');
const str = (s: string): AttrValue => ({ s: b64(s) });
const BIAS_ADD: AttrValue = { list: { s: [b64('BiasAdd')] } };
const ints = (v: readonly number[]): AttrValue => ({ list: { i: v.map(String) } });
const dims = (shape: readonly number[]) => ({ dim: shape.map((d) => ({ size: String(d) })) });
const FLOAT: AttrValue = { type: 'DT_FLOAT' };

export type Padding = 'SAME' | 'VALID';

/** Builds one graph: each method adds a node and returns its name, for chaining. */
/** The attributes Conv2D and _FusedConv2D share, in the order tfjs writes them (the built bytes depend on it). */
function convAttrs(strides: number, padding: Padding): Record<string, AttrValue> {
  return {
    T: FLOAT,
    strides: ints([1, strides, strides, 1]),
    padding: str(padding),
    data_format: str('NHWC'),
    dilations: ints([1, 1, 1, 1]),
    use_cudnn_on_gpu: { b: true },
  };
}

export class GraphDefBuilder {
  readonly #nodes: NodeDef[] = [];
  readonly #weights: WeightSpec[] = [];
  readonly #chunks: Uint8Array[] = [];

  placeholder(name: string, shape: readonly number[]): string {
    this.#nodes.push({ name, op: 'Placeholder', attr: { dtype: FLOAT, shape: { shape: dims(shape) } } });
    return name;
  }

  /** A weight: a Const node whose value the loader reads from the weights file under the same name. */
  constFloat(name: string, shape: readonly number[], data: Float32Array): string {
    if (data.length !== shape.reduce((a, b) => a * b, 1)) throw new Error(`const ${name}: ${data.length} values for shape [${shape.join(',')}]`);
    return this.#const(name, shape, 'float32', new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice());
  }

  constInt(name: string, values: readonly number[], shape: readonly number[] = [values.length]): string {
    const data = Int32Array.from(values);
    return this.#const(name, shape, 'int32', new Uint8Array(data.buffer));
  }

  #const(name: string, shape: readonly number[], dtype: 'float32' | 'int32', bytes: Uint8Array): string {
    const tfType = dtype === 'float32' ? 'DT_FLOAT' : 'DT_INT32';
    this.#nodes.push({ name, op: 'Const', attr: { dtype: { type: tfType }, value: { tensor: { dtype: tfType, tensorShape: dims(shape) } } } });
    this.#weights.push({ name, shape: [...shape], dtype });
    this.#chunks.push(bytes);
    return name;
  }

  conv2d(name: string, x: string, filter: string, strides: number, padding: Padding): string {
    this.#nodes.push({
      name,
      op: 'Conv2D',
      input: [x, filter],
      attr: convAttrs(strides, padding),
    });
    return name;
  }

  /** MatMul + BiasAdd fused (tfjs `_FusedMatMul`, fused_ops [BiasAdd]). */
  fusedMatMul(name: string, a: string, b: string, bias: string): string {
    this.#nodes.push({
      name,
      op: '_FusedMatMul',
      input: [a, b, bias],
      attr: { T: FLOAT, num_args: { i: '1' }, fused_ops: BIAS_ADD, transpose_a: { b: false }, transpose_b: { b: false }, epsilon: { f: 0 } },
    });
    return name;
  }

  maxPool(name: string, x: string, size: number, strides: number, padding: Padding): string {
    return this.#pool('MaxPool', name, x, size, strides, padding);
  }

  avgPool(name: string, x: string, size: number, strides: number, padding: Padding): string {
    return this.#pool('AvgPool', name, x, size, strides, padding);
  }

  #pool(op: 'MaxPool' | 'AvgPool', name: string, x: string, size: number, strides: number, padding: Padding): string {
    this.#nodes.push({
      name,
      op,
      input: [x],
      attr: { T: FLOAT, ksize: ints([1, size, size, 1]), strides: ints([1, strides, strides, 1]), padding: str(padding), data_format: str('NHWC') },
    });
    return name;
  }

  biasAdd(name: string, x: string, bias: string): string {
    this.#nodes.push({ name, op: 'BiasAdd', input: [x, bias], attr: { T: FLOAT, data_format: str('NHWC') } });
    return name;
  }

  prelu(name: string, x: string, alpha: string): string {
    this.#nodes.push({ name, op: 'Prelu', input: [x, alpha], attr: { T: FLOAT } });
    return name;
  }

  matMul(name: string, a: string, b: string): string {
    this.#nodes.push({ name, op: 'MatMul', input: [a, b], attr: { T: FLOAT, transpose_a: { b: false }, transpose_b: { b: false } } });
    return name;
  }

  reshape(name: string, x: string, shape: string): string {
    this.#nodes.push({ name, op: 'Reshape', input: [x, shape], attr: { T: FLOAT, Tshape: { type: 'DT_INT32' } } });
    return name;
  }

  transpose(name: string, x: string, perm: string): string {
    this.#nodes.push({ name, op: 'Transpose', input: [x, perm], attr: { T: FLOAT, Tperm: { type: 'DT_INT32' } } });
    return name;
  }

  softmax(name: string, x: string): string {
    return this.#unary('Softmax', name, x);
  }

  identity(name: string, x: string): string {
    return this.#unary('Identity', name, x);
  }

  sigmoid(name: string, x: string): string {
    return this.#unary('Sigmoid', name, x);
  }

  relu(name: string, x: string): string {
    return this.#unary('Relu', name, x);
  }

  /** An elementwise float op with one input and no attributes beyond its type. */
  #unary(op: string, name: string, x: string): string {
    this.#nodes.push({ name, op, input: [x], attr: { T: FLOAT } });
    return name;
  }

  add(name: string, a: string, b: string): string {
    this.#nodes.push({ name, op: 'AddV2', input: [a, b], attr: { T: FLOAT } });
    return name;
  }

  /** Zero padding; `paddings` is a Const int32 node of shape [rank * 2] holding [before, after] per axis. */
  pad(name: string, x: string, paddings: string): string {
    this.#nodes.push({ name, op: 'Pad', input: [x, paddings], attr: { T: FLOAT, Tpaddings: { type: 'DT_INT32' } } });
    return name;
  }

  /** Mean over the axes in the Const int32 node `axes`, dropping them. */
  mean(name: string, x: string, axes: string): string {
    this.#nodes.push({ name, op: 'Mean', input: [x, axes], attr: { T: FLOAT, Tidx: { type: 'DT_INT32' }, keep_dims: { b: false } } });
    return name;
  }

  /** Conv2D + BiasAdd (+ Relu) as one node: tfjs runs it as a single fused kernel. */
  fusedConv2d(name: string, x: string, filter: string, bias: string, strides: number, padding: Padding, relu: boolean): string {
    this.#nodes.push({
      name,
      op: '_FusedConv2D',
      input: [x, filter, bias],
      attr: {
        ...convAttrs(strides, padding),
        explicit_paddings: { list: {} },
        num_args: { i: '1' },
        epsilon: { f: 0 } as unknown as AttrValue,
        fused_ops: { list: { s: (relu ? ['BiasAdd', 'Relu'] : ['BiasAdd']).map((o) => Buffer.from(o, 'utf8').toString('base64')) } },
      },
    });
    return name;
  }

  /** `model.json` (graph + one weights group pointing at `model.bin`) and the packed weights. */
  files(meta: { generatedBy: string; convertedBy: string }): Record<string, Uint8Array> {
    const json = {
      format: 'graph-model',
      generatedBy: meta.generatedBy,
      convertedBy: meta.convertedBy,
      modelTopology: { node: this.#nodes, library: {}, versions: {} },
      weightsManifest: [{ paths: ['model.bin'], weights: this.#weights }],
    };
    const total = this.#chunks.reduce((n, c) => n + c.length, 0);
    const bin = new Uint8Array(total);
    let off = 0;
    for (const c of this.#chunks) {
      bin.set(c, off);
      off += c.length;
    }
    return { 'model.json': new TextEncoder().encode(JSON.stringify(json)), 'model.bin': bin };
  }
}
