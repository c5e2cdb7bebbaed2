import { float, type OpContext } from './op-context.js';

/** Activations tfjs fuses into _FusedConv2D / _FusedDepthwiseConv2dNative / _FusedMatMul, and their standalone ops. */
export const FUSABLE_ACTIVATIONS = ['Relu', 'Relu6', 'Prelu', 'LeakyRelu', 'Elu', 'Sigmoid', 'Tanh'] as const;
export type Activation = (typeof FUSABLE_ACTIVATIONS)[number];

export function isActivation(op: string): op is Activation {
  return (FUSABLE_ACTIVATIONS as readonly string[]).includes(op);
}

/**
 * Emits `activation(x)`. `preluSlope` is the ONNX tensor of the Prelu alpha, already shaped to
 * broadcast against `x` (per-channel on the last axis for NHWC, [C,1,1] for NCHW).
 */
export function emitActivation(ctx: OpContext, act: Activation, x: string, output: string | undefined, preluSlope?: string): string {
  const { b, node } = ctx;
  switch (act) {
    case 'Relu':
      return b.add('Relu', [x], {}, node.name, output);
    case 'Relu6':
      // Clip takes min/max as inputs from opset 11.
      return b.add('Clip', [x, b.scalarFloat(`${node.name}/relu6_min`, 0), b.scalarFloat(`${node.name}/relu6_max`, 6)], {}, node.name, output);
    case 'Elu':
      return b.add('Elu', [x], { alpha: { float: 1 } }, node.name, output);
    case 'Sigmoid':
      return b.add('Sigmoid', [x], {}, node.name, output);
    case 'Tanh':
      return b.add('Tanh', [x], {}, node.name, output);
    case 'LeakyRelu':
      // Standalone LeakyRelu names it `alpha`, fused ops `leakyrelu_alpha`; tfjs defaults both to 0.2.
      return b.add('LeakyRelu', [x], { alpha: { float: float(ctx, node.op === 'LeakyRelu' ? 'alpha' : 'leakyrelu_alpha', 0.2) } }, node.name, output);
    case 'Prelu':
      if (!preluSlope) throw ctx.fail('Prelu needs its alpha argument.');
      return b.add('PRelu', [x, preluSlope], {}, node.name, output);
  }
}
