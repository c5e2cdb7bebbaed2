import {
  FaceAttrError,
  checkPluginOptions,
  formatValue,
  estimateSimilarity,
  invertAffine,
  landmarksToArray,
  warpToTensor,
  type AttributeModel,
  type AttributePrediction,
  type AttributeRequest,
  type Landmarks5,
  type ModelHandle,
  type PluginContext,
  type RgbImage,
} from '@faceattr/core';
import { decodeAge, decodeGender, decodeRace } from './decode-heads.js';
import { AGE_BINS, ENCODERS, type EncoderSpec } from './encoders.js';
import { WarpKernel } from './warp-kernel.js';

/** What {@link faceAttributes} takes; every option has a default. */
export interface FaceAttributesOptions {
  /**
   * Encoder asset. Default 'dlib-resnet-128-utk': dlib's ResNet fine-tuned on UTKFace for age, gender and
   * race (non-commercial research only; see its model card). 'dlib-resnet-128' is dlib's original encoder
   * and 'faceres-1024' FaceRes. Embeddings returned with `returnEmbedding` are this encoder's output: an
   * attribute embedding (not for face matching) for 'dlib-resnet-128-utk', dlib's identity descriptor
   * (same person when the L2 distance is below 0.6) for 'dlib-resnet-128'.
   */
  encoder?: string;
  /** Heads asset. Default `heads-<encoder>`. */
  heads?: string;
  /** Faces encoded per backend call. Default 8. */
  batchSize?: number;
  /**
   * Also encode each aligned face mirrored and average the two predictions (test-time augmentation).
   * Costs a second encoder pass per face; with 'dlib-resnet-128' on UTKFace val it moved age MAE 5.11 -> 5.04, gender 93.8 -> 93.9%,
   * race 84.8 -> 84.9% (docs/model-cards). Embeddings returned are still the unmirrored face's. Default false.
   */
  mirror?: boolean;
}

/** Every option faceAttributes() takes. */
export const FACE_ATTRIBUTES_OPTION_KEYS = ['encoder', 'heads', 'batchSize', 'mirror'] as const;

/** The defaults of {@link FaceAttributesOptions}. */
export const DEFAULT_FACE_ATTRIBUTES = {
  /** dlib's ResNet fine-tuned on UTKFace (128-d attribute embedding), with its heads `heads-dlib-resnet-128-utk`. */
  encoder: 'dlib-resnet-128-utk',
  /** Faces per encoder call. */
  batchSize: 8,
  /** One encoder pass per face. */
  mirror: false,
} as const;

/**
 * The attribute model: one encoder pass per aligned face gives an embedding; a small heads graph
 * reads it and returns an age distribution, a gender probability and a 5-way race distribution.
 */
export class FaceAttributes implements AttributeModel {
  readonly name: string;
/** How the encoder wants its aligned face (asset name, crop size, template, normalisation). */
  readonly spec: EncoderSpec;
/** Asset name of the heads. */
  readonly headsName: string;
/** Faces encoded per backend call. */
  readonly batchSize: number;
/** Whether each face is also encoded mirrored and the predictions averaged. */
  readonly mirror: boolean;
  #encoder: ModelHandle | undefined;
  #heads: ModelHandle | undefined;
  #ctx: PluginContext | undefined;
  /** The alignment's WebAssembly warp; undefined where WebAssembly is refused (JS then, same values). */
  #warp: WarpKernel | undefined;
  #disposed = false;

  constructor(options: FaceAttributesOptions = {}) {
    const o: FaceAttributesOptions = checkPluginOptions(options, 'faceAttributes()', FACE_ATTRIBUTES_OPTION_KEYS);
    const encoder = o.encoder ?? DEFAULT_FACE_ATTRIBUTES.encoder;
    const spec = Object.hasOwn(ENCODERS, encoder) ? ENCODERS[encoder] : undefined;
    if (!spec) {
      throw new FaceAttrError('INVALID_OPTIONS', `Unknown encoder ${formatValue(encoder)}; use one of ${Object.keys(ENCODERS).join(', ')}.`);
    }
    const batchSize = o.batchSize ?? DEFAULT_FACE_ATTRIBUTES.batchSize;
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new FaceAttrError('INVALID_OPTIONS', `"batchSize" must be a positive integer, got ${formatValue(batchSize)}.`);
    // The heads name becomes a folder name under modelBasePath; the model context refuses anything but a plain name.
    if (o.heads !== undefined && (typeof o.heads !== 'string' || !o.heads)) throw new FaceAttrError('INVALID_OPTIONS', `"heads" must be an asset name, got ${formatValue(o.heads)}.`);
    if (o.mirror !== undefined && typeof o.mirror !== 'boolean') throw new FaceAttrError('INVALID_OPTIONS', `"mirror" must be true or false, got ${formatValue(o.mirror)}.`);
    this.spec = spec;
    this.headsName = o.heads ?? `heads-${spec.name}`;
    this.name = `${spec.name}+${this.headsName}`;
    this.batchSize = batchSize;
    this.mirror = o.mirror ?? DEFAULT_FACE_ATTRIBUTES.mirror;
  }

  async load(ctx: PluginContext): Promise<void> {
    this.#ctx = ctx;
    this.#warp ??= await WarpKernel.load();
    this.#encoder = await ctx.loadModel(this.spec.name);
  }

  /** Heads load on first use, so embedding-only callers (training) need no heads asset. */
  async #loadHeads(): Promise<ModelHandle> {
    if (!this.#heads) {
      if (!this.#ctx) throw new FaceAttrError('MODEL_LOAD_FAILED', 'The attribute model was not loaded; create it through createPipeline().');
      this.#heads = await this.#ctx.loadModel(this.headsName);
    }
    return this.#heads;
  }

