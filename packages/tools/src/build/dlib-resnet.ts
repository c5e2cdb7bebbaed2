import type { ModelManifest } from '@faceattr/core';
import { readPinned } from './pinned-source.js';
import { GraphDefBuilder } from './tf-graph-def.js';
import { decodeWeightsMap, type NamedWeight } from './tfjs-weights.js';
import { writeAsset } from './write-asset.js';

const PKG = { pkg: '@vladmandic/face-api', version: '1.7.15' } as const;
const MANIFEST_FILE = { ...PKG, path: 'model/face_recognition_model-weights_manifest.json', sha256: 'cbaffa501b0b9275a12b63357a6843e7e30c054e1c9151e1a5f879b26e32986b' };
const BIN_FILE = { ...PKG, path: 'model/face_recognition_model.bin', sha256: 'b413e420d6840b2775fba32008db6f3cddb07d485967fb42cfcf379c16a8c589' };

/** dlib's face chip is 150x150 RGB; pixels are centred on its training mean and divided by 256. */
export const DLIB_INPUT_SIZE = 150;
export const DLIB_MEAN = [122.782, 117.001, 104.298] as const;

/**
 * dlib's `dlib_face_recognition_resnet_model_v1` (a 29-layer ResNet, 128-d output), written
 * as a tfjs graph from its weights. Topology, from dlib's published network definition:
 * conv 7x7/2 (no padding) -> affine -> relu -> max-pool 3x3/2 -> 3 residual blocks x32 ->
 * down + 3 x64 -> down + 2 x128 -> down + 2 x256 -> down x256 -> global mean -> fc 128 (no bias).
 * A block is conv3x3 -> affine -> relu -> conv3x3 -> affine; the result is relu(block + shortcut).
 * Down blocks stride the first conv by 2 without padding; their shortcut is a 2x2/2 average pool,
 * zero-extended in channels, and where the two disagree in size (8 -> 3 vs 4) dlib adds the
 * smaller tensor into the top-left of a zero tensor of the larger size, which Pad reproduces.
 * Each conv's affine (per-channel scale, shift) is folded into its weights and bias.
 */
class ResNetWriter {
  readonly g = new GraphDefBuilder();
  constructor(private readonly w: Map<string, NamedWeight>) {}

  #get(name: string): NamedWeight {
    const t = this.w.get(name);
    if (!t) throw new Error(`dlib weights have no tensor ${name}`);
    return t;
  }

  /** conv + bias followed by dlib's affine layer, folded: y = (conv(x) + b) * s + t. */
  convAffine(prefix: string, x: string, strides: number, relu: boolean): { out: string; size: (n: number) => number } {
    const f = this.#get(`${prefix}/conv/filters`);
    const b = this.#get(`${prefix}/conv/bias`);
    const s = this.#get(`${prefix}/scale/weights`);
    const t = this.#get(`${prefix}/scale/biases`);
    const outC = f.shape[3]!;
    const filt = new Float32Array(f.data.length);
    for (let i = 0; i < f.data.length; i++) filt[i] = f.data[i]! * s.data[i % outC]!;
    const bias = new Float32Array(outC);
    for (let c = 0; c < outC; c++) bias[c] = b.data[c]! * s.data[c]! + t.data[c]!;
    const k = f.shape[0]!;
    // dlib pads stride-1 convs by k/2 (same size) and stride-2 convs not at all.
    const padding = strides === 1 ? 'SAME' : 'VALID';
    const out = this.g.fusedConv2d(
      `${prefix}/conv`,
      x,
      this.g.constFloat(`${prefix}/filters`, f.shape, filt),
      this.g.constFloat(`${prefix}/bias`, [outC], bias),
      strides,
      padding,
      relu,
    );
    return { out, size: (n) => (strides === 1 ? n : Math.floor((n - k) / strides) + 1) };
  }

  residual(prefix: string, x: string): string {
    const a = this.convAffine(`${prefix}/conv1`, x, 1, true).out;
    const b = this.convAffine(`${prefix}/conv2`, a, 1, false).out;
    return this.g.relu(`${prefix}/relu`, this.g.add(`${prefix}/add`, b, x));
  }

  residualDown(prefix: string, x: string, inSize: number, inC: number, outC: number): { out: string; size: number } {
    const c1 = this.convAffine(`${prefix}/conv1`, x, 2, true);
    const blockSize = c1.size(inSize);
    const b = this.convAffine(`${prefix}/conv2`, c1.out, 1, false).out;
    const poolSize = Math.floor((inSize - 2) / 2) + 1;
    let shortcut = this.g.avgPool(`${prefix}/pool`, x, 2, 2, 'VALID');
    if (outC > inC) {
      shortcut = this.g.pad(`${prefix}/pad_channels`, shortcut, this.g.constInt(`${prefix}/pad_channels/paddings`, [0, 0, 0, 0, 0, 0, 0, outC - inC], [4, 2]));
    }
    let block = b;
    const size = Math.max(blockSize, poolSize);
    if (blockSize < size) {
      const d = size - blockSize;
      block = this.g.pad(`${prefix}/pad_block`, b, this.g.constInt(`${prefix}/pad_block/paddings`, [0, 0, 0, d, 0, d, 0, 0], [4, 2]));
    }
    if (poolSize < size) {
      const d = size - poolSize;
      shortcut = this.g.pad(`${prefix}/pad_pool`, shortcut, this.g.constInt(`${prefix}/pad_pool/paddings`, [0, 0, 0, d, 0, d, 0, 0], [4, 2]));
    }
    return { out: this.g.relu(`${prefix}/relu`, this.g.add(`${prefix}/add`, block, shortcut)), size };
  }
}

