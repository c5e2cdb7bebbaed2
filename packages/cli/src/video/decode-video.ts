import { spawn, type ChildProcess } from 'node:child_process';
import { resolve as resolvePath } from 'node:path';
import { FaceAttrError, describeError, type RgbImage } from '@faceattr/core';
import { findFfmpeg, type FfmpegBinary } from './find-ffmpeg.js';

/** What `ffmpeg -i` says about a video's first video stream. */
export interface VideoInfo {
/** The file, as given. */
  file: string;
  /** Frame size as decoded (after ffmpeg's automatic rotation). */
  width: number;
/** Frame height in pixels. */
  height: number;
  /**
   * The constant rate frames are read at: the stream's average frame rate, else its base rate ("tbr") when
   * that is at most 120, else 30 (browser recordings often announce only a 1000 Hz time base). Timestamps
   * are `index * 1000 / fps`.
   */
  fps: number;
  /** True when the file gave no usable frame rate and `fps` is the fallback of 30. */
  fpsGuessed: boolean;
  /** Container duration, when known. */
  durationMs?: number;
  /** `round(duration * fps)`, when the duration is known: a guess for progress bars, not a promise. */
  estimatedFrames?: number;
/** The stream's codec name, as ffmpeg reports it (`h264`...). */
  codec: string;
  /** Display rotation from the file's metadata, in degrees (0 when none). */
  rotation: number;
  /** Index of the stream in the container (`-map 0:N`). */
  streamIndex: number;
}

/** One decoded frame: a fresh RGB buffer the caller owns. Has the shape `pipeline.track()` accepts. */
export interface DecodedVideoFrame {
/** The frame's pixels. */
  image: RgbImage;
  /** 0-based frame number. */
  index: number;
/** Media time of the frame, `index * 1000 / fps`. */
  timestampMs: number;
}

/** What {@link openVideo} and its frame reading take. */
export interface DecodeVideoOptions {
  /** An ffmpeg to use; default {@link findFfmpeg}'s choice. */
  ffmpeg?: FfmpegBinary | string;
  /** Stop after this many frames (ffmpeg is told too, so it stops decoding). */
  maxFrames?: number;
  /** Stops decoding (and kills ffmpeg) when aborted. */
  signal?: AbortSignal;
  /** Called with ffmpeg's error output when it finished but complained (e.g. a damaged stream it decoded past). */
  onWarning?: (message: string) => void;
}

const STDERR_KEEP = 16_000;
/** Frames above this many pixels are refused (beyond 8K UHD), before any buffer is allocated. */
const MAX_PIXELS = 7680 * 4320 * 2;

async function resolveBinary(ffmpeg: FfmpegBinary | string | undefined): Promise<string> {
  if (typeof ffmpeg === 'string') return ffmpeg;
  return (ffmpeg ?? (await findFfmpeg())).path;
}

/** The last few meaningful lines of ffmpeg's stderr, without its "[demuxer @ 0x...]" prefixes. */
function stderrSummary(stderr: string, lines = 3): string {
  const useful = stderr
    .split(/\r?\n/)
    .map((l) => l.replace(/^\[[^\]]+ @ 0x[0-9a-f]+\]\s*/, '').trim())
    .filter((l) => l && !/^At least one output file must be specified/.test(l));
  return useful.slice(-lines).join('; ');
}

function parseDuration(s: string): number | undefined {
  const m = /Duration: (\d+):(\d\d):(\d\d(?:\.\d+)?)/.exec(s);
  if (!m) return undefined;
  return Math.round((Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3])) * 1000);
}

function parseRate(v: string | undefined): number | undefined {
  if (!v) return undefined;
  const m = /^([\d.]+)(k?)$/.exec(v);
  if (!m) return undefined;
  const n = Number(m[1]) * (m[2] ? 1000 : 1);
  return Number.isFinite(n) && n > 0 ? n : undefined;
}

/** ffmpeg's printed rates are rounded ("29.97"); the NTSC ones are passed exactly so long videos do not drift. */
export function rateArg(fps: number): string {
  for (const base of [24, 30, 48, 60, 120]) if (Math.abs(fps - (base * 1000) / 1001) < 0.006) return `${base * 1000}/1001`;
  return String(fps);
}

/**
 * Parses the stream description ffmpeg prints for `ffmpeg -i FILE` (there is no ffprobe in the
 * npm binary). Exported for tests; throws `INVALID_INPUT` when there is no usable video stream.
 */
