import { mkdir } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';
import { describeError, type AttributeName } from '@faceattr/core';
import { decodeImage } from '@faceattr/core/node';
import { writeAnnotated } from './annotate.js';
import { buildPipeline } from './build-pipeline.js';
import { csvHeader, faceCsvRow, faceToJson, type FaceJson } from './face-json.js';
import { isVideoFile, listImages } from './list-images.js';
import { Progress } from './progress.js';
import { analyzeVideo, videoSummaryText, type VideoFileResult } from './video/analyze-video.js';
import { findFfmpeg, type FfmpegBinary } from './video/find-ffmpeg.js';

export interface AnalyzeOptions {
  inputs: string[];
  detector: string;
  backend: string;
  attributes: AttributeName[];
  format: 'text' | 'json' | 'csv';
  annotate?: string;
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
}

export interface FileResult {
  file: string;
  width: number;
  height: number;
  faces: FaceJson[];
}

/** One entry of `analyze --json`: an image (`faces`) or a video (`type: 'video'`, `frames`, `tracks`). */
export type AnalyzeResult = FileResult | VideoFileResult;

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

/**
 * Runs the pipeline on every image, and the tracker on every video (decoded with ffmpeg). Unreadable files are reported on stderr and skipped;
 * returns the number of files that failed so the exit code can say so.
 */
export async function analyze(
  o: AnalyzeOptions,
  write: (s: string) => void,
  writeErr: (s: string) => void = (s) => process.stderr.write(s),
  errIsTTY = Boolean(process.stderr.isTTY),
): Promise<{ results: AnalyzeResult[]; failed: number }> {
  const { files, errors } = await listImages(o.inputs);
  const progress = new Progress(files.length, 'analyze', writeErr, errIsTTY);
  for (const e of errors) progress.note(`faceattr: skipping ${e.path}: ${e.message}`);
  const pipeline = await buildPipeline({
    ...o,
    ...(o.minFaceSize ? { detectorOptions: o.detector === 'haar' ? { minSize: o.minFaceSize } : { minFaceSize: o.minFaceSize } } : {}),
  });
  if (o.annotate) await mkdir(o.annotate, { recursive: true });
  const annotations = o.annotate ? planAnnotations(files, o.annotate) : undefined;
  const results: AnalyzeResult[] = [];
  let failed = errors.length;
  let ffmpeg: Promise<FfmpegBinary> | undefined;
  if (o.format === 'csv') write(`${csvHeader()}\n`);
  try {
    for (const file of files) {
      try {
        if (isVideoFile(file)) {
          ffmpeg ??= findFfmpeg(o.ffmpeg ? { path: o.ffmpeg } : {});
          const started = performance.now();
          const res = await analyzeVideo(pipeline, file, {
            ffmpeg: await ffmpeg,
            ...(o.every ? { every: o.every } : {}),
            ...(o.maxFrames ? { maxFrames: o.maxFrames } : {}),
            ...(annotations ? { annotate: annotations.get(file)! } : {}),
            note: (m) => progress.note(`faceattr: ${file}: ${m}`),
            writeErr,
            errIsTTY,
          });
          results.push(res);
          if (o.format === 'csv') {
            for (const fr of res.frames) {
              fr.faces.forEach((f, i) => write(`${faceCsvRow(file, res.width, res.height, i, f, { frame: fr.frameIndex, timestampMs: fr.timestampMs, trackId: f.trackId })}\n`));
            }
          }
          if (o.format === 'text') write(videoSummaryText(res, performance.now() - started));
          progress.tick();
          continue;
        }
        const image = await decodeImage(file);
        const faces = await pipeline.detect(image);
        const json = faces.map(faceToJson);
        const res = { file, width: image.width, height: image.height, faces: json };
        results.push(res);
        if (o.format === 'csv') json.forEach((f, i) => write(`${faceCsvRow(file, image.width, image.height, i, f)}\n`));
        if (o.format === 'text') write(textLine(res));
        if (annotations) await writeAnnotated(image, faces, annotations.get(file)!);
      } catch (e) {
        failed++;
        progress.note(`faceattr: skipping ${file}: ${describeError(e)}`);
      }
      progress.tick();
    }
  } finally {
    progress.end();
    await pipeline.dispose();
  }
  if (o.format === 'json') write(`${JSON.stringify(results, null, 2)}\n`);
  return { results, failed };
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
