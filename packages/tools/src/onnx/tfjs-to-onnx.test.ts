import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { loadGraphModel } from '@tensorflow/tfjs-converter';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModelAsset } from '@faceattr/core';
import { addOnnxArtifact, readTfjsGraph } from './convert-asset.js';
import { decodeOnnxModel } from './onnx-proto.js';
import { OnnxConversionError } from './op-context.js';
import { assetsDir } from '@faceattr/test-support';
import { attr, seeded, TestGraph } from '../../test/support.js';
import { decodeTfjsWeights, type TfjsModelJson } from './tfjs-graph.js';
import { convertTfjsGraph, ONNX_OPSET } from './tfjs-to-onnx.js';

const ASSETS = assetsDir();
const BLAZEFACE = join(ASSETS, 'blazeface-back');

// float32 sums in another order differ by rounding proportional to magnitude, so agreement is
// |a - b| <= 1e-4 * max(1, |a|).
function maxScaledDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!) / Math.max(1, Math.abs(a[i]!)));
  return m;
}

/** Runs a tfjs graph on tfjs (cpu, the reference) and its conversion on onnxruntime-node. */
async function runBoth(json: TfjsModelJson, weights: Uint8Array, feeds: Record<string, { data: Float32Array; shape: number[] }>) {
  const buf = weights.slice().buffer;
  const gm = await loadGraphModel({
    load: async () => ({ modelTopology: json.modelTopology as never, weightSpecs: json.weightsManifest.flatMap((g) => g.weights) as never, weightData: buf, format: 'graph-model' }),
  });
  const converted = convertTfjsGraph(json, weights);
  const session = await ort.InferenceSession.create(converted.bytes);
  const names = session.outputNames;
  const tfIn = Object.fromEntries(Object.entries(feeds).map(([k, v]) => [k, tf.tensor(v.data, v.shape)]));
  const tfOut = gm.execute(tfIn, [...names]);
  const refs = Array.isArray(tfOut) ? tfOut : [tfOut];
  const ortOut = await session.run(Object.fromEntries(Object.entries(feeds).map(([k, v]) => [k, new ort.Tensor('float32', v.data, v.shape)])));
  const result = names.map((n, i) => ({ name: n, ref: refs[i]!.dataSync() as Float32Array, refShape: refs[i]!.shape, got: ortOut[n]!.data as Float32Array, gotShape: [...ortOut[n]!.dims] }));
  tf.dispose([...refs, ...Object.values(tfIn)]);
  gm.dispose();
  await session.release();
  return { converted, result };
}

const SAME = { padding: attr.s('SAME'), data_format: attr.s('NHWC') };
const VALID = { padding: attr.s('VALID'), data_format: attr.s('NHWC') };
const strides = (s: number) => ({ strides: attr.ints([1, s, s, 1]) });
const dil = (d: number) => ({ dilations: attr.ints([1, d, d, 1]) });
const fused = (ops: string[], numArgs: number, extra: Record<string, ReturnType<typeof attr.f>> = {}) => ({
  fused_ops: attr.strs(ops),
  num_args: attr.i(numArgs),
  ...extra,
});

interface OpCase {
  title: string;
  shape: number[];
  build: (g: TestGraph) => void;
}

// Odd spatial sizes make TF SAME padding asymmetric (the extra pixel at the end).
const X = [1, 7, 9, 4];