export function parseFfmpegInfo(file: string, stderr: string): VideoInfo {
  const lines = stderr.split(/\r?\n/);
  let idx = -1;
  let streamIndex = -1;
  for (let i = 0; i < lines.length; i++) {
    const m = /^\s*Stream #\d+:(\d+)[^:]*: Video: (.*)$/.exec(lines[i]!);
    if (m && !/\(attached pic\)/.test(m[2]!)) {
      idx = i;
      streamIndex = Number(m[1]);
      break;
    }
  }
  if (idx < 0) {
    const why = stderrSummary(stderr) || 'ffmpeg found no video stream';
    if (/No such file or directory/.test(why)) throw new FaceAttrError('INVALID_INPUT', `cannot read video: no such file ${JSON.stringify(file)}.`, { details: { file } });
    throw new FaceAttrError('INVALID_INPUT', `cannot read video (${why}); is it a video file ffmpeg supports, and complete?`, { details: { file } });
  }
  const desc = lines[idx]!.replace(/^.*?: Video: /, '');
  const dims = /, (\d+)x(\d+)[, [\]]/.exec(`${desc} `);
  if (!dims || Number(dims[1]) === 0 || Number(dims[2]) === 0) {
    throw new FaceAttrError('INVALID_INPUT', `cannot read video: ffmpeg reports no frame size for its video stream ("${desc}").`, { details: { file } });
  }
  const tbr = parseRate(/, ([\d.]+k?) tbr/.exec(desc)?.[1]);
  const known = parseRate(/, ([\d.]+k?) fps/.exec(desc)?.[1]) ?? (tbr !== undefined && tbr <= 120 ? tbr : undefined);
  const fps = known ?? 30;
  // Rotation metadata follows the stream line (older ffmpeg: "rotate : 90"; newer: side data "displaymatrix").
  let rotation = 0;
  for (let i = idx + 1; i < lines.length && !/^\s*Stream #/.test(lines[i]!); i++) {
    const r = /^\s*rotate\s*:\s*(-?\d+)/.exec(lines[i]!) ?? /rotation of (-?[\d.]+) degrees/.exec(lines[i]!);
    if (r) rotation = ((Math.round(Number(r[1])) % 360) + 360) % 360;
  }
  let width = Number(dims[1]);
  let height = Number(dims[2]);
  if (rotation === 90 || rotation === 270) [width, height] = [height, width];
  const durationMs = parseDuration(stderr);
  const info: VideoInfo = { file, width, height, fps, fpsGuessed: known === undefined, codec: desc.split(/[ ,]/)[0] ?? 'unknown', rotation, streamIndex };
  if (durationMs !== undefined) {
    info.durationMs = durationMs;
    info.estimatedFrames = Math.round((durationMs / 1000) * fps);
  }
  return info;
}

/**
 * Reads a video's size, frame rate and duration with `ffmpeg -i`.
 * @throws {FaceAttrError} `INVALID_INPUT` for a missing, corrupt or unsupported file (the message quotes ffmpeg).
 */
export async function probeVideo(file: string, options: Pick<DecodeVideoOptions, 'ffmpeg'> = {}): Promise<VideoInfo> {
  const bin = await resolveBinary(options.ffmpeg);
  const stderr = await new Promise<string>((resolve, reject) => {
    // An absolute path, so that a name like "pipe:0" or "x:y.mp4" is never read as an ffmpeg protocol.
    const child = spawn(bin, ['-hide_banner', '-nostdin', '-i', resolvePath(file)], { stdio: ['ignore', 'ignore', 'pipe'], windowsHide: true });
    let err = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (d: string) => {
      if (err.length < 256_000) err += d;
    });
    child.on('error', (e) => reject(new FaceAttrError('BACKEND_UNAVAILABLE', `cannot run ffmpeg (${bin}): ${describeError(e)}`, { cause: e })));
    child.on('close', () => resolve(err));
  });
  return parseFfmpegInfo(file, stderr);
}

/** ffmpeg processes started by this module that have not exited yet (for tests and diagnostics). */
export const runningFfmpeg = new Set<ChildProcess>();

/** Ends a child for good and waits for it to exit. */
export async function killChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const closed = new Promise<void>((r) => child.once('close', () => r()));
  child.kill('SIGKILL');
  await closed;
}

/**
 * Decodes a video into RGB frames with ffmpeg (`-f rawvideo -pix_fmt rgb24` over a pipe), one frame
 * at a time: ffmpeg is paused by the pipe while the consumer works, so memory stays at about one frame.
 * Frames come on a constant-rate grid at `info.fps` (`-vsync cfr -r fps`): for a variable-frame-rate file
 * (phones, browser recordings) ffmpeg repeats or drops a frame where needed, so that `timestampMs =
 * index * 1000 / fps` is each frame's media time (from the first frame) and an annotated copy plays in step.
 * Breaking out of the loop, an error, or `signal` kills ffmpeg.
 * @throws {FaceAttrError} `INVALID_INPUT` when ffmpeg fails, the stream ends inside a frame, or ffmpeg reports
 *   errors and decodes clearly fewer frames than the duration announces (a truncated file). The frames decoded
 *   before are yielded first.
 */
