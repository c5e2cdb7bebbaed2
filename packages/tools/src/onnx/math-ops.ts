/** Elementwise, matrix and reduction ops. All keep the NHWC layout (see conv-ops.ts). */
import { emitActivation, type Activation } from './activations.js';
import { fusedOps, readFusedOps } from './conv-ops.js';
import { bool, constInts, float, requireConst, type OpContext } from './op-context.js';

const BINARY: Record<string, string> = {
  Add: 'Add',
  AddV2: 'Add',
  Sub: 'Sub',
  Mul: 'Mul',
  RealDiv: 'Div',
  Div: 'Div',
  Maximum: 'Max',
  Minimum: 'Min',
  Pow: 'Pow',
};

const UNARY: Record<string, string> = {
  Exp: 'Exp',
  Log: 'Log',
  Neg: 'Neg',
  Abs: 'Abs',
  Sqrt: 'Sqrt',
  Reciprocal: 'Reciprocal',
  Floor: 'Floor',
  Ceil: 'Ceil',
  Identity: 'Identity',
  Softplus: 'Softplus',
};

/** A standalone activation op; Prelu's alpha is its second input. */
function activationOp(act: Activation) {
  return (ctx: OpContext) => {
    const slope = act === 'Prelu' ? ctx.input(1) : undefined;
    emitActivation(ctx, act, ctx.input(0), ctx.output, slope);
  };
}

function reduction(onnxOp: string, axesAsInput: boolean) {
  return (ctx: OpContext) => {
    const axes = constInts(requireConst(ctx, 1, 'reduction axes'));
    const keepdims = bool(ctx, 'keep_dims') || bool(ctx, 'keepdims') ? 1 : 0;
    // An empty axes list means "no reduction" in TF but "all axes" in ONNX: pass it through.
    if (axes.length === 0) {
      ctx.b.add('Identity', [ctx.input(0)], {}, ctx.node.name, ctx.output);
      return;
    }
    // Opset 13 takes ReduceSum axes as an input, the other reductions as an attribute.
    if (axesAsInput) ctx.b.add(onnxOp, [ctx.input(0), ctx.b.int64Init(`${ctx.node.name}/axes`, axes)], { keepdims }, ctx.node.name, ctx.output);
    else ctx.b.add(onnxOp, [ctx.input(0)], { axes, keepdims }, ctx.node.name, ctx.output);
  };
}

function matMul(ctx: OpContext, fused: boolean): void {
  const { b, node } = ctx;
  const ta = bool(ctx, 'transpose_a');
  const tb = bool(ctx, 'transpose_b');
  let a = ctx.input(0);
  if (ta) a = b.add('Transpose', [a], { perm: [1, 0] }, node.name);
  let w: string;
  const bc = ctx.constant(1);
  if (tb && bc && bc.shape.length === 2 && bc.dtype === 'float32') {
    // Transpose the constant once here rather than at every run.
    const [r, c] = bc.shape as [number, number];
    const t = new Float32Array(r * c);
    for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) t[j * r + i] = bc.data[i * c + j]!;
    w = b.floatInit(`${node.name}/b_transposed`, t, [c, r]);
  } else {
    w = ctx.input(1);
    if (tb) w = b.add('Transpose', [w], { perm: [1, 0] }, node.name);
  }
  const f = fused ? readFusedOps(ctx, 2, fusedOps(ctx)) : {};
  const last = !f.bias && !f.activation;
  let y = b.add('MatMul', [a, w], {}, node.name, last ? ctx.output : undefined);
  if (f.bias) y = b.add('Add', [y, b.floatInit(`${node.name}/bias`, Float32Array.from(f.bias.data), [f.bias.data.length])], {}, node.name, f.activation ? undefined : ctx.output);
  if (f.activation) {
    const slope = f.preluAlpha ? b.floatInit(`${node.name}/prelu_alpha`, Float32Array.from(f.preluAlpha.data), [f.preluAlpha.data.length]) : undefined;
    emitActivation(ctx, f.activation, y, ctx.output, slope);
  }
}