  /** Aligned, normalised crops for a batch of faces: [n, size, size, 3]. */
  alignBatch(image: RgbImage, faces: readonly Landmarks5[]): Float32Array {
    const { size, template, mean, std } = this.spec;
    const stride = size * size * 3;
    const out = new Float32Array(faces.length * stride);
    const warp = this.#warp;
    faces.forEach((l, i) => {
      const toSource = invertAffine(estimateSimilarity(landmarksToArray(l), template));
      const into = out.subarray(i * stride, (i + 1) * stride);
      if (warp) warp.warpToTensor(image, toSource, size, size, { mean, std }, into);
      else warpToTensor(image, toSource, size, size, { mean, std }, into);
    });
    return out;
  }

/** The encoder's embedding of each face, aligned by its landmarks (mirrored when `mirrored`), in order. */
  async embed(image: RgbImage, faces: readonly Landmarks5[], mirrored = false): Promise<Float32Array[]> {
    const result: Float32Array[] = [];
    for (let start = 0; start < faces.length; start += this.batchSize) {
      const chunk = faces.slice(start, start + this.batchSize);
      const aligned = this.alignBatch(image, chunk);
      result.push(...(await this.encodeAligned(mirrored ? mirrorCrops(aligned, this.spec.size) : aligned, chunk.length)));
    }
    return result;
  }

  /** Runs the encoder on `n` crops already aligned and normalised by {@link alignBatch}. */
  async encodeAligned(input: Float32Array, n: number): Promise<Float32Array[]> {
    if (this.#disposed) throw new FaceAttrError('DISPOSED', 'The attribute model was disposed.');
    const enc = this.#encoder;
    if (!enc) throw new FaceAttrError('MODEL_LOAD_FAILED', 'The attribute model was not loaded; create it through createPipeline().');
    const { size, dim } = this.spec;
    const out = await enc.run({ [this.spec.input]: { data: input, shape: [n, size, size, 3] } }, [this.spec.output]);
    const e = out[this.spec.output]!.data as Float32Array;
    return Array.from({ length: n }, (_, i) => e.slice(i * dim, (i + 1) * dim));
  }

  async predict(image: RgbImage, faces: readonly Landmarks5[], request: AttributeRequest): Promise<AttributePrediction[]> {
    if (faces.length === 0) return [];
    const timings = request.timings;
    let t = performance.now();
    const lap = (key: 'encodeMs' | 'headsMs') => {
      const n = performance.now();
      if (timings) timings[key] += n - t;
      t = n;
    };
    const embeddings = await this.embed(image, faces);
    lap('encodeMs');
    const preds: AttributePrediction[] = embeddings.map((e) => (request.embedding ? { embedding: e } : {}));
    if (request.attributes.length === 0) return preds;
    let out = await this.#runHeads(embeddings);
    lap('headsMs');
    if (this.mirror) {
      const mirrored = await this.embed(image, faces, true);
      lap('encodeMs');
      const m = await this.#runHeads(mirrored);
      lap('headsMs');
      out = { age: average(out.age, m.age), gender: average(out.gender, m.gender), race: average(out.race, m.race) };
    }
    preds.forEach((p, i) => {
      if (request.attributes.includes('age')) p.age = decodeAge(out.age.subarray(i * AGE_BINS, (i + 1) * AGE_BINS));
      if (request.attributes.includes('gender')) p.gender = decodeGender(out.gender[i]!);
      if (request.attributes.includes('race')) p.race = decodeRace(out.race.subarray(i * 5, (i + 1) * 5));
    });
    return preds;
  }

  async #runHeads(embeddings: Float32Array[]): Promise<{ age: Float32Array; gender: Float32Array; race: Float32Array }> {
    const heads = await this.#loadHeads();
    const { dim } = this.spec;
    const batch = new Float32Array(embeddings.length * dim);
    embeddings.forEach((e, i) => batch.set(e, i * dim));
    const out = await heads.run({ embedding: { data: batch, shape: [embeddings.length, dim] } });
    return { age: out['age']!.data as Float32Array, gender: out['gender']!.data as Float32Array, race: out['race']!.data as Float32Array };
  }

  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    await this.#encoder?.release();
    await this.#heads?.release();
    this.#encoder = undefined;
    this.#heads = undefined;
    this.#warp = undefined;
  }
}

function average(a: Float32Array, b: Float32Array): Float32Array {
  const out = new Float32Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = (a[i]! + b[i]!) / 2;
  return out;
}

/** Mirrors a batch of [n, size, size, 3] crops left-right. */
export function mirrorCrops(t: Float32Array, size: number): Float32Array {
  const out = new Float32Array(t.length);
  const n = t.length / (size * size * 3);
  for (let k = 0; k < n; k++) {
    const base = k * size * size * 3;
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const s = base + (y * size + x) * 3;
        const d = base + (y * size + (size - 1 - x)) * 3;
        out[d] = t[s]!;
        out[d + 1] = t[s + 1]!;
        out[d + 2] = t[s + 2]!;
      }
    }
  }
  return out;
}

/**
 * The default attribute model: aligns each face by its five landmarks, encodes it and reads perceived age,
 * gender and (when asked) race from the heads. The assets come from where the pipeline finds models.
 * The default heads are trained on UTKFace: non-commercial research only (MODELS.md).
 * @example
 * ```ts
 * const pipeline = await createPipeline({ backend: onnxBackend(), detector: mtcnn(), attributeModel: faceAttributes() });
 * // another encoder, and a second, mirrored pass per face:
 * const precise = faceAttributes({ encoder: 'faceres-1024', mirror: true });
 * ```
 */
export function faceAttributes(options: FaceAttributesOptions = {}): FaceAttributes {
  return new FaceAttributes(options);
}
