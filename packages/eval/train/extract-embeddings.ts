/**
 * Extracts encoder embeddings for UTKFace through the library's own path: decode -> pad ->
 * MTCNN detect -> align -> encode, so the heads train on exactly what users' faces produce at
 * run time. Augmentation: the aligned crop mirrored left-right is encoded in the same batch (the
 * crop template is symmetric to within 1 px, so this equals aligning the mirrored photo, without
 * a second detection). MTCNN runs with minFaceSize 60: padded chips hold one ~150 px face, so
 * smaller pyramid levels only cost time (eval uses the same setting).
 *
 *   npm run extract-embeddings -w @faceattr/eval -- [--split train|val|all] [--limit N] [--shard i/n]
 *
 * Writes packages/eval/train/.cache/<encoder>-<split>[-shard].{f32,json} (never committed:
 * derived from UTKFace, which is for non-commercial research only).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPipeline } from '@faceattr/core';
import { decodeImage } from '@faceattr/core/node';
import { tfjsBackend } from '@faceattr/backend-tfjs';
import { mtcnn } from '@faceattr/detector-mtcnn';
import { faceAttributes, mirrorCrops } from '@faceattr/attributes';
import { centralFace, padChip, parseUtkCsv, UTK_DETECTOR_OPTIONS } from '@faceattr/cli/eval';

const here = dirname(fileURLToPath(import.meta.url));
const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : dflt;
};
const dataset = arg('dataset', join(here, '..', '..', '..', '..', 'shared', 'datasets', 'utkface'));
const split = arg('split', 'train');
const limit = Number(arg('limit', '0'));
const [shard, shards] = arg('shard', '0/1').split('/').map(Number) as [number, number];
const encoder = arg('encoder', 'dlib-resnet-128');
// onnx (onnxruntime-node, 1 thread per process) and tfjs-wasm give the same embeddings within 1e-4 (parity test); onnx is ~2x faster.
const backendName = arg('backend', 'onnx');

let rows = parseUtkCsv(readFileSync(join(dataset, 'labels.csv'), 'utf8')).filter((r) => split === 'all' || r.split === split);
rows = rows.filter((_, i) => i % shards === shard);
if (limit) rows = rows.slice(0, limit);

const attrs = faceAttributes({ encoder });
const backend = backendName === 'onnx' ? (await import('@faceattr/backend-onnx')).onnxBackend({ intraOpNumThreads: 1 }) : tfjsBackend({ runtime: 'wasm' });
const pipeline = await createPipeline({ backend, detector: mtcnn(UTK_DETECTOR_OPTIONS), attributeModel: attrs, attributes: [] });
const dim = attrs.spec.dim;
const out = new Float32Array(rows.length * 2 * dim);
const index: { file: string; age: number; gender: number; race: number; found: [boolean, boolean] }[] = [];
const t0 = performance.now();
for (const [i, r] of rows.entries()) {
  const chip = await decodeImage(join(dataset, 'images', r.file));
  const found: [boolean, boolean] = [false, false];
  const img = padChip(chip);
  const faces = await pipeline.detect(img, { attributes: [] });
  const c = centralFace(faces, img.width, img.height);
  if (c >= 0) {
    const aligned = attrs.alignBatch(img, [faces[c]!.landmarks]);
    const both = new Float32Array(aligned.length * 2);
    both.set(aligned);
    both.set(mirrorCrops(aligned, attrs.spec.size), aligned.length);
    const [e, m] = await attrs.encodeAligned(both, 2);
    out.set(e!, i * 2 * dim);
    out.set(m!, (i * 2 + 1) * dim);
    found[0] = found[1] = true;
  }
  index.push({ file: r.file, age: r.age, gender: r.gender, race: r.race, found });
  if ((i + 1) % 200 === 0) {
    const rate = (performance.now() - t0) / (i + 1);
    console.log(`${i + 1}/${rows.length} ${rate.toFixed(0)} ms/image, eta ${((rows.length - i - 1) * rate / 60000).toFixed(1)} min`);
  }
}
await pipeline.dispose();
const cache = join(here, '.cache');
mkdirSync(cache, { recursive: true });
const base = join(cache, `${encoder}-${split}${shards > 1 ? `-${shard}of${shards}` : ''}`);
writeFileSync(`${base}.f32`, new Uint8Array(out.buffer));
writeFileSync(`${base}.json`, JSON.stringify({ encoder, backend: backendName, dim, split, dataset: 'utkface', rows: index }));
const missed = index.filter((r) => !r.found[0]).length;
console.log(`wrote ${base}.f32: ${rows.length} images, ${missed} without a detected face, ${((performance.now() - t0) / 1000).toFixed(0)} s`);
