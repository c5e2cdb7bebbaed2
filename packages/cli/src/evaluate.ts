import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { FaceAttrError, RACE_LABELS, describeError } from '@faceattr/core';
import { decodeImage } from '@faceattr/core/node';
import { centralFace, padChip, parseUtkCsv, parseUtkName, UTK_DETECTOR_OPTIONS, type UtkLabel } from './eval/utkface.js';
import { computeMetrics, type EvalSample, type Metrics } from './eval/metrics.js';
import { buildPipeline } from './build-pipeline.js';
import { Progress } from './progress.js';

export interface EvalOptions {
  format: 'utkface' | 'gender-csv';
  dir: string;
  detector: string;
  backend: string;
  split?: string;
  limit?: number;
  mirror?: boolean;
  /** Encoder of the attribute model (default: faceAttributes()' default). */
  encoder?: string;
}

export type EvalReport = Partial<Metrics> & { n: number; detected: number; median_ms_per_image: number; format: string; backend: string; detector: string; mirror: boolean };

async function utkRows(dir: string, split?: string): Promise<UtkLabel[]> {
  const csv = join(dir, 'labels.csv');
  if (existsSync(csv)) {
    const rows = parseUtkCsv(await readFile(csv, 'utf8'));
    return split ? rows.filter((r) => r.split === split) : rows;
  }
  const files = (await readdir(dir)).filter((f) => /\.jpe?g$|\.png$/i.test(f)).sort();
  return files.map(parseUtkName).filter((r): r is UtkLabel => r !== undefined);
}

function imagePath(dir: string, file: string): string {
  const inImages = join(dir, 'images', file);
  return existsSync(inImages) ? inImages : join(dir, file);
}

/**
 * Runs the full pipeline (decode -> detect -> align -> encode -> heads) on a labelled folder.
 * UTKFace chips are padded (see padChip) and the face nearest the centre is scored; chips where
 * no face is found count in `missed`, not in the accuracy numbers.
 */
export async function evaluate(
  o: EvalOptions,
  writeErr: (s: string) => void = (s) => process.stderr.write(s),
  errIsTTY = Boolean(process.stderr.isTTY),
): Promise<EvalReport> {
  let rows: { file: string; gender: 0 | 1; age?: number; race?: number }[];
  if (o.format === 'utkface') rows = await utkRows(o.dir, o.split);
  else if (o.format === 'gender-csv') {
    const csv = join(o.dir, 'labels.csv');
    if (!existsSync(csv)) throw new FaceAttrError('INVALID_INPUT', `--format gender-csv needs ${csv} with columns file,gender (1 = female).`);
    const lines = (await readFile(csv, 'utf8')).split(/\r?\n/).filter((l) => l.trim());
    const head = lines.shift()!.split(',');
    const fi = head.indexOf('file');
    const gi = head.indexOf('gender');
    if (fi < 0 || gi < 0) throw new FaceAttrError('INVALID_INPUT', `${csv} needs the columns file,gender.`);
    rows = lines.map((l) => {
      const c = l.split(',');
      return { file: c[fi]!, gender: Number(c[gi]) as 0 | 1 };
    });
  } else throw new FaceAttrError('INVALID_OPTIONS', `--format must be utkface or gender-csv; got ${JSON.stringify(o.format)}.`);
  if (o.limit) rows = rows.slice(0, o.limit);
  if (!rows.length) throw new FaceAttrError('INVALID_INPUT', `No labelled images found in ${o.dir}.`);

  const utk = o.format === 'utkface';
  const pipeline = await buildPipeline({
    backend: o.backend,
    detector: o.detector,
    attributes: utk ? ['age', 'gender', 'race'] : ['gender'],
    detectorOptions: utk && o.detector === 'mtcnn' ? { ...UTK_DETECTOR_OPTIONS } : {},
    mirror: o.mirror ?? false,
    ...(o.encoder ? { encoder: o.encoder } : {}),
  });
  const progress = new Progress(rows.length, 'eval', writeErr, errIsTTY);
  const samples: EvalSample[] = [];
  const times: number[] = [];
  try {
    for (const r of rows) {
      const s: EvalSample = { age: r.age ?? Number.NaN, gender: r.gender };
      if (r.race !== undefined) s.race = r.race;
      try {
        const t0 = performance.now();
        const raw = await decodeImage(imagePath(o.dir, r.file));
        const image = utk ? padChip(raw) : raw;
        const faces = await pipeline.detect(image);
        times.push(performance.now() - t0);
        // UTKFace: the chip's subject is the face nearest the centre; photos: the largest face.
        const i = utk
          ? centralFace(faces, image.width, image.height)
          : faces.reduce((best, f, k) => (best < 0 || f.box.width * f.box.height > faces[best]!.box.width * faces[best]!.box.height ? k : best), -1);
        const f = i >= 0 ? faces[i] : undefined;
        if (f) {
          s.pred = {};
          if (f.age) s.pred.age = f.age.years;
          if (f.gender) s.pred.female = f.gender.femaleProbability;
          if (f.race) s.pred.race = RACE_LABELS.indexOf(f.race.label);
        }
      } catch (e) {
        progress.note(`faceattr: skipping ${r.file}: ${describeError(e)}`);
      }
      samples.push(s);
      progress.tick();
    }
  } finally {
    progress.end();
    await pipeline.dispose();
  }
  const sorted = [...times].sort((a, b) => a - b);
  const median = sorted.length ? sorted[Math.floor(sorted.length / 2)]! : Number.NaN;
  const m = computeMetrics(samples);
  const base = { format: o.format, backend: o.backend, detector: o.detector, mirror: o.mirror ?? false, median_ms_per_image: Math.round(median * 10) / 10 };
  if (utk) return { ...base, ...m };
  return { ...base, n: m.n, detected: m.detected, missed: m.missed, gender_acc: m.gender_acc };
}