export async function* readVideoFrames(info: VideoInfo, options: DecodeVideoOptions = {}): AsyncGenerator<DecodedVideoFrame, void, undefined> {
  const { width, height, fps, file } = info;
  if (width * height > MAX_PIXELS) throw new FaceAttrError('INVALID_INPUT', `video frames of ${width}x${height} are too large to decode (at most ${MAX_PIXELS} pixels).`, { details: { file } });
  const max = options.maxFrames;
  if (max !== undefined && !(Number.isInteger(max) && max > 0)) throw new FaceAttrError('INVALID_OPTIONS', `maxFrames must be a positive integer; got ${max}.`);
  if (options.signal?.aborted) return;
  const bin = await resolveBinary(options.ffmpeg);
  const args = ['-hide_banner', '-nostdin', '-loglevel', 'error', '-i', resolvePath(file), '-map', `0:${info.streamIndex}`, '-an', '-sn', '-dn', '-vsync', 'cfr', '-r', rateArg(fps)];
  if (max !== undefined) args.push('-frames:v', String(max));
  args.push('-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1');
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
  runningFfmpeg.add(child);
  let stderr = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (d: string) => {
    stderr = (stderr + d).slice(-STDERR_KEEP);
  });
  let spawnError: Error | undefined;
  child.on('error', (e) => (spawnError = e));
  const exited = new Promise<number | null>((r) => child.once('close', (code) => r(code)));
  void exited.then(() => runningFfmpeg.delete(child));
  const onAbort = () => void killChild(child);
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const frameBytes = width * height * 3;
  let frame = new Uint8Array(frameBytes);
  let filled = 0;
  let index = 0;
  try {
    for await (const chunk of child.stdout! as AsyncIterable<Buffer>) {
      let off = 0;
      while (off < chunk.length) {
        const n = Math.min(frameBytes - filled, chunk.length - off);
        frame.set(chunk.subarray(off, off + n), filled);
        filled += n;
        off += n;
        if (filled === frameBytes) {
          const out: DecodedVideoFrame = { image: { data: frame, width, height, channels: 3 }, index, timestampMs: (index * 1000) / fps };
          index++;
          frame = new Uint8Array(frameBytes);
          filled = 0;
          yield out;
          if (options.signal?.aborted) return;
        }
      }
    }
    const code = await exited;
    if (options.signal?.aborted) return;
    if (spawnError) throw new FaceAttrError('BACKEND_UNAVAILABLE', `cannot run ffmpeg (${bin}): ${describeError(spawnError)}`, { cause: spawnError });
    const why = stderrSummary(stderr);
    if (code !== 0) {
      throw new FaceAttrError('INVALID_INPUT', `ffmpeg could not decode the video after ${index} frame(s) (exit code ${code}${why ? `: ${why}` : ''}).`, { details: { file, frames: index } });
    }
    if (filled !== 0) {
      throw new FaceAttrError('INVALID_INPUT', `the video stream ended inside frame ${index} (${filled} of ${frameBytes} bytes); the file may be damaged.`, { details: { file, frames: index } });
    }
    if (index === 0) throw new FaceAttrError('INVALID_INPUT', `ffmpeg decoded no frames${why ? ` (${why})` : ''}; the file may be damaged or empty.`, { details: { file } });
    if (why) {
      // Errors *and* clearly fewer frames than the container announces: the file is cut short or damaged, which
      // is an error like a truncated JPEG. Errors with (about) every frame decoded are only worth a warning.
      const expected = Math.min(max ?? Infinity, info.estimatedFrames ?? Infinity);
      if (Number.isFinite(expected) && expected - index > Math.max(2, expected * 0.05)) {
        throw new FaceAttrError('INVALID_INPUT', `ffmpeg decoded only ${index} of about ${expected} frames (${why}); the file looks truncated or damaged.`, {
          details: { file, frames: index, expectedFrames: expected },
        });
      }
      options.onWarning?.(`ffmpeg reported problems while decoding (${why}); ${index} frame(s) were read.`);
    }
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    await killChild(child);
    runningFfmpeg.delete(child);
  }
}

/** An opened video: its {@link VideoInfo} and an async iterable of its frames (usable with `pipeline.track()`). */
export interface VideoReader extends AsyncIterable<DecodedVideoFrame> {
/** What the probe found: size, frame rate, codec... */
  readonly info: VideoInfo;
}

/**
 * Probes `file` and returns a reader whose iteration decodes it (each iteration starts a new ffmpeg).
 * @example
 * const video = await openVideo('clip.mp4');
 * for await (const { image, timestampMs } of video) { ... }
 */
export async function openVideo(file: string, options: DecodeVideoOptions = {}): Promise<VideoReader> {
  const ffmpeg = typeof options.ffmpeg === 'string' ? options.ffmpeg : (options.ffmpeg ?? (await findFfmpeg()));
  const info = await probeVideo(file, { ffmpeg });
  return { info, [Symbol.asyncIterator]: () => readVideoFrames(info, { ...options, ffmpeg }) };
}
