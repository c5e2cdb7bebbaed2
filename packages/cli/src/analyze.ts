import { availableParallelism } from 'node:os';
import { mkdir, rm } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';
import { FaceAttrError, type AttributeName, type FaceAttributePipeline } from '@faceattr/core';
import { buildPipeline, checkChoices, onnxThreads, threadsPerJob } from './build-pipeline.js';
import { planCrops } from './crops.js';
import { faceToJson } from './face-json.js';
import { isVideoFile, listImages } from './list-images.js';
import { failedFile, InOrder, isFailed, RecordWriter, type AnalyzeResult, type FileResult, type OutputFormat } from './output.js';
import { createPipelinePool, type PipelinePool } from './pool/pool.js';
import { Progress } from './progress.js';
import { analyzeVideo, videoSummaryText } from './video/analyze-video.js';
import { findFfmpeg, type FfmpegBinary } from './video/find-ffmpeg.js';

export type { AnalyzeResult, FailedFile, FileResult, OutputFormat } from './output.js';

/** What `faceattr analyze` runs with (its command-line options, parsed). */
export interface AnalyzeOptions {
/** Image and video files, and folders (searched for images and videos). */
  inputs: string[];
/** Registered detector name (`mtcnn`, `haar`). */
  detector: string;
/** Registered backend name (`onnx`, `tfjs-wasm`...). */
  backend: string;
/** Attributes to predict; race only when listed. */
  attributes: AttributeName[];
  /** `json`: an array, `jsonl`: one object per line, `csv`, `text`. Every format is written as results complete. */
  format: OutputFormat;
/** Folder to write annotated copies into (images; `<name>.annotated.mp4` for videos). */
  annotate?: string;
/** Also encode each face mirrored and average the predictions (`faceAttributes({ mirror })`). */
  mirror?: boolean;
  /** Encoder of the attribute model (default: faceAttributes()' default). */
  encoder?: string;
  /** Videos: an ffmpeg binary to use (else `FACEATTR_FFMPEG`, `@ffmpeg-installer/ffmpeg`, `ffmpeg` on PATH). */
  ffmpeg?: string;
  /** Videos: run the detector on every Nth frame; tracks carry their boxes in between. Default 1. */
  every?: number;
  /** Videos: process at most this many frames of each. */
  maxFrames?: number;
  /** Smallest face to look for, in pixels (MTCNN `minFaceSize`, Haar `minSize`); larger is faster. */
  minFaceSize?: number;
  /** Drop faces the detector scores below this, in [0, 1] (the pipeline's `minScore`). */
  minScore?: number;
  /** Keep at most this many faces per image, highest scores first (the pipeline's `maxFaces`). */
  maxFaces?: number;
  /** Output each face's encoder embedding (`json`/`jsonl` only). */
  embedding?: boolean;
  /** Images: folder to write each face's aligned crop into, as `<image base>-<face index>.jpg`. */
  crops?: string;
  /** Worker threads for images (each with its own pipeline). Default `os.availableParallelism()`. */
  jobs?: number;
  /** Stops the run: no new file starts, running images finish, a running video is abandoned (no file left). */
  signal?: AbortSignal;
}

/** How an `analyze` run ended. */
export interface AnalyzeSummary {
  /** Inputs analysed (including those with no face). */
  ok: number;
  /** Inputs that failed (each has a record with its error). */
  failed: number;
  /** True when `signal` stopped the run before every input was done. */
  interrupted: boolean;
}

/**
 * Where `--annotate` writes each file's annotated copy: `<name>.jpg` for images, `<name>.annotated.mp4`
 * for videos; a name already taken by another output or by one of the inputs gets a `-2`, `-3`... suffix,
 * so no input and no other result is overwritten.
 */
export function planAnnotations(files: readonly string[], dir: string): Map<string, string> {
  const inputs = new Set(files.map((f) => resolve(f)));
  const used = new Set<string>();
  const plan = new Map<string, string>();
  for (const file of files) {
    const base = basename(file, extname(file));
    const suffix = isVideoFile(file) ? '.annotated.mp4' : '.jpg';
    let out = join(dir, `${base}${suffix}`);
    for (let n = 2; used.has(resolve(out)) || inputs.has(resolve(out)); n++) out = join(dir, `${base}-${n}${suffix}`);
    used.add(resolve(out));
    plan.set(file, out);
  }
  return plan;
}

function detectorOptions(o: AnalyzeOptions): Record<string, unknown> | undefined {
  if (!o.minFaceSize) return undefined;
  return o.detector === 'haar' ? { minSize: o.minFaceSize } : { minFaceSize: o.minFaceSize };
}

/**
 * Analyses every input: images on a pool of `jobs` worker threads, videos (decoded with ffmpeg and
 * tracked) on this thread. Writes one record per input, in input order, as soon as it can: its faces,
 * or its error code and message. Memory stays bounded: at most `2 x jobs` inputs are started ahead of
 * the output.
 */