/** One case per converted op form; each graph runs on tfjs and on onnxruntime. */
const CASES: OpCase[] = [
  { title: 'Conv2D SAME stride 2', shape: X, build: (g) => void g.op('y', 'Conv2D', ['x', g.c('w', [3, 3, 4, 5])], { ...SAME, ...strides(2), ...dil(1) }) },
  { title: 'Conv2D VALID dilation 2', shape: X, build: (g) => void g.op('y', 'Conv2D', ['x', g.c('w', [3, 3, 4, 3])], { ...VALID, ...strides(1), ...dil(2) }) },
  { title: 'Conv2D SAME dilation 2', shape: X, build: (g) => void g.op('y', 'Conv2D', ['x', g.c('w', [2, 3, 4, 3])], { ...SAME, ...strides(1), ...dil(2) }) },
  ...(['Relu', 'Relu6', 'Elu', 'Sigmoid', 'LeakyRelu'] as const).map((act) => ({
    title: `_FusedConv2D BiasAdd + ${act}`,
    shape: X,
    build: (g: TestGraph) =>
      void g.op('y', '_FusedConv2D', ['x', g.c('w', [3, 3, 4, 6]), g.c('b', [6])], {
        ...SAME,
        ...strides(2),
        ...dil(1),
        ...fused(['BiasAdd', act], 1, act === 'LeakyRelu' ? { leakyrelu_alpha: attr.f(0.3) } : {}),
      }),
  })),
  { title: '_FusedConv2D BiasAdd + Prelu', shape: X, build: (g) => void g.op('y', '_FusedConv2D', ['x', g.c('w', [1, 1, 4, 6]), g.c('b', [6]), g.c('a', [6])], { ...VALID, ...strides(1), ...dil(1), ...fused(['BiasAdd', 'Prelu'], 2) }) },
  { title: 'DepthwiseConv2dNative SAME stride 2, multiplier 2', shape: X, build: (g) => void g.op('y', 'DepthwiseConv2dNative', ['x', g.c('w', [3, 3, 4, 2])], { ...SAME, ...strides(2), ...dil(1) }) },
  { title: 'FusedDepthwiseConv2dNative BiasAdd + Relu6', shape: X, build: (g) => void g.op('y', 'FusedDepthwiseConv2dNative', ['x', g.c('w', [3, 3, 4, 1]), g.c('b', [4])], { ...VALID, ...strides(1), ...dil(1), ...fused(['BiasAdd', 'Relu6'], 1) }) },
  { title: 'MaxPool SAME 3x3 stride 2', shape: X, build: (g) => void g.op('y', 'MaxPool', ['x'], { ...SAME, ...strides(2), ksize: attr.ints([1, 3, 3, 1]) }) },
  { title: 'MaxPool VALID 2x2 stride 2', shape: X, build: (g) => void g.op('y', 'MaxPool', ['x'], { ...VALID, ...strides(2), ksize: attr.ints([1, 2, 2, 1]) }) },
  { title: 'AvgPool SAME 3x3 stride 2 (padding not counted)', shape: X, build: (g) => void g.op('y', 'AvgPool', ['x'], { ...SAME, ...strides(2), ksize: attr.ints([1, 3, 3, 1]) }) },
  ...['Add', 'AddV2', 'Sub', 'Mul', 'Maximum', 'Minimum', 'BiasAdd', 'Prelu', 'SquaredDifference'].map((op) => ({
    title: `${op} with a per-channel constant`,
    shape: X,
    build: (g: TestGraph) => void g.op('y', op, ['x', g.c('k', [4])]),
  })),
  { title: 'RealDiv by a constant', shape: X, build: (g) => void g.op('y', 'RealDiv', ['x', g.c('k', [4], [0.5, -2, 3, 1.5])]) },
  { title: 'Add of two tensors (broadcast [1,1,1,4])', shape: X, build: (g) => void g.op('y', 'AddV2', [g.op('r', 'Relu', ['x']), g.c('k', [1, 1, 1, 4])]) },
  ...['Relu', 'Relu6', 'Elu', 'Sigmoid', 'Tanh', 'Softmax', 'Identity', 'Square', 'Exp', 'Neg', 'Abs'].map((op) => ({
    title: op,
    shape: X,
    build: (g: TestGraph) => void g.op('y', op, ['x']),
  })),
  { title: 'LeakyRelu alpha 0.1', shape: X, build: (g) => void g.op('y', 'LeakyRelu', ['x'], { alpha: attr.f(0.1) }) },
  { title: 'Sqrt and Rsqrt of x^2 + 1', shape: X, build: (g) => {
      const p = g.op('p', 'AddV2', [g.op('sq', 'Square', ['x']), g.c('one', [], [1])]);
      g.op('y', 'Sqrt', [p]);
      g.op('z', 'Rsqrt', [p]);
    } },
  { title: 'Reshape + MatMul + BiasAdd + Softmax', shape: X, build: (g) => {
      const f = g.op('f', 'Reshape', ['x', g.ints('s', [1, -1])], { Tshape: attr.type('DT_INT32') });
      const m = g.op('m', 'MatMul', [f, g.c('w', [252, 6])], { transpose_a: attr.b(false), transpose_b: attr.b(false) });
      g.op('y', 'Softmax', [g.op('b', 'BiasAdd', [m, g.c('bias', [6])])]);
    } },
  { title: 'MatMul transpose_b', shape: [3, 5], build: (g) => void g.op('y', 'MatMul', ['x', g.c('w', [4, 5])], { transpose_a: attr.b(false), transpose_b: attr.b(true) }) },
  { title: 'MatMul transpose_a', shape: [5, 3], build: (g) => void g.op('y', 'MatMul', ['x', g.c('w', [5, 2])], { transpose_a: attr.b(true), transpose_b: attr.b(false) }) },
  { title: '_FusedMatMul BiasAdd + Relu', shape: [2, 5], build: (g) => void g.op('y', '_FusedMatMul', ['x', g.c('w', [5, 3]), g.c('b', [3])], { transpose_a: attr.b(false), transpose_b: attr.b(false), ...fused(['BiasAdd', 'Relu'], 1) }) },
  { title: 'Transpose', shape: X, build: (g) => void g.op('y', 'Transpose', ['x', g.ints('p', [0, 3, 1, 2])], { Tperm: attr.type('DT_INT32') }) },
  { title: 'Pad', shape: X, build: (g) => void g.op('y', 'Pad', ['x', g.c('p', [4, 2], [0, 0, 1, 2, 2, 1, 0, 0], 'int32')]) },
  { title: 'PadV2 with a fill value', shape: X, build: (g) => void g.op('y', 'PadV2', ['x', g.c('p', [4, 2], [0, 0, 1, 0, 0, 2, 0, 1], 'int32'), g.c('v', [], [0.5])]) },
  { title: 'MirrorPad REFLECT', shape: X, build: (g) => void g.op('y', 'MirrorPad', ['x', g.c('p', [4, 2], [0, 0, 2, 1, 1, 2, 0, 0], 'int32')], { mode: attr.s('REFLECT') }) },
  { title: 'Mean over H,W (keep_dims false) and Sum over C (keep_dims true)', shape: X, build: (g) => {
      g.op('y', 'Mean', ['x', g.ints('ax', [1, 2])], { keep_dims: attr.b(false) });
      g.op('z', 'Sum', ['x', g.ints('ax2', [3])], { keep_dims: attr.b(true) });
    } },
  { title: 'Max and Min reductions', shape: X, build: (g) => {
      g.op('y', 'Max', ['x', g.ints('ax', [2])], { keep_dims: attr.b(false) });
      g.op('z', 'Min', ['x', g.ints('ax2', [1, 3])], { keep_dims: attr.b(true) });
    } },
  { title: 'ConcatV2 on channels', shape: X, build: (g) => void g.op('y', 'ConcatV2', ['x', g.op('r', 'Relu', ['x']), g.ints('axis', [3])], { N: attr.i(2) }) },
  { title: 'Squeeze after Mean keep_dims', shape: X, build: (g) => {
      const m = g.op('m', 'Mean', ['x', g.ints('ax', [1, 2])], { keep_dims: attr.b(true) });
      g.op('y', 'Squeeze', [m], { squeeze_dims: attr.ints([1, 2]) });
    } },
  { title: 'ExpandDims axis -1', shape: X, build: (g) => void g.op('y', 'ExpandDims', ['x', g.ints('a', [-1])]) },
  { title: 'StridedSlice with begin/end masks and stride 2', shape: X, build: (g) =>
      void g.op('y', 'StridedSlice', ['x', g.ints('b', [0, 1, 0, 1]), g.ints('e', [1, 6, 5, 3]), g.ints('s', [1, 2, 1, 1])], {
        begin_mask: attr.i(0b0100),
        end_mask: attr.i(0b1000),
        Index: attr.type('DT_INT32'),
      }) },
  { title: 'StridedSlice shrinking the channel axis', shape: X, build: (g) =>
      void g.op('y', 'StridedSlice', ['x', g.ints('b', [0, 0, 0, 2]), g.ints('e', [1, 7, 9, 3]), g.ints('s', [1, 1, 1, 1])], {
        shrink_axis_mask: attr.i(0b1000),
        Index: attr.type('DT_INT32'),
      }) },
  { title: 'FusedBatchNormV3 (inference)', shape: X, build: (g) =>
      void g.op('y', 'FusedBatchNormV3', ['x', g.c('scale', [4]), g.c('offset', [4]), g.c('mean', [4]), g.c('var', [4], [0.5, 1, 2, 0.25])], { epsilon: attr.f(0.001), data_format: attr.s('NHWC'), is_training: attr.b(false) }) },
  { title: 'AddN and ClipByValue', shape: X, build: (g) => {
      const s = g.op('s', 'AddN', ['x', 'x', g.op('r', 'Relu', ['x'])], { N: attr.i(3) });
      g.op('y', 'ClipByValue', [s, g.c('lo', [], [-0.5]), g.c('hi', [], [0.7])]);
    } },
  { title: 'conv chain: transposes cancel between convs, through Relu and a residual Add', shape: X, build: (g) => {
      const a = g.op('a', '_FusedConv2D', ['x', g.c('w1', [3, 3, 4, 4]), g.c('b1', [4])], { ...SAME, ...strides(1), ...dil(1), ...fused(['BiasAdd', 'Relu'], 1) });
      const d = g.op('d', 'DepthwiseConv2dNative', [a, g.c('w2', [3, 3, 4, 1])], { ...SAME, ...strides(1), ...dil(1) });
      const s = g.op('s', 'AddV2', [a, d]);
      const r = g.op('r', 'Relu', [s]);
      g.op('y', 'MaxPool', [r], { ...SAME, ...strides(2), ksize: attr.ints([1, 2, 2, 1]) });
    } },
];

