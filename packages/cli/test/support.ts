// This package's test helpers (not exported): a video with a known motion, made from a still photo.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { constants as osConstants } from 'node:os';
import { resizeImage, type RgbImage } from '@faceattr/core';
import { decodeImage } from '@faceattr/core/node';
import { main } from '../src/cli.js';
import { createVideoWriter } from '../src/video/encode-video.js';
import type { FfmpegBinary } from '../src/video/find-ffmpeg.js';

export interface PanClip {
  /** Photo scaled to `sceneWidth`. */
  scene: RgbImage;
  width: number;
  height: number;
  frames: number;
  fps: number;
  /** Crop window's top-left in frame k is (x0 + k*dx, y0 + k*dy): content moves by (-dx, -dy) px per frame. */
  x0: number;
  y0: number;
  dx: number;
  dy: number;
}

export type PanClipSpec = Omit<PanClip, 'scene'> & { photo: string; sceneWidth: number };

/** Frame k of the clip exactly as it was fed to the encoder (the "still frame"). */
export function panFrame(c: PanClip, k: number): RgbImage {
  const { scene, width, height } = c;
  const x = c.x0 + k * c.dx;
  const y = c.y0 + k * c.dy;
  if (x < 0 || y < 0 || x + width > scene.width || y + height > scene.height) throw new Error(`frame ${k} leaves the scene`);
  const data = new Uint8Array(width * height * 3);
  for (let r = 0; r < height; r++) {
    const src = ((y + r) * scene.width + x) * 3;
    data.set(scene.data.subarray(src, src + width * 3), r * width * 3);
  }
  return { data, width, height, channels: 3 };
}

/** Scales `photo`, pans a crop window over it and encodes the frames to `out` (H.264 mp4, crf 12). */
export async function makePanClip(out: string, spec: PanClipSpec, ffmpeg: FfmpegBinary): Promise<PanClip> {
  const photo = await decodeImage(spec.photo);
  const scene = resizeImage(photo, spec.sceneWidth, Math.round((photo.height * spec.sceneWidth) / photo.width));
  const clip: PanClip = { ...spec, scene };
  const writer = await createVideoWriter(out, { width: spec.width, height: spec.height, fps: spec.fps, ffmpeg, crf: 12 });
  for (let k = 0; k < spec.frames; k++) await writer.write(panFrame(clip, k));
  await writer.close();
  return clip;
}

/** Child processes of this process whose command is ffmpeg (Linux /proc; empty elsewhere). */
export function ffmpegChildren(): number[] {
  if (process.platform !== 'linux') return [];
  const pids: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const m = /^\d+ \((.*)\) \S (\d+)/.exec(stat);
      if (m && Number(m[2]) === process.pid && m[1]!.includes('ffmpeg')) pids.push(Number(d));
    } catch {
      // exited meanwhile
    }
  }
  return pids;
}

/** Runs the CLI in this process with its output collected (no terminal: no progress bar). */
export async function runMain(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, (s) => (stdout += s), (s) => (stderr += s), false);
  return { code, stdout, stderr };
}

/** The built command (`npm run build`); spawned tests run it as users do. */
export const CLI_BIN = new URL('../dist/bin.js', import.meta.url).pathname;

export interface SpawnedCli {
  child: ChildProcess;
  readonly stdout: string;
  readonly stderr: string;
  /** Resolves when `test(stdout, stderr)` holds (checked on output and every 50 ms); rejects if the process exits first or after `timeoutMs`. */
  waitFor(test: (stdout: string, stderr: string) => boolean, timeoutMs?: number): Promise<void>;
  /** The exit code (or 128 + signal number). */
  exited: Promise<number>;
}

/** Runs `node dist/bin.js ...args` with its output collected. */
export function spawnCli(args: string[], env: NodeJS.ProcessEnv = {}): SpawnedCli {
  const child = spawn(process.execPath, [CLI_BIN, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const listeners = new Set<() => void>();
  const changed = () => listeners.forEach((l) => l());
  child.stdout!.setEncoding('utf8').on('data', (d: string) => ((stdout += d), changed()));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => ((stderr += d), changed()));
  const exited = new Promise<number>((r) => child.once('close', (code, signal) => r(code ?? 128 + (signal ? osConstants.signals[signal] : 0))));
  return {
    child,
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
    exited,
    waitFor: (test, timeoutMs = 120_000) =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (!test(stdout, stderr)) return;
          done();
          resolve();
        };
        const timer = setTimeout(() => (done(), reject(new Error(`timed out; stdout: ${stdout.slice(-500)}\nstderr: ${stderr.slice(-1000)}`))), timeoutMs);
        const poll = setInterval(check, 50); // for conditions outside the output (files being written)
        const done = () => (clearTimeout(timer), clearInterval(poll), listeners.delete(check));
        listeners.add(check);
        void exited.then((code) => {
          if (!listeners.has(check)) return;
          check();
          if (listeners.has(check)) (done(), reject(new Error(`exited with ${code} first; stderr: ${stderr.slice(-1000)}`)));
        });
        check();
      }),
  };
}

export interface RedisServer {
  url: string;
  port: number;
  stop(): Promise<void>;
}

export const REDIS_SERVER = '/usr/bin/redis-server';

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as AddressInfo;
  await new Promise((r) => srv.close(r));
  return port;
}

/** A throwaway redis-server on 127.0.0.1 and a free port, no persistence; `stop()` ends it. */
export async function startRedis(): Promise<RedisServer> {
  const port = await freePort();
  const child = spawn(REDIS_SERVER, ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no', '--maxmemory-policy', 'noeviction'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (log += d));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`redis-server did not start: ${log}`)), 20_000);
    child.stdout!.on('data', () => {
      if (/Ready to accept connections/.test(log)) (clearTimeout(timer), resolve());
    });
    child.once('exit', (code) => (clearTimeout(timer), reject(new Error(`redis-server exited (${code}): ${log}`))));
  });
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop: async () => {
      if (child.exitCode !== null) return;
      const gone = once(child, 'exit');
      child.kill('SIGTERM');
      await gone;
    },
  };
}
