/**
 * Removes the Transpose pairs the NHWC<->NCHW wrapping of convs leaves behind (see conv-ops.ts):
 *  1. Transpose(p) feeding Transpose(q) with q after p = identity: consumers read the first one's input.
 *  2. An elementwise op whose inputs all come from Transposes with the same perm (or are scalars)
 *     runs on the untransposed tensors and one Transpose follows it instead; repeated, this moves
 *     the NCHW->NHWC transposes down to the next conv, where rule 1 cancels them.
 * Then drops nodes nothing reads. Graph outputs keep their names and values.
 * Residual blocks (an Add of a conv output and an NHWC skip input) keep their transposes here;
 * onnxruntime's own transpose optimizer (basic level) pushes those through at session creation
 * (BlazeFace: 144 transposes unoptimised, 42 after this pass, 5 after onnxruntime's).
 */
import type { OnnxGraph, OnnxNode } from './onnx-proto.js';
import type { OnnxGraphBuilder } from './graph-builder.js';

const ELEMENTWISE_UNARY = new Set(['Relu', 'Sigmoid', 'Tanh', 'Elu', 'LeakyRelu', 'Exp', 'Log', 'Neg', 'Abs', 'Sqrt', 'Reciprocal', 'Softplus', 'Floor', 'Ceil']);
const ELEMENTWISE_BINARY = new Set(['Add', 'Sub', 'Mul', 'Div', 'Max', 'Min', 'Pow']);

function permOf(n: OnnxNode): number[] {
  return n.attributes['perm'] as number[];
}

function isInverse(p: number[], q: number[]): boolean {
  // Transpose(p) then Transpose(q) gives out[i] = in[p[q[i]]].
  return p.length === q.length && q.every((qi, i) => p[qi] === i);
}

function samePerm(a: number[], b: number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

export function optimizeTransposes(graph: OnnxGraph, b: OnnxGraphBuilder): void {
  const outputs = new Set(graph.outputs.map((o) => o.name));
  const isScalarInit = (name: string) => {
    const t = b.initializers.get(name);
    return t !== undefined && t.dims.reduce((a, c) => a * c, 1) === 1 && t.dims.length <= 1;
  };
  // A constant [C] (or [1,..,1,C]) that broadcasts over the last (channel) axis of NHWC.
  const channelVector = (name: string) => {
    const t = b.initializers.get(name);
    if (!t || t.dims.length === 0 || t.dims.length > 4 || t.dims.slice(0, -1).some((d) => d !== 1)) return undefined;
    return t;
  };
  // The same values as [C,1,1], which broadcasts over the channel axis of NCHW.
  const nchwCopies = new Map<string, string>();
  const channelVectorNchw = (name: string) => {
    let nchw = nchwCopies.get(name);
    if (nchw === undefined) {
      const t = channelVector(name)!;
      nchw = b.addInitializer({ ...t, name: b.unique(`${name}/nchw`), dims: [t.dims[t.dims.length - 1]!, 1, 1] });
      graph.initializers.push(b.initializers.get(nchw)!);
      nchwCopies.set(name, nchw);
    }
    return nchw;
  };
  for (let changed = true; changed; ) {
    changed = false;
    const producer = new Map<string, OnnxNode>();
    for (const n of graph.nodes) for (const o of n.outputs) producer.set(o, n);
    const transposeOf = (name: string) => {
      const p = producer.get(name);
      return p?.opType === 'Transpose' ? p : undefined;
    };

    for (const n of graph.nodes) {
      if (n.opType === 'Transpose') {
        const prev = transposeOf(n.inputs[0]!);
        if (prev && isInverse(permOf(prev), permOf(n)) && !outputs.has(n.outputs[0]!)) {
          rename(graph, n.outputs[0]!, prev.inputs[0]!);
          n.inputs = [];
          n.outputs = [];
          changed = true;
        }
        continue;
      }
      const unary = ELEMENTWISE_UNARY.has(n.opType) || (n.opType === 'Clip' && n.inputs.slice(1).every(isScalarInit));
      const binary = ELEMENTWISE_BINARY.has(n.opType) || n.opType === 'PRelu';
      if (!unary && !binary) continue;
      const dataInputs = unary ? [0] : [0, 1];
      const ts = dataInputs.map((i) => transposeOf(n.inputs[i]!));
      const perm = ts.find((t) => t !== undefined);
      if (!perm) continue;
      const p = permOf(perm);
      // Every data input must be transposed the same way, be a scalar that broadcasts in any layout,
      // or be a per-channel vector (bias, Prelu alpha) that can be re-laid out for NCHW.
      const toNhwc = samePerm(p, [0, 2, 3, 1]);
      const ok = dataInputs.every((i, k) => (ts[k] ? samePerm(permOf(ts[k]!), p) : isScalarInit(n.inputs[i]!) || (toNhwc && channelVector(n.inputs[i]!) !== undefined)));
      if (!ok) continue;
      dataInputs.forEach((i, k) => {
        if (ts[k]) n.inputs[i] = ts[k]!.inputs[0]!;
        else if (!isScalarInit(n.inputs[i]!)) n.inputs[i] = channelVectorNchw(n.inputs[i]!);
      });
      const out = n.outputs[0]!;
      const moved = b.unique(`${out}/pre_transpose`);
      n.outputs = [moved];
      graph.nodes.splice(graph.nodes.indexOf(n) + 1, 0, { opType: 'Transpose', name: b.unique(`${out}#sunk_transpose`), inputs: [moved], outputs: [out], attributes: { perm: p } });
      changed = true;
      break; // the node list changed under the loop
    }
    graph.nodes = graph.nodes.filter((n) => n.outputs.length > 0);
  }
  removeDeadNodes(graph, outputs);
}

function rename(graph: OnnxGraph, from: string, to: string): void {
  for (const n of graph.nodes) n.inputs = n.inputs.map((i) => (i === from ? to : i));
}

function removeDeadNodes(graph: OnnxGraph, outputs: Set<string>): void {
  const live = new Set(outputs);
  const kept: OnnxNode[] = [];
  for (let i = graph.nodes.length - 1; i >= 0; i--) {
    const n = graph.nodes[i]!;
    if (!n.outputs.some((o) => live.has(o))) continue;
    kept.push(n);
    for (const x of n.inputs) live.add(x);
  }
  graph.nodes = kept.reverse();
  graph.initializers = graph.initializers.filter((t) => live.has(t.name));
}