beforeAll(async () => {
  // tfjs's test flag: it checks each kernel for leaked tensors and prints no "install the node backend" banner.
  tf.env().set('IS_TEST', true);
  await tf.setBackend('cpu');
});

describe('tfjs -> ONNX: each op matches tfjs', () => {
  for (const c of CASES) {
    it(c.title, async () => {
      const g = new TestGraph(c.shape);
      c.build(g);
      const { json, weights } = g.build();
      const n = c.shape.reduce((a, b) => a * b, 1);
      const x = Float32Array.from(seeded(n, 99, -2, 2));
      const { result } = await runBoth(json, weights, { x: { data: x, shape: c.shape } });
      expect(result.length).toBeGreaterThan(0);
      for (const r of result) {
        expect(r.gotShape, r.name).toEqual(r.refShape);
        expect(r.got.length).toBe(r.ref.length);
        expect(maxScaledDiff(r.ref, r.got), r.name).toBeLessThanOrEqual(1e-5);
      }
    });
  }

  it('the cases cover every TF op of every shipped tfjs graph asset', () => {
    const covered = new Set<string>(['Const', 'Placeholder']);
    for (const c of CASES) {
      const g = new TestGraph(c.shape);
      c.build(g);
      for (const n of g.nodes) covered.add(n.op);
    }
    const assets = readdirSync(ASSETS).filter((d) => existsSync(join(ASSETS, d, 'model.json')));
    expect(assets).toContain('blazeface-back');
    for (const a of assets) {
      const { json } = readTfjsGraph(join(ASSETS, a, 'model.json'));
      const ops = new Set(json.modelTopology.node.map((n) => n.op));
      for (const op of ops) expect(covered.has(op), `${a} uses ${op}, which no op case tests`).toBe(true);
    }
  });
});

