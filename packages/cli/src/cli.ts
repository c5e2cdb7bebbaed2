import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { FaceAttrError, backends, describeError, detectors, isFaceAttrError, type AttributeName } from '@faceattr/core';
import { DEFAULT_FACE_ATTRIBUTES } from '@faceattr/attributes';
import { DEFAULT_MTCNN_OPTIONS } from '@faceattr/detector-mtcnn';
import { analyze } from './analyze.js';
import { choiceLines, DEFAULT_BACKEND, DEFAULT_DETECTOR } from './build-pipeline.js';
import { evaluate, type EvalReport } from './evaluate.js';

const indent = (lines: string[]) => lines.map((l) => `  ${l}`).join('\n');

const PIPELINE_OPTIONS = `      --detector NAME                  face detector (default ${DEFAULT_DETECTOR}; names below)
      --backend NAME                   inference backend (default ${DEFAULT_BACKEND}, the fastest in Node; names below)
      --attributes age,gender[,race]   attributes to predict (default age,gender; race is opt-in)
      --mirror                         also encode each face mirrored and average (slower, slightly better)
      --encoder NAME                   attribute encoder (default ${DEFAULT_FACE_ATTRIBUTES.encoder}; also dlib-resnet-128, faceres-1024)
      --min-face-size PX               smallest face to look for (default: mtcnn ${DEFAULT_MTCNN_OPTIONS.minFaceSize}, haar any); larger is faster
      --min-score X                    drop faces scored below X, in [0, 1] (default 0: the detector's own thresholds)
      --max-faces N                    keep at most N faces per image, highest scores first (default: all)`;

const CHOICES = () => `Detectors (--detector):
${indent(choiceLines(detectors))}
Backends (--backend), preferred first:
${indent(choiceLines(backends))}`;

/** Each command's help, printed by `faceattr COMMAND --help`; `faceattr --help` prints them all. */
const COMMAND_HELP = {
  analyze: `  faceattr analyze [options] FILES_OR_DIRS...   (images: .jpg .png; videos: .mp4 .mov .webm .mkv .avi .y4m ...)
${PIPELINE_OPTIONS}
      --json | --jsonl | --csv         machine-readable output on stdout (default: text): a JSON array, one JSON
                                       object per line, or CSV rows; written as results complete, one record per
                                       input (its faces, or its error code and message), in input order
      --embedding                      add each face's encoder embedding (a list of numbers; --json/--jsonl only)
      --jobs N                         worker threads for images, each with its own pipeline
                                       (default: available parallelism, here ${availableParallelism()})
      --annotate OUT_DIR               write images with boxes and labels to OUT_DIR (videos: NAME.annotated.mp4)
      --crops OUT_DIR                  images: write each face's aligned crop (the attribute model's input) to
                                       OUT_DIR as IMAGE-FACE.jpg (FACE counts from 0, as the CSV's face column)
    videos (decoded with ffmpeg; faces are tracked, each gets a trackId):
      --every N                        run the detector on every Nth frame only (default 1)
      --max-frames N                   process at most the first N frames of each video
      --ffmpeg PATH                    ffmpeg binary (default: $FACEATTR_FFMPEG, then the npm package
                                       @ffmpeg-installer/ffmpeg, then ffmpeg on PATH)`,
  eval: `  faceattr eval --format utkface|gender-csv DIR [options]
      --split NAME                     only rows of labels.csv with this split (e.g. val)
      --limit N                        first N images only
      --detector, --backend, --mirror, --encoder, --jobs  as for analyze (default backend ${DEFAULT_BACKEND})
      --json                           print the metrics as JSON`,
  queue: `  faceattr queue add --redis URL [--queue NAME] FILES_OR_DIRS_OR_URLS...   enqueue images (BullMQ on Redis)
  faceattr queue status --redis URL [--queue NAME] [--json]               progress of the queue
  faceattr queue results --redis URL [--queue NAME] --jsonl               one JSON line per finished job`,
  worker: `  faceattr worker --redis URL [--queue NAME] [--jobs N] [options]         analyse queued images until SIGTERM
      --detector, --backend, --attributes, --mirror, --encoder, --min-face-size, --min-score, --max-faces,
      --embedding                      as for analyze (results are JSON, so --embedding needs nothing else)
      --stall-ms MS                    lock time of a running job; a worker silent this long is presumed dead
                                       and its job runs again elsewhere (default 30000)`,
} as const;
type Command = keyof typeof COMMAND_HELP;
const isCommand = (c: string | undefined): c is Command => c !== undefined && Object.hasOwn(COMMAND_HELP, c);

/** One command's help: its usage and options, plus the registered detectors and backends where it takes them. */
export function commandHelp(command: Command): string {
  const choices = command === 'queue' ? '' : `\n\n${CHOICES()}`;
  return `Usage:\n${COMMAND_HELP[command]}${choices}\n`;
}

