/**
 * Image decoding in Node and detecting on a shrunk copy (issue 14): sharp (libvips) against jpeg-js, and the
 * pipeline's `detectShrink` against the full image, in one process.
 *  1. decode time of a 1280x720 and a 12 MP JPEG made from a demo photo (full size, and 1/2 or 1/4 size:
 *     sharp's shrink-on-load);
 *  2. decode + analyze (MTCNN + age/gender, onnx) of the 1280x720 photo (5 faces) and the 12 MP one: jpeg-js,
 *     sharp with `detectShrink` 1 (the old path, still the default), 'auto' and 4, and a half-size decode for
 *     the detector with alignment from a second, full-size decode; then where the default's time goes (decode,
 *     detect, align + encode, heads);
 *  3. on UTKFace val chips: what detecting and aligning at half size changes against full size, and what
 *     `detectShrink: 'auto'` changes;
 *  4. images/s on 500 UTKFace val chips: the CLI's per-file work in process (decode + detect) with
 *     `detectShrink` 1 and 'auto', alternating, and the CLI itself (`faceattr analyze --json --backend onnx`).
 *
 *   npm run bench -- decode-latency        (env BENCH_UTK=N: chips for parts 3 and 4, default 500)
 *
 * Writes packages/eval/bench/decode-results.json.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import sharp from 'sharp';
import { createPipeline, resizeImage, type DetectShrink, type FaceResult, type RgbImage } from '@faceattr/core';
import { decodeImage, type DecodeOptions } from '@faceattr/core/node';
import { onnxBackend } from '@faceattr/backend-onnx';
import { mtcnn } from '@faceattr/detector-mtcnn';
import { faceAttributes } from '@faceattr/attributes';
import { centralFace, padChip, UTK_DETECTOR_OPTIONS } from '@faceattr/cli/eval';
import { demoPhoto, hasUtkface, REPO_ROOT, UTKFACE_DIR, utkfaceRows } from '@faceattr/test-support';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const round = (v: number, d = 1) => Math.round(v * 10 ** d) / 10 ** d;
const results: Record<string, unknown> = { date: new Date().toISOString(), sharp: sharp.versions.sharp, vips: sharp.versions.vips };

const save = () => writeFileSync(join(import.meta.dirname, 'decode-results.json'), `${JSON.stringify(results, null, 2)}\n`);

/** A JPEG (quality 90, 4:2:0 like a phone's) of demo photo 4 resized to fill width x height, top-aligned. */
async function photoJpeg(width: number, height: number): Promise<Buffer> {
  return sharp(demoPhoto(4)).resize(width, height, { fit: 'cover', position: 'top' }).jpeg({ quality: 90 }).toBuffer();
}

// 1. Decode time, variants interleaved so that machine load hits them alike.
const files = { '1280x720': await photoJpeg(1280, 720), '4000x3000 (12 MP)': await photoJpeg(4000, 3000) };
const variants: Record<string, DecodeOptions> = {
  'jpeg-js': { decoder: 'js' },
  sharp: { decoder: 'sharp' },
  'sharp, shrink 2': { decoder: 'sharp', shrink: 2 },
  'sharp, shrink 4': { decoder: 'sharp', shrink: 4 },
};
const decodeRows: Record<string, unknown>[] = [];
for (const [size, bytes] of Object.entries(files)) {
  const runs = size === '1280x720' ? 21 : 5;
  const ms: Record<string, number[]> = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
  for (let i = 0; i < runs + 1; i++) {
    for (const [name, o] of Object.entries(variants)) {
      const t0 = performance.now();
      await decodeImage(bytes, o);
      if (i > 0) ms[name]!.push(performance.now() - t0);
    }
  }
  const js = median(ms['jpeg-js']!);
  for (const name of Object.keys(variants)) {
    decodeRows.push({ size, decoder: name, median_ms: round(median(ms[name]!)), speedup_vs_jpeg_js: round(js / median(ms[name]!), 2) });
  }
}
results.decode = decodeRows;
console.table(decodeRows);
save();

