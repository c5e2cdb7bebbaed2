import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { rename, rm } from 'node:fs/promises';
import { resolve as resolvePath } from 'node:path';
import { FaceAttrError, describeError, type RgbImage } from '@faceattr/core';
import { killChild, rateArg, runningFfmpeg } from './decode-video.js';
import { findFfmpeg, type FfmpegBinary } from './find-ffmpeg.js';

/** What {@link createVideoWriter} takes. */
export interface VideoWriterOptions {
/** Frame width in pixels. */
  width: number;
/** Frame height in pixels. */
  height: number;
/** Frame rate of the file. */
  fps: number;
/** An ffmpeg to use; default {@link findFfmpeg}'s choice. */
  ffmpeg?: FfmpegBinary | string;
  /** x264 constant rate factor (0 lossless .. 51 worst). Default 20. */
  crf?: number;
}

/** Writes RGB frames to an mp4 through ffmpeg. */
export interface VideoWriter {
  /** Queues one frame of the writer's size; resolves when ffmpeg has taken it (backpressure). */
  write(image: RgbImage): Promise<void>;
  /** Finishes the file; it appears at its path only now (written to a temporary name before). */
  close(): Promise<void>;
  /** Stops ffmpeg and removes the partial file. Idempotent. */
  abort(): Promise<void>;
/** Frames written so far. */
  readonly frames: number;
  /** The encoder used: `libx264`, or `mpeg4` when this ffmpeg has no libx264. */
  readonly codec: string;
}

const encoderCache = new Map<string, Promise<string>>();

/** libx264 when this ffmpeg has it (the npm binary does), else the always-built-in mpeg4. */
function pickEncoder(bin: string): Promise<string> {
  let p = encoderCache.get(bin);
  if (!p) {
    p = new Promise((resolve) => {
      execFile(bin, ['-hide_banner', '-encoders'], { timeout: 15_000, maxBuffer: 4 << 20 }, (error, stdout) => {
        resolve(!error && /^\s*V\S*\s+libx264\s/m.test(stdout) ? 'libx264' : 'mpeg4');
      });
    });
    encoderCache.set(bin, p);
  }
  return p;
}

/**
 * Starts ffmpeg encoding raw RGB frames from a pipe into an H.264 mp4 (yuv420p, so it plays
 * everywhere; odd sizes are padded by one pixel to even ones). Nothing exists at `out` until
 * {@link VideoWriter.close} succeeds.
 */
export async function createVideoWriter(out: string, o: VideoWriterOptions): Promise<VideoWriter> {
  const { width, height, fps } = o;
  if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0)) {
    throw new FaceAttrError('INVALID_OPTIONS', `video size must be positive integers; got ${width}x${height}.`);
  }
  if (!(Number.isFinite(fps) && fps > 0)) throw new FaceAttrError('INVALID_OPTIONS', `fps must be a positive number; got ${fps}.`);
  const bin = typeof o.ffmpeg === 'string' ? o.ffmpeg : (o.ffmpeg ?? (await findFfmpeg())).path;
  const codec = await pickEncoder(bin);
  const tmp = `${resolvePath(out)}.partial`; // absolute: never read as an ffmpeg protocol
  const args = ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${width}x${height}`, '-r', rateArg(fps), '-i', 'pipe:0', '-an'];
  if (width % 2 || height % 2) args.push('-vf', 'pad=ceil(iw/2)*2:ceil(ih/2)*2');
  if (codec === 'libx264') args.push('-c:v', 'libx264', '-preset', 'veryfast', '-crf', String(o.crf ?? 20));
  else args.push('-c:v', 'mpeg4', '-q:v', '3');
  args.push('-pix_fmt', 'yuv420p', '-movflags', '+faststart', '-f', 'mp4', tmp);
  const child = spawn(bin, args, { stdio: ['pipe', 'ignore', 'pipe'], windowsHide: true });
  runningFfmpeg.add(child);
  let stderr = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (d: string) => {
    stderr = (stderr + d).slice(-8000);
  });
  let failure: Error | undefined;
  child.on('error', (e) => (failure ??= e));
  child.stdin!.on('error', (e) => (failure ??= e)); // EPIPE when ffmpeg quits early; reported below
  const exited = new Promise<number | null>((r) => child.once('close', (code) => r(code)));
  void exited.then(() => runningFfmpeg.delete(child));
  let frames = 0;
  let state: 'open' | 'closed' | 'aborted' = 'open';
  const fail = (what: string) =>
    new FaceAttrError('INFERENCE_FAILED', `ffmpeg could not write ${out} (${what}${stderr.trim() ? `: ${stderr.trim().split('\n').slice(-2).join('; ')}` : ''}).`, {
      cause: failure,
      details: { file: out },
    });
  const abort = async () => {
    if (state === 'aborted') return;
    state = 'aborted';
    await killChild(child);
    runningFfmpeg.delete(child);
    await rm(tmp, { force: true });
  };
  return {
    codec,
    get frames() {
      return frames;
    },
    async write(image) {
      if (state !== 'open') throw new FaceAttrError('INVALID_OPTIONS', 'write() after close() or abort().');
      if (image.width !== width || image.height !== height || image.data.length !== width * height * 3) {
        throw new FaceAttrError('INVALID_INPUT', `every frame must be ${width}x${height} RGB; got ${image.width}x${image.height} with ${image.data.length} bytes.`);
      }
      if (failure || child.exitCode !== null) {
        const e = fail(failure ? describeError(failure) : `ffmpeg exited with code ${child.exitCode}`);
        await abort();
        throw e;
      }
      frames++;
      if (!child.stdin!.write(image.data)) {
        await Promise.race([once(child.stdin!, 'drain').catch(() => undefined), exited]);
      }
    },
    async close() {
      if (state !== 'open') return;
      state = 'closed';
      child.stdin!.end();
      const code = await exited;
      if (code !== 0 || frames === 0) {
        const e = fail(frames === 0 ? 'no frames were written' : `exit code ${code}`);
        await rm(tmp, { force: true });
        throw e;
      }
      await rename(tmp, out);
    },
    abort,
  };
}
