// `analyze --crops DIR`: each face's aligned chip, as the attribute model sees it (like DeepFace's extract_faces).
import { basename, dirname, extname, join, resolve } from 'node:path';
import { estimateSimilarity, invertAffine, landmarksToArray, warpToTensor, type FaceResult, type RgbImage } from '@faceattr/core';
import { faceAttributes } from '@faceattr/attributes';
import { encodeRgbJpeg, writeAtomically } from './annotate.js';

/** The encoder's crop: its side in pixels and where the five landmarks land. */
export type CropSpec = Pick<ReturnType<typeof faceAttributes>['spec'], 'size' | 'template'>;

/** The crop of `faceAttributes({ encoder })` (its default encoder when absent). */
export function cropSpecOf(encoder: string | undefined): CropSpec {
  const { size, template } = faceAttributes(encoder ? { encoder } : {}).spec;
  return { size, template };
}

/** One face's aligned crop as packed RGB (`size` x `size`), sampled the way the encoder's input is. */
export function alignedCrop(image: RgbImage, face: FaceResult, c: CropSpec): Uint8Array {
  const toCrop = estimateSimilarity(landmarksToArray(face.landmarks), c.template);
  const px = warpToTensor(image, invertAffine(toCrop), c.size, c.size);
  return Uint8Array.from(px, (v) => Math.min(255, Math.max(0, Math.round(v))));
}

/** Writes face `i`'s crop to `<prefix>-<i>.jpg`, each atomically. */
export async function writeCrops(image: RgbImage, faces: readonly FaceResult[], prefix: string, c: CropSpec): Promise<void> {
  for (const [i, f] of faces.entries()) await writeAtomically(`${prefix}-${i}.jpg`, encodeRgbJpeg(alignedCrop(image, f, c), c.size, c.size));
}

/**
 * The crop name prefix (`<dir>/<base>`) of each image: a base already used, or one whose `<base>-<n>.jpg`
 * would be one of the `taken` paths (the inputs, the annotated copies), gets a `-2`, `-3`... suffix, so
 * no input and no other output is overwritten. Distinct prefixes never share a crop name.
 */
export function planCrops(files: readonly string[], dir: string, taken: Iterable<string>): Map<string, string> {
  const out = resolve(dir);
  const takenHere = [...taken].map((t) => resolve(t)).filter((t) => dirname(t) === out).map((t) => basename(t));
  const clashes = (base: string) => takenHere.some((t) => t.startsWith(`${base}-`) && /^\d+\.jpg$/.test(t.slice(base.length + 1)));
  const used = new Set<string>();
  const plan = new Map<string, string>();
  for (const file of files) {
    const stem = basename(file, extname(file));
    let base = stem;
    for (let n = 2; used.has(base) || clashes(base); n++) base = `${stem}-${n}`;
    used.add(base);
    plan.set(file, join(dir, base));
  }
  return plan;
}
