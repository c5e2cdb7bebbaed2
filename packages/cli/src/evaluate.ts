import { availableParallelism } from 'node:os';
import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { FaceAttrError, RACE_LABELS, describeError } from '@faceattr/core';
import { centralFace, parseUtkCsv, parseUtkName, UTK_DETECTOR_OPTIONS, type UtkLabel } from './eval/utkface.js';
import { computeMetrics, type EvalSample, type Metrics } from './eval/metrics.js';
import { checkChoices, onnxThreads, threadsPerJob } from './build-pipeline.js';
import { createPipelinePool } from './pool/pool.js';
import { Progress } from './progress.js';

/** What `faceattr eval` runs with (its command-line options, parsed). */
export interface EvalOptions {
/** How labels are read: UTKFace file names or `labels.csv`, or a `labels.csv` of `file,gender` (1 = female). */
  format: 'utkface' | 'gender-csv';
/** The folder of images (and labels). */
  dir: string;
/** Registered detector name. */
  detector: string;
/** Registered backend name. */
  backend: string;
/** Only the rows of this split of `labels.csv` (`utkface` format). */
  split?: string;
/** Only the first this many images. */
  limit?: number;
/** Also encode each face mirrored and average the predictions. */
  mirror?: boolean;
  /** Encoder of the attribute model (default: faceAttributes()' default). */
  encoder?: string;
  /** Worker threads, each with its own pipeline. Default `os.availableParallelism()`. */
  jobs?: number;
  /** Stops the run (queued images are dropped; no metrics are returned). */
  signal?: AbortSignal;
}

/** What `faceattr eval` prints: the {@link Metrics} the labels allow, and how the run was set up. */
export type EvalReport = Partial<Metrics> & {
  /** Images evaluated. */
  n: number;
  /** Images where a face was found. */
  detected: number;
  /** Median wall time per image (decode, detect, attributes), in ms. */
  median_ms_per_image: number;
  /** The label format. */
  format: string;
  /** The backend used. */
  backend: string;
  /** The detector used. */
  detector: string;
  /** Whether mirrored encoding was on. */
  mirror: boolean;
};

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
  const jobs = Math.max(1, Math.min(o.jobs ?? availableParallelism(), rows.length));
  checkChoices(o);
  const pool = await createPipelinePool({
    backend: o.backend,
    detector: o.detector,
    attributes: utk ? ['age', 'gender', 'race'] : ['gender'],
    detectorOptions: utk && o.detector === 'mtcnn' ? { ...UTK_DETECTOR_OPTIONS } : {},
    mirror: o.mirror ?? false,
    ...(o.encoder ? { encoder: o.encoder } : {}),
    size: jobs,
    ...onnxThreads(o.backend, threadsPerJob(jobs)),
  });
  const progress = new Progress(rows.length, 'eval', writeErr, errIsTTY);
  const samples: EvalSample[] = [];
  const times: number[] = [];
  const scoreRow = async (r: (typeof rows)[number]): Promise<EvalSample> => {
    const s: EvalSample = { age: r.age ?? Number.NaN, gender: r.gender };
    if (r.race !== undefined) s.race = r.race;
    try {
      // The worker decodes and (UTKFace) pads the chip; its time is decode + detect, as before.
      const { faces, width, height, ms } = await pool.detectFile(imagePath(o.dir, r.file), { name: r.file, padChip: utk });
      times.push(ms);
      // UTKFace: the chip's subject is the face nearest the centre; photos: the largest face.
      const i = utk
        ? centralFace(faces, width, height)
        : faces.reduce((best, f, k) => (best < 0 || f.box.width * f.box.height > faces[best]!.box.width * faces[best]!.box.height ? k : best), -1);
      const f = i >= 0 ? faces[i] : undefined;
      if (f) {
        s.pred = {};
        if (f.age) s.pred.age = f.age.years;
        if (f.gender) s.pred.female = f.gender.femaleProbability;
        if (f.race) s.pred.race = RACE_LABELS.indexOf(f.race.label);
      }
    } catch (e) {
      if (!o.signal?.aborted) progress.note(`faceattr: skipping ${r.file}: ${describeError(e)}`);
    }
    progress.tick();
    return s;
  };
  const stop = () => void pool.dispose(); // queued rows fail with DISPOSED, running ones finish
  o.signal?.addEventListener('abort', stop, { once: true });
  try {
    // Every row is queued at once (rows are small; images are read in the workers); samples keep row order.
    samples.push(...(await Promise.all(rows.map(scoreRow))));
  } finally {
    o.signal?.removeEventListener('abort', stop);
    progress.end();
    await pool.dispose();
  }
  if (o.signal?.aborted) throw new FaceAttrError('INVALID_OPTIONS', 'eval was interrupted; no metrics.', { details: { interrupted: true } });
  const sorted = [...times].sort((a, b) => a - b);
  const median = sorted.length ? sorted[Math.floor(sorted.length / 2)]! : Number.NaN;
  const m = computeMetrics(samples);
  const base = { format: o.format, backend: o.backend, detector: o.detector, mirror: o.mirror ?? false, median_ms_per_image: Math.round(median * 10) / 10 };
  if (utk) return { ...base, ...m };
  return { ...base, n: m.n, detected: m.detected, missed: m.missed, gender_acc: m.gender_acc };
}