/** The usage text `faceattr --help` prints: every command. */
export const USAGE = `faceattr: perceived age, gender and (opt-in) race for faces in photos and videos

Usage:
${COMMAND_HELP.analyze}
${COMMAND_HELP.eval}

${COMMAND_HELP.queue}
${COMMAND_HELP.worker}
  faceattr COMMAND --help                                                 one command's options
  faceattr --version                                                      the version
  (Ctrl-C / SIGTERM: analyze writes what finished, closes its output and exits 130; see docs/scale.md)

${CHOICES()}

Images and videos are processed on this machine; nothing is sent anywhere.`;

/** The CLI's version, from its package.json (one directory above src/ and dist/ alike). */
export const VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** A usage error: one line; main() adds where to read the usage. */
const usageError = (msg: string) => new FaceAttrError('INVALID_OPTIONS', msg);

function positiveInt(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!(Number.isInteger(n) && n > 0)) throw usageError(`${name} must be a positive integer; got ${JSON.stringify(v)}.`);
  return n;
}

function parseMinScore(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v.trim() === '' || !(n >= 0 && n <= 1)) throw usageError(`--min-score must be a number in [0, 1]; got ${JSON.stringify(v)}.`);
  return n;
}

/** --min-score, --max-faces and --embedding, parsed, as pipeline options (analyze and worker take them). */
function parseFaceSelection(v: { 'min-score'?: string | undefined; 'max-faces'?: string | undefined; embedding?: boolean | undefined }) {
  const minScore = parseMinScore(v['min-score']);
  const maxFaces = positiveInt('--max-faces', v['max-faces']);
  return { ...(minScore !== undefined ? { minScore } : {}), ...(maxFaces ? { maxFaces } : {}), ...(v.embedding ? { embedding: true } : {}) };
}

/** The options that analyze and worker share, for parseArgs. */
const FACE_SELECTION_ARGS = {
  'min-score': { type: 'string' },
  'max-faces': { type: 'string' },
  embedding: { type: 'boolean', default: false },
} as const;

function parseAttributes(s: string): AttributeName[] {
  const list = s.split(',').map((x) => x.trim()).filter(Boolean);
  for (const a of list) if (!['age', 'gender', 'race'].includes(a)) throw usageError(`Unknown attribute "${a}" in --attributes; use age, gender, race.`);
  return list as AttributeName[];
}

/**
 * Runs `fn` with a signal that SIGINT/SIGTERM abort (the command writes what finished and exits 130);
 * a second signal exits at once. The handlers are removed afterwards.
 */
