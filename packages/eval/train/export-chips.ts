/**
 * Exports aligned UTKFace face chips for fine-tuning the encoder in PyTorch (`training/`), through the
 * library's own path: decode -> pad (as `faceattr eval` pads) -> MTCNN (UTK_DETECTOR_OPTIONS) ->
 * central face -> the encoder's similarity alignment. Each chip is written as raw RGB uint8 on a
 * canvas `--margin` px larger on every side than the encoder's crop, with the same template shifted
 * by the margin: its central `size` x `size` window samples exactly the points the run-time crop
 * samples (uint8 rounding aside), and the margin lets the trainer take shifted, rotated and scaled crops.
 *
 *   npx tsx --conditions=@faceattr/source packages/eval/train/export-chips.ts --split train --shard 0/2
 *   ... --ref 8 --out DIR   (the first 8 faces of the split as normalised float32 crops + the encoder's
 *                             embeddings on the chosen backend: the parity reference, nothing else)
 *
 * Writes training/.cache/chips-<split>[-iofn].{u8,json} (never committed: derived from UTKFace, which is
 * for non-commercial research only). The json lists every image with its labels and whether a face was
 * found (`index` into the .u8 rows, -1 for a miss).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPipeline, estimateSimilarity, invertAffine, landmarksToArray, warpToTensor } from '@faceattr/core';
import { decodeImage } from '@faceattr/core/node';
import { onnxBackend } from '@faceattr/backend-onnx';
import { mtcnn } from '@faceattr/detector-mtcnn';
import { faceAttributes } from '@faceattr/attributes';
import { centralFace, padChip, parseUtkCsv, UTK_DETECTOR_OPTIONS } from '@faceattr/cli/eval';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..', '..', '..');
const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : dflt;
};
const dataset = arg('dataset', join(repo, '..', 'shared', 'datasets', 'utkface'));
const split = arg('split', 'train');
const limit = Number(arg('limit', '0'));
const ref = Number(arg('ref', '0'));
const margin = Number(arg('margin', '13'));
const [shard, shards] = arg('shard', '0/1').split('/').map(Number) as [number, number];
const encoder = arg('encoder', 'dlib-resnet-128');
const outDir = arg('out', join(repo, 'training', '.cache'));

let rows = parseUtkCsv(readFileSync(join(dataset, 'labels.csv'), 'utf8')).filter((r) => split === 'all' || r.split === split);
rows = rows.filter((_, i) => i % shards === shard);
if (limit) rows = rows.slice(0, limit);

const attrs = faceAttributes({ encoder });
const { size, template, dim } = attrs.spec;
const big = size + 2 * margin;
const bigTemplate = template.map((p) => ({ x: p.x + margin, y: p.y + margin }));
const pipeline = await createPipeline({ backend: onnxBackend({ intraOpNumThreads: 1 }), detector: mtcnn(UTK_DETECTOR_OPTIONS), attributeModel: attrs, attributes: [] });

const chips: Uint8Array[] = [];
const refCrops: Float32Array[] = [];
const refEmbeddings: Float32Array[] = [];
const index: { file: string; age: number; gender: number; race: number; index: number }[] = [];
const raw = new Float32Array(big * big * 3);
const t0 = performance.now();
for (const [i, r] of rows.entries()) {
  const img = padChip(await decodeImage(join(dataset, 'images', r.file)));
  const faces = await pipeline.detect(img, { attributes: [] });
  const c = centralFace(faces, img.width, img.height);
  let at = -1;
  if (c >= 0) {
    const landmarks = faces[c]!.landmarks;
    if (ref > 0) {
      const crop = attrs.alignBatch(img, [landmarks]);
      refCrops.push(crop);
      refEmbeddings.push((await attrs.encodeAligned(crop, 1))[0]!);
    } else {
      warpToTensor(img, invertAffine(estimateSimilarity(landmarksToArray(landmarks), bigTemplate)), big, big, {}, raw);
      const u8 = new Uint8Array(raw.length);
      for (let k = 0; k < raw.length; k++) u8[k] = Math.max(0, Math.min(255, Math.round(raw[k]!)));
      chips.push(u8);
    }
    at = (ref > 0 ? refCrops : chips).length - 1;
  }
  index.push({ file: r.file, age: r.age, gender: r.gender, race: r.race, index: at });
  if (ref > 0 && refCrops.length >= ref) break;
  if ((i + 1) % 500 === 0) {
    const rate = (performance.now() - t0) / (i + 1);
    console.log(`${i + 1}/${rows.length} ${rate.toFixed(0)} ms/image, eta ${(((rows.length - i - 1) * rate) / 60000).toFixed(1)} min`);
  }
}
await pipeline.dispose();
mkdirSync(outDir, { recursive: true });
const concat = (parts: ArrayBufferView[]) => Buffer.concat(parts.map((p) => Buffer.from(p.buffer, p.byteOffset, p.byteLength)));
if (ref > 0) {
  writeFileSync(join(outDir, 'ref-crops.f32'), concat(refCrops));
  writeFileSync(join(outDir, 'ref-embeddings.f32'), concat(refEmbeddings));
  writeFileSync(join(outDir, 'ref.json'), JSON.stringify({ encoder, n: refCrops.length, size, dim, spec: attrs.spec, rows: index }));
  console.log(`wrote ${refCrops.length} reference crops + ${encoder} embeddings to ${outDir}`);
} else {
  const base = join(outDir, `chips-${split}${shards > 1 ? `-${shard}of${shards}` : ''}`);
  writeFileSync(`${base}.u8`, concat(chips));
  writeFileSync(`${base}.json`, JSON.stringify({ encoder, size, margin, chip: big, split, dataset: 'utkface', rows: index }));
  const missed = index.filter((r) => r.index < 0);
  console.log(`wrote ${base}.u8: ${rows.length} images, ${missed.length} without a detected face, ${((performance.now() - t0) / 1000).toFixed(0)} s`);
}
