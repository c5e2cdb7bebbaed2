/**
 * tfjs graph model (model.json + weights) -> ONNX ModelProto (opset 13), written from the op
 * semantics of TensorFlow and ONNX. Every op must convert exactly or the conversion fails with
 * an {@link OnnxConversionError} naming the op and the node.
 */
import { exactHalfBytes } from '../float16.js';
import { CONV_OPS } from './conv-ops.js';
import { OnnxGraphBuilder } from './graph-builder.js';
import { MATH_OPS } from './math-ops.js';
import { encodeOnnxModel, OnnxDataType, type OnnxGraph, type OnnxNode, type OnnxValueInfo } from './onnx-proto.js';
import { OnnxConversionError, type OpContext, type OpConverter } from './op-context.js';
import { optimizeTransposes } from './optimize-transposes.js';
import { SHAPE_OPS } from './shape-ops.js';
import { decodeTfjsWeights, parseInputRef, placeholderShape, type ConstValue, type TfjsModelJson, type TfNode } from './tfjs-graph.js';

export const ONNX_OPSET = 13;

const CONVERTERS: Record<string, OpConverter> = { ...CONV_OPS, ...MATH_OPS, ...SHAPE_OPS };

/** TF ops the converter translates. */
export const SUPPORTED_TF_OPS: readonly string[] = ['Const', 'Placeholder', ...Object.keys(CONVERTERS)].sort();

export interface ConvertOptions {
  /** Graph name in the ONNX file. */
  name?: string;
  /** Cancel the layout transposes around convs (default true; off only to test the pass). */
  optimize?: boolean;
  /** Free text stored in the model (where it came from). */
  docString?: string;
  /**
   * Store each float initializer whose values are all exactly half-precision numbers (weights read from
   * a float16 tfjs graph) as FLOAT16 behind a Cast to float: half the bytes, the same numbers. Default
   * false (the repository's full build keeps float32 initializers; the published packages set it).
   */
  exactFloat16?: boolean;
}

export interface ConvertedOnnx {
  bytes: Uint8Array;
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
  /** TF op -> count, of the nodes converted (reachable from the outputs). */
  tfOps: Record<string, number>;
  /** ONNX op -> count in the written graph. */
  onnxOps: Record<string, number>;
}

const stripPort = (n: string) => n.replace(/:0$/, '');

function elemType(node: TfNode): OnnxDataType {
  const t = node.attr?.['dtype']?.type ?? node.attr?.['T']?.type ?? node.attr?.['DstT']?.type ?? 'DT_FLOAT';
  if (t === 'DT_FLOAT') return OnnxDataType.FLOAT;
  if (t === 'DT_INT32') return OnnxDataType.INT32;
  throw new OnnxConversionError(node.op, node.name, `dtype ${t} is not supported (float32 and int32 only).`);
}

/** Graph outputs as tfjs GraphModel reports them: the signature's, else nodes nothing consumes. */
function findOutputs(json: TfjsModelJson, nodes: Map<string, TfNode>): string[] {
  const sig = json.signature?.outputs;
  if (sig && Object.keys(sig).length) return Object.values(sig).map((o) => stripPort(o.name));
  const consumed = new Set<string>();
  for (const n of nodes.values()) for (const r of n.input ?? []) consumed.add(parseInputRef(r).node);
  return [...nodes.values()].filter((n) => !consumed.has(n.name) && n.op !== 'Const' && n.op !== 'NoOp').map((n) => n.name);
}

function findInputs(json: TfjsModelJson, nodes: Map<string, TfNode>): string[] {
  const sig = json.signature?.inputs;
  if (sig && Object.keys(sig).length) return Object.values(sig).map((o) => stripPort(o.name));
  return [...nodes.values()].filter((n) => n.op === 'Placeholder').map((n) => n.name);
}

/** Nodes the outputs depend on, inputs before consumers (ONNX requires topological order). */
function topologicalOrder(outputs: string[], nodes: Map<string, TfNode>): TfNode[] {
  const order: TfNode[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string, from: string) => {
    const s = state.get(name);
    if (s === 'done') return;
    if (s === 'visiting') throw new Error(`tfjs -> ONNX: the graph has a cycle through node "${name}" (control flow is not supported).`);
    const node = nodes.get(name);
    if (!node) throw new Error(`tfjs -> ONNX: node "${from}" reads "${name}", which is not in the graph.`);
    state.set(name, 'visiting');
    // Recursive: the depth is the longest path, a few hundred nodes in real models.
    for (const r of node.input ?? []) {
      const ref = parseInputRef(r);
      if (!ref.control) visit(ref.node, name);
    }
    state.set(name, 'done');
    order.push(node);
  };
  for (const o of outputs) visit(o, '(graph outputs)');
  return order;
}