// 2. Decode + analyze on onnx, at full size and shrunk with minFaceSize shrunk alike (the same faces are looked for).
const scaleFace = (f: FaceResult, k: number): FaceResult => ({
  ...f,
  box: { x: f.box.x * k, y: f.box.y * k, width: f.box.width * k, height: f.box.height * k },
  landmarks: Object.fromEntries(Object.entries(f.landmarks).map(([n, p]) => [n, { x: p.x * k, y: p.y * k }])) as unknown as FaceResult['landmarks'],
});
/** Age and gender of `faces` (already in `img`'s coordinates) from `img`'s pixels. */
async function predictOn(attrs: ReturnType<typeof faceAttributes>, img: RgbImage, faces: FaceResult[]): Promise<FaceResult[]> {
  const preds = await attrs.predict(img, faces.map((f) => f.landmarks), { attributes: ['age', 'gender'], embedding: false });
  return faces.map((f, i) => ({ ...f, ...(preds[i]!.age && { age: preds[i]!.age }), ...(preds[i]!.gender && { gender: preds[i]!.gender }) }));
}
async function onnxPipeline(minFaceSize: number) {
  const attrs = faceAttributes();
  return { attrs, pipeline: await createPipeline({ backend: onnxBackend(), detector: mtcnn({ minFaceSize }), attributeModel: attrs }) };
}

/** Times each variant (interleaved, first run dropped) and compares its answers with the first sharp full-size variant's. */
async function analyze(photo: Uint8Array, minFaceSize: number, runs: number, withJs: boolean) {
  const p = { 1: await onnxPipeline(minFaceSize), 2: await onnxPipeline(minFaceSize / 2), 4: await onnxPipeline(minFaceSize / 4) };
  const shrunk = (s: 2 | 4) => async () => (await p[s].pipeline.detect(await decodeImage(photo, { shrink: s }))).map((f) => scaleFace(f, s));
  const withShrink = (detectShrink: DetectShrink) => async () => p[1].pipeline.detect(await decodeImage(photo, { decoder: 'sharp' }), { detectShrink });
  const analyses: Record<string, () => Promise<FaceResult[]>> = {
    ...(withJs && { 'jpeg-js, full size': async () => p[1].pipeline.detect(await decodeImage(photo, { decoder: 'js' })) }),
    'sharp, full size (detectShrink 1: old path, default)': withShrink(1),
    "sharp, detectShrink 'auto'": withShrink('auto'),
    'sharp, detectShrink 4': withShrink(4),
    'sharp, 1/2 size for detector and alignment': shrunk(2),
    'sharp, 1/4 size for detector and alignment': shrunk(4),
    'sharp, 1/2 size decode for detector, alignment from a second full-size decode': async () => {
      const [small, big] = await Promise.all([decodeImage(photo, { shrink: 2 }), decodeImage(photo)]);
      return predictOn(p[2].attrs, big, (await p[2].pipeline.detect(small, { attributes: [] })).map((f) => scaleFace(f, 2)));
    },
  };
  const ms: Record<string, number[]> = Object.fromEntries(Object.keys(analyses).map((k) => [k, []]));
  const answers: Record<string, FaceResult[]> = {};
  for (let i = 0; i < runs + 1; i++) {
    for (const [name, run] of Object.entries(analyses)) {
      const t0 = performance.now();
      answers[name] = await run();
      if (i > 0) ms[name]!.push(performance.now() - t0);
    }
  }
  // Where the default's time goes: decode, detect (no attributes), then alignment + encoder and the heads (the
  // attribute model's own timings) on the faces found.
  const stages: Record<string, number[]> = { decode: [], detect: [], 'align + encode': [], heads: [] };
  for (let i = 0; i < runs + 1; i++) {
    const t0 = performance.now();
    const img = await decodeImage(photo, { decoder: 'sharp' });
    const t1 = performance.now();
    const faces = await p[1].pipeline.detect(img, { attributes: [] });
    const t2 = performance.now();
    const timings = { encodeMs: 0, headsMs: 0 };
    await p[1].attrs.predict(img, faces.map((f) => f.landmarks), { attributes: ['age', 'gender'], embedding: false, timings });
    if (i === 0) continue;
    stages.decode!.push(t1 - t0);
    stages.detect!.push(t2 - t1);
    stages['align + encode']!.push(timings.encodeMs);
    stages.heads!.push(timings.headsMs);
  }
  const breakdown = Object.fromEntries(Object.entries(stages).map(([k, v]) => [`${k}_median_ms`, round(median(v))]));
  for (const x of Object.values(p)) await x.pipeline.dispose();
  const ref = answers['sharp, full size (detectShrink 1: old path, default)']!;
  const rows = Object.keys(analyses).map((name) => {
    const got = answers[name]!;
    const pairs = ref.map((r) => got.reduce((a, b) => (Math.abs(a.box.x - r.box.x) < Math.abs(b.box.x - r.box.x) ? a : b)));
    return {
      variant: name,
      median_ms: round(median(ms[name]!)),
      faces: got.length,
      max_age_diff_vs_sharp_full: round(Math.max(...pairs.map((q, k) => Math.abs(q.age!.years - ref[k]!.age!.years))), 2),
      gender_flips_vs_sharp_full: pairs.filter((q, k) => q.gender!.label !== ref[k]!.gender!.label).length,
    };
  });
  return { rows, defaultBreakdown: breakdown };
}
const common = { backend: 'onnx (onnxruntime-node cpu)', attributes: 'age, gender' };
results.analyze1280x720 = { ...common, runs: 15, minFaceSize: 40, ...(await analyze(files['1280x720'], 40, 15, true)) };
console.table((results.analyze1280x720 as { rows: unknown[] }).rows);
console.log((results.analyze1280x720 as { defaultBreakdown: unknown }).defaultBreakdown);
results.analyze12MP = { ...common, runs: 5, minFaceSize: 160, ...(await analyze(files['4000x3000 (12 MP)'], 160, 5, false)) };
console.table((results.analyze12MP as { rows: unknown[] }).rows);
save();

