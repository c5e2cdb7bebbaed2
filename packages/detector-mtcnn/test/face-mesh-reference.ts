/**
 * An independent landmark reference for this package's tests and benches (not exported):
 * MediaPipe FaceMesh (468 points) as shipped in the devDependency @vladmandic/human@3.3.6,
 * models/facemesh.{json,bin}, loaded as data with tfjs (run tfjsBackend().init() first).
 * Five points from the mesh: each eye's contour ring centre, the nose tip (1; 4 also offered)
 * and the mouth corners (61, 291). Used by bench/landmarks-reference.ts and
 * src/landmarks-reference.test.ts; a file of its own so other tests do not load tfjs-converter.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { loadGraphModel, type GraphModel } from '@tensorflow/tfjs-converter';
import { applyAffine, estimateSimilarity, resizeImage, type Affine, type Point, type RgbImage } from '@faceattr/core';
import { REPO_ROOT } from '@faceattr/test-support';
import { padChip } from './support.js';

export const MESH_DIR = join(REPO_ROOT, 'node_modules', '@vladmandic', 'human', 'models');
export const MESH_SHA256 = {
  'facemesh.json': 'b60ca26f404724f43bd2b1575761d8265180e1f053cc0731caa68462927309e7',
  'facemesh.bin': '3826da640b0a3021161605369ee6af293f75d518040355b960ec71a3390c1c0b',
} as const;
const MESH_SIZE = 192;

// MediaPipe canonical indices. EYE_A is the image-left eye on an upright face (the bench checks it).
export const EYE_A = [33, 7, 163, 144, 145, 153, 154, 155, 133, 173, 157, 158, 159, 160, 161, 246];
export const EYE_B = [263, 249, 390, 373, 374, 380, 381, 382, 362, 398, 384, 385, 386, 387, 388, 466];
export const NOSE_TIP = 1;
export const NOSE_ALT = 4;
export const MOUTH_A = 61;
export const MOUTH_B = 291;

/**
 * Input conventions the bench calibrates over. [0,1] with the chip padded by gray to 1.3x is
 * what it picked (most self-consistent under mirroring; [0,255] puts the mesh off the face, and
 * an unpadded tight chip lowers the face flag): {@link DEFAULT_MESH_INPUT}.
 */
export const RANGES = { '[0,1]': [0, 1], '[-1,1]': [-1, 1], '[0,255]': [0, 255] } as const;
export type RangeName = keyof typeof RANGES;
export interface MeshInput {
  range: RangeName;
  padFactor: number;
}
export const DEFAULT_MESH_INPUT: MeshInput = { range: '[0,1]', padFactor: 1.3 };

export interface MeshResult {
  /** leftEye, rightEye, nose (1), mouthLeft, mouthRight, nose (4): mean of the plain and the mirrored prediction, chip pixels. */
  points: Point[];
  /** The plain prediction only, chip pixels. */
  plain: Point[];
  /** Face probability of the plain and the mirrored input (~1e-5 on flat gray or noise, 1.000 on faces). */
  flag: number;
  flagMirrored: number;
  /** Per point, |plain - mirrored| in inter-ocular distances: the mesh's own (in)consistency. */
  mirrorDisagreement: number[];
}

export const hasFaceMesh = (): boolean => existsSync(join(MESH_DIR, 'facemesh.json')) && existsSync(join(MESH_DIR, 'facemesh.bin'));

const mean = (v: readonly number[]): number => v.reduce((a, b) => a + b, 0) / v.length;
const dist = (a: Point, b: Point): number => Math.hypot(a.x - b.x, a.y - b.y);

export class FaceMesh {
  private constructor(private readonly model: GraphModel) {}