export async function withInterrupt<T>(fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const onSignal = (name: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(130);
    controller.abort(new FaceAttrError('INVALID_OPTIONS', `interrupted by ${name}`));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return await fn(controller.signal);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

export const cliHelpers = { positiveInt, parseAttributes, parseFaceSelection, FACE_SELECTION_ARGS, usageError, withInterrupt };
export type CliHelpers = typeof cliHelpers;

/** Runs the CLI; returns the process exit code (0 ok, 1 some files failed, 2 usage or fatal error, 130 interrupted). */
export async function main(
  argv: string[],
  out: (s: string) => void = (s) => process.stdout.write(s),
  err: (s: string) => void = (s) => process.stderr.write(s),
  errIsTTY = Boolean(process.stderr.isTTY),
): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (!command || command === '--help' || command === '-h' || command === 'help') {
      out(`${USAGE}\n`);
      return command ? 0 : 2;
    }
    if (command === '--version' || command === '-v') {
      out(`${VERSION}\n`);
      return 0;
    }
    // Options end at '--': a file named -h after it is a file.
    const options = rest.includes('--') ? rest.slice(0, rest.indexOf('--')) : rest;
    if (isCommand(command) && (options.includes('--help') || options.includes('-h'))) {
      out(commandHelp(command));
      return 0;
    }
    if (command === 'analyze') {
      const { values, positionals } = parseArgs({
        args: rest,
        allowPositionals: true,
        options: {
          detector: { type: 'string', default: DEFAULT_DETECTOR },
          backend: { type: 'string', default: DEFAULT_BACKEND },
          attributes: { type: 'string', default: 'age,gender' },
          json: { type: 'boolean', default: false },
          jsonl: { type: 'boolean', default: false },
          csv: { type: 'boolean', default: false },
          jobs: { type: 'string' },
          annotate: { type: 'string' },
          mirror: { type: 'boolean', default: false },
          encoder: { type: 'string' },
          every: { type: 'string' },
          'max-frames': { type: 'string' },
          ffmpeg: { type: 'string' },
          'min-face-size': { type: 'string' },
          crops: { type: 'string' },
          ...FACE_SELECTION_ARGS,
        },
      });
      if (!positionals.length) throw usageError('analyze needs at least one image or video file, or a directory.');
      const every = positiveInt('--every', values.every);
      const maxFrames = positiveInt('--max-frames', values['max-frames']);
      const minFaceSize = positiveInt('--min-face-size', values['min-face-size']);
      if ([values.json, values.jsonl, values.csv].filter(Boolean).length > 1) throw usageError('Use one of --json, --jsonl, --csv.');
      const jobs = positiveInt('--jobs', values.jobs);
      const opts = {
        inputs: positionals,
        detector: values.detector!,
        backend: values.backend!,
        attributes: parseAttributes(values.attributes!),
        format: values.json ? ('json' as const) : values.jsonl ? ('jsonl' as const) : values.csv ? ('csv' as const) : ('text' as const),
        ...(jobs ? { jobs } : {}),
        ...(values.annotate ? { annotate: values.annotate } : {}),
        mirror: values.mirror!,
        ...(values.encoder ? { encoder: values.encoder } : {}),
        ...(every ? { every } : {}),
        ...(maxFrames ? { maxFrames } : {}),
        ...(values.ffmpeg ? { ffmpeg: values.ffmpeg } : {}),
        ...(minFaceSize ? { minFaceSize } : {}),
        ...parseFaceSelection(values),
        ...(values.crops ? { crops: values.crops } : {}),
      };
      const { ok, failed, interrupted } = await withInterrupt((signal) => analyze({ ...opts, signal }, out, err, errIsTTY));
      if (interrupted) return 130;
      if (!ok && failed) return 2;
      return failed ? 1 : 0;
    }
    if (command === 'eval') {
      const { values, positionals } = parseArgs({
        args: rest,
        allowPositionals: true,
        options: {
          format: { type: 'string', default: 'utkface' },
          detector: { type: 'string', default: DEFAULT_DETECTOR },
          backend: { type: 'string', default: DEFAULT_BACKEND },
          split: { type: 'string' },
          limit: { type: 'string' },
          json: { type: 'boolean', default: false },
          mirror: { type: 'boolean', default: false },
          encoder: { type: 'string' },
          jobs: { type: 'string' },
        },
      });
      if (positionals.length !== 1) throw usageError('eval needs exactly one directory.');
      const limit = values.limit === undefined ? undefined : Number(values.limit);
      if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) throw usageError('--limit must be a positive integer.');
      const jobs = positiveInt('--jobs', values.jobs);
      const report = await withInterrupt((signal) => evaluate({
        format: values.format as 'utkface' | 'gender-csv',
        dir: positionals[0]!,
        detector: values.detector!,
        backend: values.backend!,
        ...(values.split ? { split: values.split } : {}),
        ...(limit ? { limit } : {}),
        mirror: values.mirror!,
        ...(values.encoder ? { encoder: values.encoder } : {}),
        ...(jobs ? { jobs } : {}),
        signal,
      }, err, errIsTTY).catch((e: unknown) => {
        if (signal.aborted) return undefined;
        throw e;
      }));
      if (!report) return 130;
      out(values.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
      return 0;
    }
    if (command === 'queue' || command === 'worker') {
      // Loaded on demand: BullMQ and ioredis are only needed by these commands.
      const { queueCommand } = await import('./queue/command.js');
      return await queueCommand(command, rest, out, err, cliHelpers);
    }
    throw usageError(`Unknown command "${command}".`);
  } catch (e) {
    // A usage problem gets one line and where to read the usage, not the whole usage text.
    const pointer = `Run 'faceattr ${isCommand(command) ? `${command} ` : ''}--help' for usage.\n`;
    if (isFaceAttrError(e)) err(`faceattr: ${e.message}\n${e.code === 'INVALID_OPTIONS' ? pointer : ''}`);
    // node:util's parseArgs explains some problems over three lines: one line here too.
    else if ((e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) err(`faceattr: ${describeError(e).replace(/\s*\n\s*/g, ' ')}\n${pointer}`);
    else err(`faceattr: unexpected error: ${describeError(e)}\n`);
    return 2;
  }
}

function formatReport(r: EvalReport): string {
  const pct = (v: number | undefined) => (v === undefined ? '-' : `${(v * 100).toFixed(1)}%`);
  const lines = [
    `${r.format} eval (${r.detector}, ${r.backend}): ${r.n} images, ${r.detected} with a face (${r.n - r.detected} missed), median ${r.median_ms_per_image} ms/image`,
  ];
  if (r.age_mae !== undefined) lines.push(`age: MAE ${r.age_mae} years, CS@5 ${pct(r.age_cs5)}, FairFace-bin accuracy ${pct(r.age_bin_acc)}`);
  if (r.gender_acc !== undefined) lines.push(`gender: accuracy ${pct(r.gender_acc)}`);
  if (r.race_acc !== undefined) lines.push(`race: accuracy ${pct(r.race_acc)}, macro-F1 ${r.race_macro_f1}`);
  if (r.gender_acc_by_race) lines.push(`gender accuracy by race: ${Object.entries(r.gender_acc_by_race).map(([k, v]) => `${k} ${pct(v.acc)} (n=${v.n})`).join(', ')}`);
  if (r.race_recall_by_class) lines.push(`race recall by class: ${Object.entries(r.race_recall_by_class).map(([k, v]) => `${k} ${pct(v)}`).join(', ')}`);
  if (r.age_mae_by_decade) lines.push(`age MAE by decade: ${Object.entries(r.age_mae_by_decade).map(([k, v]) => `${k} ${v.mae} (n=${v.n})`).join(', ')}`);
  return `${lines.join('\n')}\n`;
}