describe('tfjs -> ONNX on the real BlazeFace graph', () => {
  const { json, weights } = readTfjsGraph(join(BLAZEFACE, 'model.json'));

  it('writes opset 13 with the manifest inputs and outputs, NHWC at the ends', async () => {
    const manifest = JSON.parse(readFileSync(join(BLAZEFACE, 'manifest.json'), 'utf8')) as { inputs: { name: string }[]; outputs: { name: string }[] };
    const r = convertTfjsGraph(json, weights);
    const m = decodeOnnxModel(r.bytes);
    expect(m.opsetImport[0]!.version).toBe(ONNX_OPSET);
    expect(m.graph.input.map((i) => i.name)).toEqual(manifest.inputs.map((i) => i.name));
    expect(new Set(m.graph.output.map((o) => o.name))).toEqual(new Set(manifest.outputs.map((o) => o.name)));
    expect(r.inputs[0]!.shape).toEqual([1, 256, 256, 3]);
    expect(r.tfOps).toMatchObject({ _FusedConv2D: 37, DepthwiseConv2dNative: 32, AddV2: 31, Relu: 31, MaxPool: 3, Pad: 2, Reshape: 4 });
    // 37 convs + 32 depthwise convs, the depthwise ones grouped per channel.
    expect(r.onnxOps['Conv']).toBe(69);
    const session = await ort.InferenceSession.create(r.bytes);
    expect([...session.outputNames].sort()).toEqual(manifest.outputs.map((o) => o.name).sort());
    await session.release();
  });

  it('the transpose pass removes layout transposes without changing results', async () => {
    const plain = convertTfjsGraph(json, weights, { optimize: false });
    const opt = convertTfjsGraph(json, weights);
    // Unoptimised: one transpose pair around each of the 69 convs and 3 pools.
    expect(plain.onnxOps['Transpose']).toBe(2 * 72);
    expect(opt.onnxOps['Transpose']!).toBeLessThan(plain.onnxOps['Transpose']! / 3);
    const x = Float32Array.from(seeded(256 * 256 * 3, 5));
    const outs = [];
    for (const r of [plain, opt]) {
      const s = await ort.InferenceSession.create(r.bytes);
      outs.push(await s.run({ input: new ort.Tensor('float32', x, [1, 256, 256, 3]) }));
      await s.release();
    }
    for (const k of Object.keys(outs[0]!)) expect(maxScaledDiff(outs[0]![k]!.data as Float32Array, outs[1]![k]!.data as Float32Array), k).toBeLessThanOrEqual(1e-5);
  });

  it('is deterministic: the same graph gives the same bytes', () => {
    expect(Buffer.from(convertTfjsGraph(json, weights).bytes).equals(Buffer.from(convertTfjsGraph(json, weights).bytes))).toBe(true);
  });
});

