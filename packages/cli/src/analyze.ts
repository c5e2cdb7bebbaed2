import { mkdir } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { describeError, type AttributeName } from '@faceattr/core';
import { decodeImage } from '@faceattr/core/node';
import { writeAnnotated } from './annotate.js';
import { buildPipeline } from './build-pipeline.js';
import { csvHeader, faceCsvRow, faceToJson, type FaceJson } from './face-json.js';
import { listImages } from './list-images.js';
import { Progress } from './progress.js';

export interface AnalyzeOptions {
  inputs: string[];
  detector: string;
  backend: string;
  attributes: AttributeName[];
  format: 'text' | 'json' | 'csv';
  annotate?: string;
  mirror?: boolean;
}

export interface FileResult {
  file: string;
  width: number;
  height: number;
  faces: FaceJson[];
}

/**
 * Runs the pipeline on every image. Unreadable files are reported on stderr and skipped;
 * returns the number of files that failed so the exit code can say so.
 */
export async function analyze(
  o: AnalyzeOptions,
  write: (s: string) => void,
  writeErr: (s: string) => void = (s) => process.stderr.write(s),
  errIsTTY = Boolean(process.stderr.isTTY),
): Promise<{ results: FileResult[]; failed: number }> {
  const { files, errors } = await listImages(o.inputs);
  const progress = new Progress(files.length, 'analyze', writeErr, errIsTTY);
  for (const e of errors) progress.note(`faceattr: skipping ${e.path}: ${e.message}`);
  const pipeline = await buildPipeline(o);
  if (o.annotate) await mkdir(o.annotate, { recursive: true });
  const results: FileResult[] = [];
  let failed = errors.length;
  if (o.format === 'csv') write(`${csvHeader()}\n`);
  try {
    for (const file of files) {
      try {
        const image = await decodeImage(file);
        const faces = await pipeline.detect(image);
        const json = faces.map(faceToJson);
        const res = { file, width: image.width, height: image.height, faces: json };
        results.push(res);
        if (o.format === 'csv') json.forEach((f, i) => write(`${faceCsvRow(file, image.width, image.height, i, f)}\n`));
        if (o.format === 'text') write(textLine(res));
        if (o.annotate) await writeAnnotated(image, faces, join(o.annotate, `${basename(file, extname(file))}.jpg`));
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
