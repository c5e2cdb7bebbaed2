import * as tf from '@tensorflow/tfjs-core';

/**
 * A small straight-line executor for plain feed-forward graphs (the MTCNN nets, the attribute
 * heads): each node becomes one tfjs op call, in topological order, inside one tidy. It calls the
 * same kernels with the same arguments as tfjs-converter's GraphModel, so outputs are bitwise the
 * same, without GraphModel's per-call bookkeeping (~0.3 ms per call on tfjs wasm, which P-Net pays
 * once per pyramid level). Graphs with any op or attribute outside this list return undefined
 * from {@link compileDirectGraph} and keep using GraphModel.
 */
export interface DirectGraph {
  readonly inputs: readonly string[];
  /** Runs the graph on `feeds` (by input name); returns the requested outputs (caller disposes). */
  execute(feeds: Readonly<Record<string, tf.Tensor>>, outputs: readonly string[]): tf.Tensor[];
}

interface AttrValue {
  s?: string;
  i?: string | number;
  b?: boolean;
  f?: number;
  list?: { s?: string[]; i?: (string | number)[] };
  type?: string;
}
interface GraphNode {
  name: string;
  op: string;
  input?: string[];
  attr?: Record<string, AttrValue>;
}

type Env = Map<string, tf.Tensor>;
type Step = (env: Env) => tf.Tensor;

const text = (v: AttrValue | undefined): string | undefined => (v?.s === undefined ? undefined : atob(v.s));
const ints = (v: AttrValue | undefined): number[] | undefined => v?.list?.i?.map(Number);

class Unsupported extends Error {}
const need = <T>(v: T | undefined, why: string): T => {
  if (v === undefined) throw new Unsupported(why);
  return v;
};

/** NHWC only, no explicit padding; strides/dilations/ksize given as [1, h, w, 1]. */
function spatial(node: GraphNode, key: 'strides' | 'dilations' | 'ksize', fallback?: [number, number]): [number, number] {
  const v = ints(node.attr?.[key]);
  if (!v) return need(fallback, `${node.op} without ${key}`);
  if (v.length !== 4 || v[0] !== 1 || v[3] !== 1) throw new Unsupported(`${node.op} ${key} ${v}`);
  return [v[1]!, v[2]!];
}
function padding(node: GraphNode): 'valid' | 'same' {
  const p = text(node.attr?.['padding']);
  if (p === 'VALID') return 'valid';
  if (p === 'SAME') return 'same';
  throw new Unsupported(`${node.op} padding ${p}`);
}
function nhwc(node: GraphNode): void {
  const f = text(node.attr?.['data_format']);
  if (f !== undefined && f !== 'NHWC') throw new Unsupported(`${node.op} data_format ${f}`);
}
/** fused_ops [BiasAdd] or [BiasAdd, Relu|Prelu]: the activation name for tf.fused. */
function fusedActivation(node: GraphNode): 'linear' | 'relu' | 'prelu' {
  const ops = (node.attr?.['fused_ops']?.list?.s ?? []).map((s) => atob(s));
  if (ops[0] !== 'BiasAdd' || ops.length > 2) throw new Unsupported(`fused_ops ${ops}`);
  if (ops.length === 1) return 'linear';
  if (ops[1] === 'Relu') return 'relu';
  if (ops[1] === 'Prelu') return 'prelu';
  throw new Unsupported(`fused_ops ${ops}`);
}

/**
 * The trailing arguments of a _Fused* op (inputs after the first two): its bias, its activation
 * and, for Prelu, the slopes; checks the input count matches fused_ops.
 */
function fusedTail(node: GraphNode, ins: readonly string[]): (env: Env) => { bias: tf.Tensor; activation: 'linear' | 'relu' | 'prelu'; preluActivationWeights?: tf.Tensor } {
  const activation = fusedActivation(node);
  if (ins.length !== (activation === 'prelu' ? 4 : 3)) throw new Unsupported(`${node.op} inputs`);
  return (env) => ({ bias: env.get(ins[2]!)!, activation, ...(activation === 'prelu' ? { preluActivationWeights: env.get(ins[3]!)! } : {}) });
}

/**
 * Compiles `nodes` against the model's weights (Const nodes by name). Returns undefined when the
 * graph has anything this executor does not cover.
 */
