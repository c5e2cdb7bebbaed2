// This package's test helpers (not exported): a video with a known motion, made from a still photo.
import { readdirSync, readFileSync } from 'node:fs';
import { resizeImage, type RgbImage } from '@faceattr/core';
import { decodeImage } from '@faceattr/core/node';
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