/**
 * Writes dlib's ResNet topology as a tfjs graph from a weights map named as face-api's
 * (`<layer>/conv/filters` HWIO, `<layer>/conv/bias`, `<layer>/scale/weights`, `<layer>/scale/biases`, `fc`).
 */
export function writeDlibGraph(weights: Map<string, NamedWeight>): GraphDefBuilder {
  const r = new ResNetWriter(weights);
  const g = r.g;
  let x = g.placeholder('input', [-1, DLIB_INPUT_SIZE, DLIB_INPUT_SIZE, 3]);
  const stem = r.convAffine('conv32_down', x, 2, true);
  let size = stem.size(DLIB_INPUT_SIZE); // 72
  x = g.maxPool('pool', stem.out, 3, 2, 'VALID');
  size = Math.floor((size - 3) / 2) + 1; // 35
  for (const p of ['conv32_1', 'conv32_2', 'conv32_3']) x = r.residual(p, x);
  let d = r.residualDown('conv64_down', x, size, 32, 64);
  x = d.out;
  size = d.size;
  for (const p of ['conv64_1', 'conv64_2', 'conv64_3']) x = r.residual(p, x);
  d = r.residualDown('conv128_down', x, size, 64, 128);
  x = d.out;
  size = d.size;
  for (const p of ['conv128_1', 'conv128_2']) x = r.residual(p, x);
  d = r.residualDown('conv256_down', x, size, 128, 256);
  x = d.out;
  size = d.size;
  for (const p of ['conv256_1', 'conv256_2']) x = r.residual(p, x);
  d = r.residualDown('conv256_down_out', x, size, 256, 256);
  x = g.mean('global_pool', d.out, g.constInt('global_pool/axes', [1, 2]));
  const fc = weights.get('fc')!;
  x = g.matMul('fc', x, g.constFloat('fc/weights', fc.shape, fc.data));
  g.identity('embedding', x);
  return g;
}

/** The input of every dlib-topology encoder asset (the pretrained one and its fine-tunes). */
export const DLIB_INPUTS: ModelManifest['inputs'] = [
  {
    name: 'input',
    shape: [null, DLIB_INPUT_SIZE, DLIB_INPUT_SIZE, 3],
    dtype: 'float32',
    normalization: { mean: DLIB_MEAN, std: 256, channelOrder: 'RGB', layout: 'NHWC' },
    description: '150x150 aligned face chip',
  },
];

export function buildDlibResnet(root: string): ModelManifest {
  const groups = JSON.parse(readPinned(MANIFEST_FILE).toString('utf8')) as Parameters<typeof decodeWeightsMap>[0];
  const bin = readPinned(BIN_FILE);
  const weights = decodeWeightsMap(groups, new Uint8Array(bin.buffer, bin.byteOffset, bin.byteLength));
  const g = writeDlibGraph(weights);
  const files = g.files({ generatedBy: 'dlib dlib_face_recognition_resnet_model_v1 weights (via @vladmandic/face-api)', convertedBy: '@faceattr/models build' });
  return writeAsset(
    root,
    {
      name: 'dlib-resnet-128',
      version: '1.0.0',
      description: "dlib's ResNet face recognition encoder (29 conv layers, 128-d embedding; same person when L2 distance < 0.6).",
      inputs: DLIB_INPUTS,
      outputs: [{ name: 'embedding', shape: [null, 128], dtype: 'float32', description: '128-d face descriptor, not L2-normalised' }],
      artifacts: { 'tfjs-graph': { entry: 'model.json', files: ['model.bin', 'model.json'] } },
      license: 'CC0-1.0 / public domain (dlib model weights, Davis King); face-api.js repackaging MIT',
      source: {
        package: PKG.pkg,
        version: PKG.version,
        path: `${MANIFEST_FILE.path}, ${BIN_FILE.path}`,
        sha256: { [MANIFEST_FILE.path]: MANIFEST_FILE.sha256, [BIN_FILE.path]: BIN_FILE.sha256 },
        notes: 'uint8-quantized weights dequantized to float32; affine layers folded into the convolutions',
      },
    },
    files,
  );
}