  /** Loads the mesh, refusing files whose sha256 differs from the pinned ones. */
  static async load(): Promise<FaceMesh> {
    const json = readFileSync(join(MESH_DIR, 'facemesh.json'));
    const bin = readFileSync(join(MESH_DIR, 'facemesh.bin'));
    for (const [name, bytes] of [['facemesh.json', json], ['facemesh.bin', bin]] as const) {
      const digest = createHash('sha256').update(bytes).digest('hex');
      if (digest !== MESH_SHA256[name]) throw new Error(`${name} has sha256 ${digest}, expected ${MESH_SHA256[name]} (@vladmandic/human@3.3.6)`);
    }
    const parsed = JSON.parse(json.toString('utf8')) as { modelTopology: object; weightsManifest: { weights: tf.io.WeightsManifestEntry[] }[] };
    const model = await loadGraphModel(
      tf.io.fromMemory({
        modelTopology: parsed.modelTopology,
        weightSpecs: parsed.weightsManifest.flatMap((g) => g.weights),
        weightData: bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength),
      }),
    );
    return new FaceMesh(model);
  }

  dispose(): void {
    this.model.dispose();
  }

  /** The 468 (x, y) points in 192x192 input pixels, and the face flag. */
  #run(data: Float32Array): { xy: Float32Array; flag: number } {
    const x = tf.tensor4d(data, [1, MESH_SIZE, MESH_SIZE, 3]);
    const out = this.model.execute(x, ['Identity_2:0', 'Identity_1:0']) as tf.Tensor[];
    const m = out[0]!.dataSync();
    const flag = out[1]!.dataSync()[0]!;
    tf.dispose([x, ...out]);
    const xy = new Float32Array(468 * 2);
    for (let k = 0; k < 468; k++) {
      xy[k * 2] = m[k * 3]!;
      xy[k * 2 + 1] = m[k * 3 + 1]!;
    }
    return { xy, flag };
  }

  /**
   * The mesh on a tight face chip (e.g. UTKFace's 200x200): padded with gray to `padFactor` x its
   * size, resized to 192, run plain and mirrored.
   */
  onChip(chip: RgbImage, input: MeshInput = DEFAULT_MESH_INPUT): MeshResult {
    const side = chip.width;
    const size = Math.round((side * input.padFactor) / 2) * 2;
    const off = (size - side) / 2;
    const img = resizeImage(padChip(chip, size, off, off), MESH_SIZE, MESH_SIZE);
    const [lo, hi] = RANGES[input.range];
    const plainIn = Float32Array.from(img.data, (v) => lo + (v / 255) * (hi - lo));
    const mirrorIn = new Float32Array(plainIn.length);
    for (let y = 0; y < MESH_SIZE; y++) {
      for (let x = 0; x < MESH_SIZE; x++) mirrorIn.set(plainIn.subarray((y * MESH_SIZE + x) * 3, (y * MESH_SIZE + x) * 3 + 3), (y * MESH_SIZE + MESH_SIZE - 1 - x) * 3);
    }
    const a = this.#run(plainIn);
    const b = this.#run(mirrorIn);
    // Continuous input coordinate X is input pixel index X - 0.5; resizeImage maps input index u to
    // padded-canvas index u * size / 192; the chip starts at `off`.
    const toChip = (p: Point): Point => ({ x: ((p.x - 0.5) * size) / MESH_SIZE - off, y: ((p.y - 0.5) * size) / MESH_SIZE - off });
    const pa = meshPoints(a.xy, false).map(toChip);
    const pb = meshPoints(b.xy, true).map(toChip);
    const iod = dist(pa[0]!, pa[1]!);
    return {
      points: pa.map((p, k) => ({ x: (p.x + pb[k]!.x) / 2, y: (p.y + pb[k]!.y) / 2 })),
      plain: pa,
      flag: a.flag,
      flagMirrored: b.flag,
      mirrorDisagreement: pa.map((p, k) => dist(p, pb[k]!) / iod),
    };
  }
}

/** The six compared mesh points (continuous input-pixel coordinates, 0 = left edge). */
function meshPoints(xy: Float32Array, mirrored: boolean): Point[] {
  // In a mirrored input, x -> 192 - x and each eye/mouth corner is the other side's.
  const pt = (k: number): Point => ({ x: mirrored ? MESH_SIZE - xy[k * 2]! : xy[k * 2]!, y: xy[k * 2 + 1]! });
  const centre = (ks: readonly number[]): Point => ({ x: mean(ks.map((k) => pt(k).x)), y: mean(ks.map((k) => pt(k).y)) });
  const [ea, eb, ma, mb] = mirrored ? [EYE_B, EYE_A, MOUTH_B, MOUTH_A] : [EYE_A, EYE_B, MOUTH_A, MOUTH_B];
  return [centre(ea), centre(eb), pt(NOSE_TIP), pt(ma), pt(mb), pt(NOSE_ALT)];
}

/** Similarity sending the reference's eye centres to (0,0) and (1,0): a face frame in IOD units. */
export const eyeFrame = (ref: readonly Point[]): Affine => estimateSimilarity([ref[0]!, ref[1]!], [{ x: 0, y: 0 }, { x: 1, y: 0 }]);

/**
 * Per compared point, `points[of[k]]` minus `ref[k]` in the face frame of `ref` (IOD units).
 * `of` maps each reference point to the compared model's point (default: the same index).
 */
export function frameOffsets(points: readonly Point[], ref: readonly Point[], of: readonly number[] = [0, 1, 2, 3, 4]): Point[] {
  const m = eyeFrame(ref);
  return of.map((j, k) => {
    const a = applyAffine(m, points[j]!);
    const b = applyAffine(m, ref[k]!);
    return { x: a.x - b.x, y: a.y - b.y };
  });
}