export function compileDirectGraph(topology: unknown, weights: Readonly<Record<string, tf.Tensor[]>>): DirectGraph | undefined {
  const nodes = (topology as { node?: GraphNode[] } | undefined)?.node;
  if (!Array.isArray(nodes)) return undefined;
  try {
    const inputs: string[] = [];
    const steps: { name: string; run: Step }[] = [];
    const known = new Set<string>();
    const ref = (name: string): string => {
      const n = name.replace(/:0$/, '');
      if (n.startsWith('^') || n.includes(':')) throw new Unsupported(`input ${name}`);
      return n;
    };
    const constValue = (name: string): tf.Tensor => need(weights[name]?.[0], `const ${name}`);
    const pending = [...nodes];
    // Topological order (GraphDefs list nodes in any order).
    while (pending.length) {
      const before = pending.length;
      for (let k = 0; k < pending.length; k++) {
        const node = pending[k]!;
        const ins = (node.input ?? []).map(ref);
        if (!ins.every((i) => known.has(i))) continue;
        pending.splice(k--, 1);
        known.add(node.name);
        const step = compileNode(node, ins, constValue);
        if (step === 'input') inputs.push(node.name);
        else if (step) steps.push({ name: node.name, run: step });
      }
      if (pending.length === before) return undefined; // a cycle or a missing input
    }
    const constants = new Map<string, tf.Tensor>();
    for (const n of nodes) if (n.op === 'Const') constants.set(n.name, constValue(n.name));
    return {
      inputs,
      execute(feeds, outputs) {
        const fed = Object.values(feeds);
        for (const i of inputs) if (!feeds[i] && !feeds[`${i}:0`]) throw new Error(`input "${i}" was not fed`);
        return tf.tidy(() => {
          const env: Env = new Map(constants);
          for (const [k, v] of Object.entries(feeds)) env.set(k.replace(/:0$/, ''), v);
          for (const s of steps) env.set(s.name, s.run(env));
          // tidy keeps what is returned; constants and feeds are not ours to hand out.
          return outputs.map((o) => {
            const name = o.replace(/:0$/, '');
            const t = env.get(name);
            if (!t) throw new Error(`the graph has no node "${o}"`);
            return constants.has(name) || fed.includes(t) ? t.clone() : t;
          });
        });
      },
    };
  } catch (e) {
    if (e instanceof Unsupported) return undefined;
    throw e;
  }
}

function compileNode(node: GraphNode, ins: string[], constValue: (name: string) => tf.Tensor): Step | 'input' | undefined {
  const a = node.attr ?? {};
  const T = a['T']?.type;
  if (T !== undefined && T !== 'DT_FLOAT') throw new Unsupported(`${node.op} of ${T}`);
  const get = (env: Env, k: number) => env.get(ins[k]!)!;
  switch (node.op) {
    case 'Placeholder':
      return 'input';
    case 'Const':
      constValue(node.name);
      return undefined;
    case 'Identity':
      return (env) => get(env, 0);
    case '_FusedConv2D':
    case 'Conv2D': {
      nhwc(node);
      const strides = spatial(node, 'strides');
      const dilations = spatial(node, 'dilations', [1, 1]);
      const pad = padding(node);
      if (node.op === 'Conv2D') {
        if (ins.length !== 2) throw new Unsupported('Conv2D inputs');
        return (env) => tf.conv2d(get(env, 0) as tf.Tensor4D, get(env, 1) as tf.Tensor4D, strides, pad, 'NHWC', dilations);
      }
      const tail = fusedTail(node, ins);
      return (env) => tf.fused.conv2d({ x: get(env, 0) as tf.Tensor4D, filter: get(env, 1) as tf.Tensor4D, strides, pad, dataFormat: 'NHWC', dilations, ...tail(env) });
    }
    case '_FusedMatMul':
    case 'MatMul': {
      const transposeA = a['transpose_a']?.b ?? false;
      const transposeB = a['transpose_b']?.b ?? false;
      if (node.op === 'MatMul') return (env) => tf.matMul(get(env, 0), get(env, 1), transposeA, transposeB);
      const tail = fusedTail(node, ins);
      return (env) => tf.fused.matMul({ a: get(env, 0) as tf.Tensor2D, b: get(env, 1) as tf.Tensor2D, transposeA, transposeB, ...tail(env) });
    }
    case 'MaxPool': {
      nhwc(node);
      const ksize = spatial(node, 'ksize');
      const strides = spatial(node, 'strides');
      const pad = padding(node);
      return (env) => tf.maxPool(get(env, 0) as tf.Tensor4D, ksize, strides, pad);
    }
    case 'Prelu':
      return (env) => tf.prelu(get(env, 0), get(env, 1));
    case 'Relu':
      return (env) => tf.relu(get(env, 0));
    case 'Sigmoid':
      return (env) => tf.sigmoid(get(env, 0));
    case 'Softmax':
      return (env) => tf.softmax(get(env, 0));
    case 'BiasAdd':
      nhwc(node);
      return (env) => tf.add(get(env, 0), get(env, 1));
    case 'Reshape': {
      // The shape must be a constant (it is in every graph this project builds).
      const shape = Array.from(constValue(ins[1]!).dataSync());
      return (env) => tf.reshape(get(env, 0), shape);
    }
    default:
      throw new Unsupported(node.op);
  }
}