describe('tfjs -> ONNX refuses what it cannot convert exactly', () => {
  function convertError(build: (g: TestGraph) => void): OnnxConversionError {
    const g = new TestGraph(X);
    build(g);
    const { json, weights } = g.build();
    try {
      convertTfjsGraph(json, weights);
    } catch (e) {
      expect(e).toBeInstanceOf(OnnxConversionError);
      return e as OnnxConversionError;
    }
    throw new Error('expected a conversion error');
  }

  it('an unsupported op names the op and the node', () => {
    const e = convertError((g) => void g.op('head/erf_1', 'Erf', [g.op('r', 'Relu', ['x'])]));
    expect(e.op).toBe('Erf');
    expect(e.nodeName).toBe('head/erf_1');
    expect(e.message).toContain('Erf');
    expect(e.message).toContain('"head/erf_1"');
  });

  it('a fused batch norm inside _FusedConv2D is refused, naming it', () => {
    const e = convertError((g) => void g.op('c', '_FusedConv2D', ['x', g.c('w', [1, 1, 4, 2]), g.c('s', [2]), g.c('o', [2])], { ...VALID, ...strides(1), ...fused(['FusedBatchNorm', 'Relu'], 2) }));
    expect(e.message).toMatch(/FusedBatchNorm/);
    expect(e.nodeName).toBe('c');
  });

  it('MirrorPad SYMMETRIC, a dynamic filter and an NCHW conv are refused', () => {
    expect(convertError((g) => void g.op('m', 'MirrorPad', ['x', g.c('p', [4, 2], [0, 0, 1, 1, 1, 1, 0, 0], 'int32')], { mode: attr.s('SYMMETRIC') })).message).toMatch(/SYMMETRIC/);
    expect(convertError((g) => void g.op('c', 'Conv2D', ['x', g.op('r', 'Relu', ['x'])], { ...VALID, ...strides(1) })).message).toMatch(/filter .*constant/);
    expect(convertError((g) => void g.op('c', 'Conv2D', ['x', g.c('w', [1, 1, 4, 2])], { padding: attr.s('VALID'), data_format: attr.s('NCHW') })).message).toMatch(/NCHW/);
  });
});