export async function analyze(
  o: AnalyzeOptions,
  write: (s: string) => void,
  writeErr: (s: string) => void = (s) => process.stderr.write(s),
  errIsTTY = Boolean(process.stderr.isTTY),
): Promise<AnalyzeSummary> {
  const { files, errors, ordered: inputs } = await listImages(o.inputs);
  const progress = new Progress(inputs.length, 'analyze', writeErr, errIsTTY);
  if (o.embedding && (o.format === 'csv' || o.format === 'text')) {
    throw new FaceAttrError('INVALID_OPTIONS', '--embedding needs --json or --jsonl (an embedding is a list of numbers).');
  }
  const choice = { ...o, ...(detectorOptions(o) ? { detectorOptions: detectorOptions(o) } : {}), ...(o.embedding ? { returnEmbedding: true } : {}) };
  const images = files.filter((f) => !isVideoFile(f));
  const jobs = Math.max(1, Math.min(o.jobs ?? availableParallelism(), images.length || 1));
  checkChoices(o); // before any worker starts
  const pool: PipelinePool | undefined = images.length
    ? await createPipelinePool({ ...choice, size: jobs, ...onnxThreads(o.backend, threadsPerJob(jobs)) })
    : undefined;
  let pipeline: Promise<FaceAttributePipeline> | undefined; // for videos, built on first use
  let ffmpeg: Promise<FfmpegBinary> | undefined;
  let videoChain: Promise<unknown> = Promise.resolve();
  if (o.annotate) await mkdir(o.annotate, { recursive: true });
  const annotations = o.annotate ? planAnnotations(files, o.annotate) : undefined;
  if (o.crops) await mkdir(o.crops, { recursive: true });
  const crops = o.crops ? planCrops(images, o.crops, [...files, ...(annotations?.values() ?? [])]) : undefined;
  const videoMs = new Map<string, number>(); // for the text summary's frames/s
  const writer = new RecordWriter(o.format, write, (r) => ('type' in r ? videoSummaryText(r, videoMs.get(r.file)) : textLine(r)));
  const summary: AnalyzeSummary = { ok: 0, failed: 0, interrupted: false };
  const ordered = new InOrder<AnalyzeResult>((r) => {
    if (isFailed(r)) {
      summary.failed++;
      progress.note(`faceattr: skipping ${r.file}: ${r.error.message}`);
    } else summary.ok++;
    writer.record(r);
  });
  const missing = new Map(errors.map((e) => [e.path, e.message]));

  const analyzeFile = async (file: string): Promise<AnalyzeResult> => {
    const gone = missing.get(file);
    if (gone !== undefined) throw new FaceAttrError('INVALID_INPUT', `Cannot read ${file}: ${gone}.`);
    const annotate = annotations?.get(file);
    if (!isVideoFile(file)) {
      const cropPrefix = crops?.get(file);
      try {
        const r = await pool!.detectFile(file, { name: file, ...(annotate ? { annotate } : {}), ...(cropPrefix ? { crops: cropPrefix } : {}) });
        return { file, width: r.width, height: r.height, faces: r.faces.map(faceToJson) };
      } catch (e) {
        // A worker that died mid-write leaves its temporary file behind; the final name was never written.
        if (annotate) await rm(`${annotate}.partial`, { force: true });
        throw e;
      }
    }
    // Videos run one at a time on this thread (the tracker is sequential by nature).
    const run = videoChain.then(async () => {
      if (o.signal?.aborted) throw o.signal.reason;
      ffmpeg ??= findFfmpeg(o.ffmpeg ? { path: o.ffmpeg } : {});
      const bin = await ffmpeg;
      pipeline ??= buildPipeline(choice);
      const started = performance.now();
      const res = await analyzeVideo(await pipeline, file, {
        ffmpeg: bin,
        ...(o.every ? { every: o.every } : {}),
        ...(o.maxFrames ? { maxFrames: o.maxFrames } : {}),
        ...(annotate ? { annotate } : {}),
        ...(o.signal ? { signal: o.signal } : {}),
        note: (m) => progress.note(`faceattr: ${file}: ${m}`),
        writeErr,
        errIsTTY,
      });
      videoMs.set(file, performance.now() - started);
      return res;
    });
    videoChain = run.catch(() => undefined);
    return run;
  };

  const window = 2 * jobs;
  const running = new Set<Promise<void>>();
  const stopped = new Promise<void>((r) => o.signal?.addEventListener('abort', () => r(), { once: true }));
  try {
    for (let i = 0; i < inputs.length; i++) {
      while (running.size && (running.size >= window || i - ordered.nextIndex >= window) && !o.signal?.aborted) await Promise.race([...running, stopped]);
      if (o.signal?.aborted) break;
      const file = inputs[i]!;
      const task = analyzeFile(file).then(
        (r) => ordered.put(i, r),
        (e: unknown) => {
          // Work stopped by the interrupt is not a failure of the file: it gets no record.
          if (!o.signal?.aborted) ordered.put(i, failedFile(file, e));
        },
      ).finally(() => {
        running.delete(task);
        progress.tick();
      });
      running.add(task);
    }
    await Promise.all(running);
  } finally {
    summary.interrupted = Boolean(o.signal?.aborted);
    if (summary.interrupted) ordered.flush();
    writer.end();
    progress.end();
    await pool?.dispose();
    if (pipeline) await (await pipeline.catch(() => undefined))?.dispose();
  }
  return summary;
}

function textLine(r: FileResult): string {
  const lines = [`${r.file} (${r.width}x${r.height}): ${r.faces.length} face${r.faces.length === 1 ? '' : 's'}`];
  r.faces.forEach((f, i) => {
    const parts = [`  #${i + 1} box ${Math.round(f.box.x)},${Math.round(f.box.y)} ${Math.round(f.box.width)}x${Math.round(f.box.height)} score ${f.score.toFixed(2)}`];
    if (f.age !== undefined) parts.push(`age ${f.age.toFixed(0)} ±${f.ageUncertainty!.toFixed(0)}`);
    if (f.gender) parts.push(`${f.gender.label} ${(f.gender.probability * 100).toFixed(0)}%`);
    if (f.race) parts.push(`${f.race.label} ${(f.race.probabilities[f.race.label]! * 100).toFixed(0)}%`);
    lines.push(parts.join(', '));
  });
  return `${lines.join('\n')}\n`;
}