export const MATH_OPS: Record<string, (ctx: OpContext) => void> = {
  ...Object.fromEntries(
    Object.entries(BINARY).map(([tf, onnx]) => [tf, (ctx: OpContext) => void ctx.b.add(onnx, [ctx.input(0), ctx.input(1)], {}, ctx.node.name, ctx.output)]),
  ),
  ...Object.fromEntries(Object.entries(UNARY).map(([tf, onnx]) => [tf, (ctx: OpContext) => void ctx.b.add(onnx, [ctx.input(0)], {}, ctx.node.name, ctx.output)])),
  Relu: activationOp('Relu'),
  Relu6: activationOp('Relu6'),
  Elu: activationOp('Elu'),
  Sigmoid: activationOp('Sigmoid'),
  Tanh: activationOp('Tanh'),
  LeakyRelu: activationOp('LeakyRelu'),
  // TF Prelu's alpha broadcasts right-aligned (per channel on the last axis), like ONNX PRelu's slope.
  Prelu: activationOp('Prelu'),
  BiasAdd: (ctx) => {
    const f = ctx.node.attr?.['data_format']?.s;
    if (f !== undefined && Buffer.from(f, 'base64').toString('utf8') !== 'NHWC') throw ctx.fail('only NHWC BiasAdd is supported.');
    ctx.b.add('Add', [ctx.input(0), ctx.input(1)], {}, ctx.node.name, ctx.output);
  },
  Rsqrt: (ctx) => {
    const s = ctx.b.add('Sqrt', [ctx.input(0)], {}, ctx.node.name);
    ctx.b.add('Reciprocal', [s], {}, ctx.node.name, ctx.output);
  },
  Square: (ctx) => {
    const x = ctx.input(0);
    ctx.b.add('Mul', [x, x], {}, ctx.node.name, ctx.output);
  },
  SquaredDifference: (ctx) => {
    const d = ctx.b.add('Sub', [ctx.input(0), ctx.input(1)], {}, ctx.node.name);
    ctx.b.add('Mul', [d, d], {}, ctx.node.name, ctx.output);
  },
  // TF Softmax/LogSoftmax normalise the last axis; opset 13 Softmax(axis=-1) does exactly that.
  Softmax: (ctx) => void ctx.b.add('Softmax', [ctx.input(0)], { axis: -1 }, ctx.node.name, ctx.output),
  LogSoftmax: (ctx) => void ctx.b.add('LogSoftmax', [ctx.input(0)], { axis: -1 }, ctx.node.name, ctx.output),
  MatMul: (ctx) => matMul(ctx, false),
  _FusedMatMul: (ctx) => matMul(ctx, true),
  Mean: reduction('ReduceMean', false),
  Sum: reduction('ReduceSum', true),
  Max: reduction('ReduceMax', false),
  Min: reduction('ReduceMin', false),
  Prod: reduction('ReduceProd', false),
  AddN: (ctx) => void ctx.b.add('Sum', Array.from({ length: ctx.inputCount }, (_, i) => ctx.input(i)), {}, ctx.node.name, ctx.output),
  ClipByValue: (ctx) => {
    // ONNX Clip takes scalar bounds only.
    const [lo, hi] = [1, 2].map((i) => requireConst(ctx, i, i === 1 ? 'lower bound' : 'upper bound'));
    if (lo!.data.length !== 1 || hi!.data.length !== 1) throw ctx.fail('only scalar clip bounds are supported.');
    const { b, node } = ctx;
    ctx.b.add('Clip', [ctx.input(0), b.scalarFloat(`${node.name}/min`, lo!.data[0]!), b.scalarFloat(`${node.name}/max`, hi!.data[0]!)], {}, node.name, ctx.output);
  },
  FusedBatchNorm: batchNorm,
  FusedBatchNormV3: batchNorm,
};

/** Inference batch norm with constant statistics folds to x * k + c per channel (last axis). */
function batchNorm(ctx: OpContext): void {
  const f = ctx.node.attr?.['data_format']?.s;
  if (f !== undefined && Buffer.from(f, 'base64').toString('utf8') !== 'NHWC') throw ctx.fail('only NHWC batch norm is supported.');
  if (bool(ctx, 'is_training')) throw ctx.fail('training-mode batch norm is not supported.');
  const [scale, offset, mean, variance] = [1, 2, 3, 4].map((i) => requireConst(ctx, i, ['scale', 'offset', 'mean', 'variance'][i - 1]!));
  const eps = float(ctx, 'epsilon', 0.001);
  const n = scale!.data.length;
  const k = new Float32Array(n);
  const c = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    k[i] = scale!.data[i]! / Math.sqrt(variance!.data[i]! + eps);
    c[i] = offset!.data[i]! - mean!.data[i]! * k[i]!;
  }
  const { b, node } = ctx;
  const y = b.add('Mul', [ctx.input(0), b.floatInit(`${node.name}/bn_scale`, k, [n])], {}, node.name);
  b.add('Add', [y, b.floatInit(`${node.name}/bn_offset`, c, [n])], {}, node.name, ctx.output);
}