describe('tfjs weight decoding', () => {
  it('dequantizes uint8, uint16 and float16 weights exactly as tfjs does', () => {
    const values = seeded(40, 3, -3, 3);
    const specs = [
      { name: 'u8', shape: [10], dtype: 'float32', quantization: { dtype: 'uint8' as const, min: -3, scale: 6 / 255 } },
      { name: 'u16', shape: [2, 5], dtype: 'float32', quantization: { dtype: 'uint16' as const, min: -3, scale: 6 / 65535 } },
      { name: 'f16', shape: [10], dtype: 'float32', quantization: { dtype: 'float16' as const } },
      { name: 'f32', shape: [10], dtype: 'float32' },
      { name: 'i32', shape: [3], dtype: 'int32' },
    ];
    // Encode as the tfjs converter would.
    const bytes: number[] = [];
    const dv = new DataView(new ArrayBuffer(4));
    values.slice(0, 10).forEach((v) => bytes.push(Math.round((v + 3) / (6 / 255))));
    values.slice(10, 20).forEach((v) => {
      dv.setUint16(0, Math.round((v + 3) / (6 / 65535)), true);
      bytes.push(dv.getUint8(0), dv.getUint8(1));
    });
    const halves = new Uint16Array(tf.tensor(values.slice(20, 30)).dataSync().length);
    values.slice(20, 30).forEach((v, i) => {
      // float -> half by truncation through a float32 view (exponent rebias), enough for |v| < 4.
      dv.setFloat32(0, v, true);
      const f = dv.getUint32(0, true);
      halves[i] = ((f >>> 16) & 0x8000) | ((((f >>> 23) & 0xff) - 127 + 15) << 10) | ((f >>> 13) & 0x3ff);
    });
    halves.forEach((h) => bytes.push(h & 0xff, h >>> 8));
    values.slice(30, 40).forEach((v) => {
      dv.setFloat32(0, v, true);
      bytes.push(dv.getUint8(0), dv.getUint8(1), dv.getUint8(2), dv.getUint8(3));
    });
    [7, -8, 123456].forEach((v) => {
      dv.setInt32(0, v, true);
      bytes.push(dv.getUint8(0), dv.getUint8(1), dv.getUint8(2), dv.getUint8(3));
    });
    const data = new Uint8Array(bytes);
    const mine = decodeTfjsWeights(specs, data);
    const theirs = tf.io.decodeWeights(data.slice().buffer, specs as tf.io.WeightsManifestEntry[]);
    for (const s of specs) {
      const ref = theirs[s.name]!.dataSync();
      expect(Array.from(mine.get(s.name)!.data), s.name).toEqual(Array.from(ref));
      expect(mine.get(s.name)!.shape).toEqual(s.shape);
    }
    tf.dispose(Object.values(theirs));
    expect(() => decodeTfjsWeights(specs, data.subarray(0, 50))).toThrow(/runs past the end/);
  });
});

describe('onnx artifact in an asset folder', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'faceattr-onnx-'));
    cpSync(BLAZEFACE, dir, { recursive: true });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('adds model.onnx with size and sha256 to the manifest; the asset verifies and loads for onnx', async () => {
    const r = addOnnxArtifact(dir)!;
    expect(r.manifest.artifacts.onnx).toEqual({ entry: 'model.onnx', files: ['model.onnx'] });
    expect(r.manifest.artifacts['tfjs-graph']).toBeDefined();
    const asset = await loadModelAsset(dir, 'onnx');
    const bytes = asset.files.get('model.onnx')!;
    expect(bytes.length).toBe(r.converted.bytes.length);
    const s = await ort.InferenceSession.create(bytes);
    expect(s.inputNames).toEqual(['input']);
    await s.release();
    // Converting again replaces the artifact instead of listing model.onnx twice.
    const again = addOnnxArtifact(dir)!;
    expect(again.manifest.files.filter((f) => f.path === 'model.onnx')).toHaveLength(1);
  });

  it('the CLI converts an asset folder and exits 1 naming a folder it cannot convert', () => {
    const cli = join(import.meta.dirname, '..', 'tfjs-to-onnx.ts');
    unlinkSync(join(dir, 'model.onnx'));
    const ok = spawnSync(process.execPath, ['--conditions=@faceattr/source', '--import', 'tsx', cli, dir], { encoding: 'utf8' });
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/model\.onnx \d+ bytes/);
    expect(existsSync(join(dir, 'model.onnx'))).toBe(true);
    const bad = spawnSync(process.execPath, ['--conditions=@faceattr/source', '--import', 'tsx', cli, join(dir, 'no-such-model')], { encoding: 'utf8' });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('no-such-model');
  });
});