/** Converts a tfjs graph model to ONNX bytes. `weightData` is every weight file concatenated in manifest order. */
export function convertTfjsGraph(json: TfjsModelJson, weightData: Uint8Array, options: ConvertOptions = {}): ConvertedOnnx {
  if (!json.modelTopology || !Array.isArray(json.modelTopology.node)) throw new Error('tfjs -> ONNX: model.json has no modelTopology.node; it is not a tfjs graph model.');
  if ((json.modelTopology.library?.function ?? []).length > 0) throw new Error('tfjs -> ONNX: graphs with function libraries (control flow) are not supported.');
  const nodes = new Map<string, TfNode>();
  for (const n of json.modelTopology.node) {
    if (nodes.has(n.name)) throw new Error(`tfjs -> ONNX: two nodes are named "${n.name}".`);
    nodes.set(n.name, n);
  }
  const weights = decodeTfjsWeights(json.weightsManifest.flatMap((g) => g.weights), weightData);
  const inputNames = findInputs(json, nodes);
  const outputNames = findOutputs(json, nodes);
  const order = topologicalOrder(outputNames, nodes);

  const b = new OnnxGraphBuilder();
  b.reserve(nodes.keys());
  const consts = new Map<string, ConstValue>();
  const graphInputs: OnnxValueInfo[] = [];
  const tfOps: Record<string, number> = {};

  for (const node of order) {
    tfOps[node.op] = (tfOps[node.op] ?? 0) + 1;
    if (node.op === 'Const') {
      const v = weights.get(node.name);
      if (!v) throw new OnnxConversionError('Const', node.name, 'it has no value in the weights manifest.');
      consts.set(node.name, v);
      continue;
    }
    if (node.op === 'Placeholder') {
      if (!inputNames.includes(node.name)) throw new OnnxConversionError('Placeholder', node.name, 'it is not one of the model inputs.');
      const shape = placeholderShape(node);
      graphInputs.push({
        name: node.name,
        elemType: elemType(node),
        // Free dims become symbolic dims named after the input and axis.
        ...(shape ? { shape: shape.map((d, i) => (d < 0 ? `${node.name}_dim${i}` : d)) } : {}),
      });
      continue;
    }
    const convert = CONVERTERS[node.op];
    if (!convert) {
      throw new OnnxConversionError(node.op, node.name, `the op is not supported by the tfjs -> ONNX converter (supported: ${SUPPORTED_TF_OPS.join(', ')}).`);
    }
    const refs = (node.input ?? []).map(parseInputRef).filter((r) => !r.control);
    const ctx: OpContext = {
      node,
      b,
      output: node.name,
      inputCount: refs.length,
      input(i) {
        const r = refs[i];
        if (!r) throw ctx.fail(`it has no input ${i}.`);
        if (r.index !== 0) throw ctx.fail(`it reads output ${r.index} of "${r.node}"; only single-output ops are supported.`);
        const c = consts.get(r.node);
        if (c) return b.constantInit(r.node, c);
        return r.node;
      },
      constant(i) {
        const r = refs[i];
        return r && r.index === 0 ? consts.get(r.node) : undefined;
      },
      fail: (why) => new OnnxConversionError(node.op, node.name, why),
    };
    convert(ctx);
  }
  for (const name of inputNames) {
    if (!graphInputs.some((g) => g.name === name)) throw new Error(`tfjs -> ONNX: input "${name}" does not feed any output.`);
  }
  const graph: OnnxGraph = {
    name: options.name ?? 'tfjs-graph',
    nodes: b.nodes,
    initializers: [...b.initializers.values()],
    inputs: graphInputs,
    outputs: outputNames.map((n) => ({ name: n, elemType: elemType(nodes.get(n)!) })),
  };
  if (options.optimize !== false) optimizeTransposes(graph, b);
  if (options.exactFloat16) storeExactFloat16(graph, b);
  const onnxOps: Record<string, number> = {};
  for (const n of graph.nodes) onnxOps[n.opType] = (onnxOps[n.opType] ?? 0) + 1;
  const bytes = encodeOnnxModel({
    graph,
    opset: ONNX_OPSET,
    producerName: '@faceattr/models tfjs-to-onnx',
    producerVersion: '0.1.0',
    ...(options.docString ? { docString: options.docString } : {}),
  });
  return { bytes, inputs: graphInputs, outputs: graph.outputs, tfOps, onnxOps };
}

/** Below this many elements a Cast node costs more than the bytes it saves. */
const MIN_FLOAT16_ELEMENTS = 64;

/**
 * Replaces each float initializer that is exactly representable in half precision by a FLOAT16
 * initializer and a Cast back to float under the original name (lossless: ONNX Runtime folds the
 * Cast into a float32 constant when it loads the session).
 */
function storeExactFloat16(graph: OnnxGraph, b: OnnxGraphBuilder): void {
  const casts: OnnxNode[] = [];
  graph.initializers = graph.initializers.map((t) => {
    if (t.dataType !== OnnxDataType.FLOAT || t.rawData.length < 4 * MIN_FLOAT16_ELEMENTS) return t;
    const halves = exactHalfBytes(t.rawData);
    if (!halves) return t;
    const name = b.unique(`${t.name}/float16`);
    casts.push({ opType: 'Cast', name: b.unique(`${t.name}#Cast`), inputs: [name], outputs: [t.name], attributes: { to: OnnxDataType.FLOAT } });
    return { name, dataType: OnnxDataType.FLOAT16, dims: t.dims, rawData: halves };
  });
  graph.nodes = [...casts, ...graph.nodes];
}