// 3 and 4 need UTKFace beside the repository.
const nUtk = Number(process.env.BENCH_UTK ?? 500);
if (!hasUtkface()) {
  console.warn(`UTKFace not found at ${UTKFACE_DIR}: UTKFace parts skipped`);
} else {
  const rows = utkfaceRows('val').slice(0, nUtk);
  const paths = rows.map((r) => join(UTKFACE_DIR, 'images', r.file));
  // 3. Half size against full size on the chips (padded as `faceattr eval` does; UTK minFaceSize 60, 30 at half).
  const { attrs: attrsUtkHalf, pipeline: utkHalf } = await onnxPipeline(UTK_DETECTOR_OPTIONS.minFaceSize / 2);
  const { pipeline: utkFull } = await onnxPipeline(UTK_DETECTOR_OPTIONS.minFaceSize);
  const stats = { full: { err: 0, ok: 0, n: 0 }, half: { err: 0, ok: 0, n: 0 }, halfAlignFull: { err: 0, ok: 0, n: 0 }, auto: { err: 0, ok: 0, n: 0 } };
  const agree = { half: { dAge: 0, flips: 0, n: 0 }, halfAlignFull: { dAge: 0, flips: 0, n: 0 }, auto: { dAge: 0, flips: 0, n: 0 } };
  const pick = (faces: FaceResult[], img: RgbImage) => faces[centralFace(faces, img.width, img.height)];
  for (const [k, r] of rows.entries()) {
    const chip = padChip(await decodeImage(paths[k]!));
    const small = resizeImage(chip, Math.round(chip.width / 2), Math.round(chip.height / 2));
    const a = pick(await utkFull.detect(chip), chip);
    const bRaw = pick(await utkHalf.detect(small), small);
    const b = bRaw && scaleFace(bRaw, 2);
    const c = b && (await predictOn(attrsUtkHalf, chip, [b]))[0];
    const d = pick(await utkFull.detect(chip, { detectShrink: 'auto' }), chip);
    for (const [key, f] of [['full', a], ['half', b], ['halfAlignFull', c], ['auto', d]] as const) {
      if (!f) continue;
      stats[key].n++;
      stats[key].err += Math.abs(f.age!.years - r.age);
      if ((f.gender!.label === 'female' ? 1 : 0) === r.gender) stats[key].ok++;
    }
    for (const [key, f] of [['half', b], ['halfAlignFull', c], ['auto', d]] as const) {
      if (!a || !f) continue;
      agree[key].n++;
      agree[key].dAge += Math.abs(f.age!.years - a.age!.years);
      if (f.gender!.label !== a.gender!.label) agree[key].flips++;
    }
  }
  const utkRows = (['full', 'half', 'halfAlignFull', 'auto'] as const).map((key) => ({
    variant: { full: 'full size', half: 'half size (detect + align)', halfAlignFull: 'half size detect, align full size', auto: "detectShrink 'auto' (4 at minFaceSize 60)" }[key],
    detected: stats[key].n,
    age_mae: round(stats[key].err / stats[key].n, 3),
    gender_acc: round(stats[key].ok / stats[key].n, 4),
    ...(key !== 'full' && { mean_age_diff_vs_full: round(agree[key].dAge / agree[key].n, 3), gender_flips_vs_full: agree[key].flips }),
  }));
  results.utkfaceHalfSize = { chips: rows.length, rows: utkRows };
  console.table(utkRows);
  save();
  await utkFull.dispose();
  await utkHalf.dispose();

  // 4. The CLI's per-file work (decode, then detect with age and gender; onnx, default options) on the chips, with
  // detectShrink 1 (the old path, still the default) and 'auto', in alternating blocks of 50 so that machine load
  // hits both alike; then the CLI itself, as shipped.
  const loop = await onnxPipeline(40);
  const shrinks = { '1 (old path, default)': 1, "'auto' (2 at minFaceSize 40)": 'auto' } as const;
  const loopS: Record<string, number> = Object.fromEntries(Object.keys(shrinks).map((k) => [k, 0]));
  for (let b = 0; b < paths.length; b += 50) {
    for (const [name, detectShrink] of Object.entries(shrinks)) {
      const t0 = performance.now();
      for (const file of paths.slice(b, b + 50)) await loop.pipeline.detect(await decodeImage(file), { detectShrink });
      loopS[name]! += (performance.now() - t0) / 1000;
    }
  }
  await loop.pipeline.dispose();
  const cliRows: Record<string, unknown>[] = Object.keys(shrinks).map((name) => ({
    how: 'in process, decode (sharp) + detect per file',
    detectShrink: name,
    images: paths.length,
    seconds: round(loopS[name]!, 2),
    images_per_s: round(paths.length / loopS[name]!, 2),
  }));
  // The CLI reads the chips from a folder of links to them (one argument, as a user would pass a folder).
  const folder = mkdtempSync(join(tmpdir(), 'faceattr-utk-'));
  for (const f of paths) symlinkSync(f, join(folder, basename(f)));
  let cliFailure: string | undefined;
  const t0 = performance.now();
  const r = spawnSync('npx', ['tsx', '--conditions=@faceattr/source', join(REPO_ROOT, 'packages/cli/src/bin.ts'), 'analyze', '--json', '--backend', 'onnx', folder], {
    env: { ...process.env, FACEATTR_DECODER: 'sharp' },
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  const cliSeconds = (performance.now() - t0) / 1000;
  if (r.status !== 0 && r.status !== 1) cliFailure = `exit ${r.status}`;
  rmSync(folder, { recursive: true, force: true });
  cliRows.push({ how: 'faceattr analyze --json --backend onnx FOLDER (wall time, incl. start-up and the worker pool)', detectShrink: '1 (the default; the CLI has no option for it)', images: paths.length, seconds: round(cliSeconds, 2), images_per_s: cliFailure ?? round(paths.length / cliSeconds, 2) });
  results.cliUtkface = { rows: cliRows };
  console.table(cliRows);
}
save();
