/**
 * Convolutions and pooling.
 *
 * Layout: tfjs graphs are NHWC end to end and ONNX Conv/MaxPool/AveragePool are NCHW only. The
 * converted graph keeps NHWC at its inputs, outputs and for every other op (so Reshape, MatMul,
 * Concat axes, Pad and Softmax keep their TF meaning unchanged), and wraps each conv/pool in
 * Transpose NHWC->NCHW ... Transpose NCHW->NHWC. Fused bias/activations run inside the NCHW
 * region. The pass in optimize-transposes.ts then cancels the back-to-back pairs this leaves
 * between consecutive convs (also through elementwise ops), so chains of convs stay NCHW.
 *
 * Padding: TF SAME pads (total = max((out-1)*stride + (k-1)*dilation + 1 - in, 0)) with the odd
 * pixel at the end, which is what ONNX `auto_pad: SAME_UPPER` computes at run time (so free input
 * sizes work); see paddingAttrs. VALID is zero padding; EXPLICIT copies `explicit_paddings`.
 */
import { emitActivation, isActivation, type Activation } from './activations.js';
import type { OnnxAttributeValue } from './onnx-proto.js';
import { requireConst, requireNhwc, ints, str, int, type OpContext } from './op-context.js';
import type { ConstValue } from './tfjs-graph.js';

export const NHWC_TO_NCHW = [0, 3, 1, 2];
export const NCHW_TO_NHWC = [0, 2, 3, 1];

function spatial(ctx: OpContext, attr: string, fallback: number): [number, number] {
  const v = ints(ctx, attr);
  if (!v || v.length === 0) return [fallback, fallback];
  if (v.length !== 4) throw ctx.fail(`${attr} must have 4 entries (NHWC), got [${v.join(', ')}].`);
  if (v[0] !== 1 || v[3] !== 1) throw ctx.fail(`${attr} [${v.join(', ')}] steps over batch or channels, which ONNX cannot express.`);
  return [v[1]!, v[2]!];
}

/**
 * ONNX pads for TF padding. SAME with stride 1 pads (k-1)*d in total whatever the input size, so
 * the pads are explicit (onnxruntime also refuses auto_pad with dilations); with a larger stride
 * the total depends on the input size, and auto_pad SAME_UPPER computes it at run time (TF forbids
 * strides > 1 together with dilations > 1, so that case never needs both).
 */
function paddingAttrs(ctx: OpContext, kernel: [number, number], stride: [number, number], dilation: [number, number]): Record<string, OnnxAttributeValue> {
  const padding = str(ctx, 'padding') ?? 'VALID';
  if (padding === 'SAME') {
    if (stride[0] === 1 && stride[1] === 1) {
      const total = kernel.map((k, i) => (k - 1) * dilation[i]!);
      const begin = total.map((t) => Math.floor(t / 2));
      return { pads: [begin[0]!, begin[1]!, total[0]! - begin[0]!, total[1]! - begin[1]!] };
    }
    if (dilation[0] !== 1 || dilation[1] !== 1) throw ctx.fail('SAME padding with both strides and dilations above 1 is not supported.');
    return { auto_pad: 'SAME_UPPER' };
  }
  if (padding === 'VALID') return { pads: [0, 0, 0, 0] };
  if (padding === 'EXPLICIT') {
    const e = ints(ctx, 'explicit_paddings') ?? [];
    if (e.length !== 8 || e[0] !== 0 || e[1] !== 0 || e[6] !== 0 || e[7] !== 0) throw ctx.fail(`explicit_paddings [${e.join(', ')}] must pad H and W only.`);
    return { pads: [e[2]!, e[4]!, e[3]!, e[5]!] };
  }
  throw ctx.fail(`padding ${padding} is not supported.`);
}

/** HWIO filter -> OIHW (Conv) or HW(C,M) depthwise filter -> (C*M)1HW with group C. */
function convWeights(ctx: OpContext, f: ConstValue, depthwise: boolean): { name: string; kh: number; kw: number; group: number; outChannels: number } {
  if (f.dtype !== 'float32' || f.shape.length !== 4) throw ctx.fail(`the filter must be a 4-D float32 constant, got ${f.dtype} [${f.shape.join(', ')}].`);
  const [kh, kw, ci, co] = f.shape as [number, number, number, number];
  const out = new Float32Array(f.data.length);
  // Both layouts index the filter the same way: TF output channel o = ci_index*co + m for depthwise.
  const outC = depthwise ? ci * co : co;
  const inC = depthwise ? 1 : ci;
  for (let y = 0; y < kh; y++)
    for (let x = 0; x < kw; x++)
      for (let i = 0; i < ci; i++)
        for (let o = 0; o < co; o++) {
          const src = ((y * kw + x) * ci + i) * co + o;
          const oc = depthwise ? i * co + o : o;
          const ic = depthwise ? 0 : i;
          out[((oc * inC + ic) * kh + y) * kw + x] = f.data[src]!;
        }
  const name = ctx.b.floatInit(`${ctx.node.name}/filter_oihw`, out, [outC, inC, kh, kw]);
  return { name, kh, kw, group: depthwise ? ci : 1, outChannels: outC };
}

interface Fused {
  bias?: ConstValue;
  activation?: Activation;
  preluAlpha?: ConstValue;
}

