/** Shape and data-movement ops; they keep TF's axis numbering since the graph stays NHWC (see conv-ops.ts). */
import { OnnxDataType } from './onnx-proto.js';
import { constInts, int, ints, requireConst, str, type OpContext } from './op-context.js';

// Open slice bounds: ONNX clamps them to the dimension, and int32 extremes are exact in int64.
const OPEN_END = 2 ** 31 - 1;
const OPEN_END_NEG = -(2 ** 31);

function reshape(ctx: OpContext): void {
  const { b, node } = ctx;
  const c = ctx.constant(1);
  let shape: string;
  if (c) {
    const dims = constInts(c);
    // ONNX Reshape copies the input dim where the shape says 0; TF means an empty dim there.
    if (dims.includes(0)) throw ctx.fail(`target shape [${dims.join(', ')}] has a 0 dimension, which ONNX Reshape reads differently.`);
    shape = b.int64Init(`${node.name}/shape`, dims);
  } else {
    shape = b.add('Cast', [ctx.input(1)], { to: OnnxDataType.INT64 }, node.name);
  }
  b.add('Reshape', [ctx.input(0), shape], {}, node.name, ctx.output);
}

function pad(ctx: OpContext, mode: 'constant' | 'reflect'): void {
  const { b, node } = ctx;
  const p = requireConst(ctx, 1, 'paddings');
  const v = constInts(p);
  const rank = v.length / 2;
  // TF paddings are [[before, after] per axis]; ONNX pads are [all befores..., all afters...].
  const pads = [...Array.from({ length: rank }, (_, i) => v[2 * i]!), ...Array.from({ length: rank }, (_, i) => v[2 * i + 1]!)];
  const inputs = [ctx.input(0), b.int64Init(`${node.name}/pads`, pads)];
  if (node.op === 'PadV2') inputs.push(ctx.input(2));
  b.add('Pad', inputs, { mode }, node.name, ctx.output);
}

function stridedSlice(ctx: OpContext): void {
  const { b, node } = ctx;
  const begin = constInts(requireConst(ctx, 1, 'begin'));
  const end = constInts(requireConst(ctx, 2, 'end'));
  const strides = ctx.inputCount > 3 ? constInts(requireConst(ctx, 3, 'strides')) : begin.map(() => 1);
  if (int(ctx, 'ellipsis_mask', 0) !== 0 || int(ctx, 'new_axis_mask', 0) !== 0) throw ctx.fail('ellipsis_mask and new_axis_mask are not supported.');
  const beginMask = int(ctx, 'begin_mask', 0);
  const endMask = int(ctx, 'end_mask', 0);
  const shrinkMask = int(ctx, 'shrink_axis_mask', 0);
  const starts: number[] = [];
  const ends: number[] = [];
  const steps: number[] = [];
  const squeeze: number[] = [];
  for (let i = 0; i < begin.length; i++) {
    const step = strides[i]!;
    if (step === 0) throw ctx.fail('a stride of 0 is invalid.');
    if (shrinkMask & (1 << i)) {
      // Picks one element: begin..begin+1 (begin -1 means the last element), then drop the axis.
      starts.push(begin[i]!);
      ends.push(begin[i]! === -1 ? OPEN_END : begin[i]! + 1);
      steps.push(1);
      squeeze.push(i);
      continue;
    }
    starts.push(beginMask & (1 << i) ? (step > 0 ? 0 : OPEN_END) : begin[i]!);
    ends.push(endMask & (1 << i) ? (step > 0 ? OPEN_END : OPEN_END_NEG) : end[i]!);
    steps.push(step);
  }
  const axes = begin.map((_, i) => i);
  const sliced = b.add(
    'Slice',
    [ctx.input(0), b.int64Init(`${node.name}/starts`, starts), b.int64Init(`${node.name}/ends`, ends), b.int64Init(`${node.name}/axes`, axes), b.int64Init(`${node.name}/steps`, steps)],
    {},
    node.name,
    squeeze.length ? undefined : ctx.output,
  );
  if (squeeze.length) b.add('Squeeze', [sliced, b.int64Init(`${node.name}/squeeze_axes`, squeeze)], {}, node.name, ctx.output);
}

const DTYPES: Record<string, number> = { DT_FLOAT: OnnxDataType.FLOAT, DT_INT32: OnnxDataType.INT32, DT_BOOL: OnnxDataType.BOOL };

export const SHAPE_OPS: Record<string, (ctx: OpContext) => void> = {
  Reshape: reshape,
  Transpose: (ctx) => {
    const perm = constInts(requireConst(ctx, 1, 'perm'));
    ctx.b.add('Transpose', [ctx.input(0)], { perm }, ctx.node.name, ctx.output);
  },
  Pad: (ctx) => pad(ctx, 'constant'),
  PadV2: (ctx) => pad(ctx, 'constant'),
  MirrorPad: (ctx) => {
    const mode = str(ctx, 'mode') ?? 'REFLECT';
    // ONNX reflect excludes the edge like TF REFLECT; TF SYMMETRIC (edge repeated) has no ONNX mode.
    if (mode !== 'REFLECT') throw ctx.fail(`MirrorPad mode ${mode} is not supported (only REFLECT).`);
    pad(ctx, 'reflect');
  },
  ConcatV2: (ctx) => {
    const n = ctx.inputCount - 1;
    const axis = constInts(requireConst(ctx, n, 'axis'))[0]!;
    ctx.b.add('Concat', Array.from({ length: n }, (_, i) => ctx.input(i)), { axis }, ctx.node.name, ctx.output);
  },
  Squeeze: (ctx) => {
    const axes = ints(ctx, 'squeeze_dims') ?? ints(ctx, 'axis') ?? [];
    const inputs = [ctx.input(0)];
    if (axes.length) inputs.push(ctx.b.int64Init(`${ctx.node.name}/axes`, axes));
    ctx.b.add('Squeeze', inputs, {}, ctx.node.name, ctx.output);
  },
  // TF ExpandDims counts a negative axis from the output's end, as ONNX Unsqueeze does.
  ExpandDims: (ctx) => {
    const axes = constInts(requireConst(ctx, 1, 'axis'));
    ctx.b.add('Unsqueeze', [ctx.input(0), ctx.b.int64Init(`${ctx.node.name}/axes`, axes)], {}, ctx.node.name, ctx.output);
  },
  StridedSlice: stridedSlice,
  Cast: (ctx) => {
    const to = DTYPES[ctx.node.attr?.['DstT']?.type ?? ''];
    if (to === undefined) throw ctx.fail(`cast to ${ctx.node.attr?.['DstT']?.type} is not supported.`);
    ctx.b.add('Cast', [ctx.input(0)], { to }, ctx.node.name, ctx.output);
  },
};