/** Reads `fused_ops` of _Fused* ops: [BiasAdd] or [BiasAdd, <activation>] (tfjs emits no other forms). */
export function readFusedOps(ctx: OpContext, firstArg: number, fusedOps: string[]): Fused {
  const r: Fused = {};
  let arg = firstArg;
  for (const op of fusedOps) {
    if (op === 'BiasAdd') r.bias = requireConst(ctx, arg++, 'fused bias');
    else if (isActivation(op) && r.activation === undefined) {
      r.activation = op;
      if (op === 'Prelu') r.preluAlpha = requireConst(ctx, arg++, 'fused Prelu alpha');
    } else throw ctx.fail(`fused op ${op} in fused_ops [${fusedOps.join(', ')}] is not supported.`);
  }
  return r;
}

function convolution(ctx: OpContext, depthwise: boolean, fused: Fused): void {
  requireNhwc(ctx);
  const { b, node } = ctx;
  const w = convWeights(ctx, requireConst(ctx, 1, 'filter'), depthwise);
  const [sh, sw] = spatial(ctx, 'strides', 1);
  const [dh, dw] = spatial(ctx, 'dilations', 1);
  const inputs = [b.add('Transpose', [ctx.input(0)], { perm: NHWC_TO_NCHW }, node.name), w.name];
  if (fused.bias) {
    if (fused.bias.data.length !== w.outChannels) throw ctx.fail(`bias has ${fused.bias.data.length} values for ${w.outChannels} channels.`);
    inputs.push(b.floatInit(`${node.name}/bias`, Float32Array.from(fused.bias.data), [w.outChannels]));
  }
  let y = b.add(
    'Conv',
    inputs,
    { kernel_shape: [w.kh, w.kw], strides: [sh, sw], dilations: [dh, dw], group: w.group, ...paddingAttrs(ctx, [w.kh, w.kw], [sh, sw], [dh, dw]) },
    node.name,
  );
  if (fused.activation) {
    let slope: string | undefined;
    if (fused.preluAlpha) slope = channelSlopeNchw(ctx, fused.preluAlpha, w.outChannels);
    y = emitActivation(ctx, fused.activation, y, undefined, slope);
  }
  b.add('Transpose', [y], { perm: NCHW_TO_NHWC }, node.name, ctx.output);
}

/** A per-channel Prelu alpha ([C], [1,1,C] ...) reshaped to [C,1,1] to broadcast over NCHW. */
function channelSlopeNchw(ctx: OpContext, alpha: ConstValue, channels: number): string {
  if (alpha.data.length !== channels && alpha.data.length !== 1) throw ctx.fail(`Prelu alpha has ${alpha.data.length} values for ${channels} channels.`);
  const data = Float32Array.from(alpha.data);
  return ctx.b.floatInit(`${ctx.node.name}/prelu_alpha_nchw`, data, alpha.data.length === 1 ? [1] : [channels, 1, 1]);
}

export function fusedOps(ctx: OpContext): string[] {
  return (ctx.node.attr?.['fused_ops']?.list?.s ?? []).map((s) => Buffer.from(s, 'base64').toString('utf8'));
}

function pool(ctx: OpContext, onnxOp: 'MaxPool' | 'AveragePool'): void {
  requireNhwc(ctx);
  const { b, node } = ctx;
  const [kh, kw] = spatial(ctx, 'ksize', 1);
  const [sh, sw] = spatial(ctx, 'strides', 1);
  const attrs: Record<string, OnnxAttributeValue> = { kernel_shape: [kh, kw], strides: [sh, sw], ...paddingAttrs(ctx, [kh, kw], [sh, sw], [1, 1]) };
  // TF AvgPool divides by the number of real (unpadded) pixels: count_include_pad = 0.
  if (onnxOp === 'AveragePool') attrs['count_include_pad'] = 0;
  const x = b.add('Transpose', [ctx.input(0)], { perm: NHWC_TO_NCHW }, node.name);
  const y = b.add(onnxOp, [x], attrs, node.name);
  b.add('Transpose', [y], { perm: NCHW_TO_NHWC }, node.name, ctx.output);
}

export const CONV_OPS: Record<string, (ctx: OpContext) => void> = {
  Conv2D: (ctx) => convolution(ctx, false, {}),
  DepthwiseConv2dNative: (ctx) => convolution(ctx, true, {}),
  DepthwiseConv2d: (ctx) => convolution(ctx, true, {}),
  _FusedConv2D: (ctx) => {
    if (int(ctx, 'num_args', 0) > 2) throw ctx.fail('more than 2 fused arguments is not supported.');
    convolution(ctx, false, readFusedOps(ctx, 2, fusedOps(ctx)));
  },
  // tfjs's converter names the fused depthwise op without the underscore TF's grappler uses.
  FusedDepthwiseConv2dNative: (ctx) => convolution(ctx, true, readFusedOps(ctx, 2, fusedOps(ctx))),
  _FusedDepthwiseConv2dNative: (ctx) => convolution(ctx, true, readFusedOps(ctx, 2, fusedOps(ctx))),
  MaxPool: (ctx) => pool(ctx, 'MaxPool'),
  AvgPool: (ctx) => pool(ctx, 'AveragePool'),
};
