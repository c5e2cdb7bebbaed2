/**
 * Deterministic synthetic scenes for parity tests and the bench: UTKFace face crops pasted at
 * known positions and sizes on seeded, varied backgrounds. Test/bench only, not exported from the
 * package; needs the UTKFace folder (never committed), see {@link hasUtkface}.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Box, RgbImage } from '@faceattr/core';
import { decodeImage } from '@faceattr/core/node';

export const UTKFACE_DIR = '/work/shared/datasets/utkface';

export interface SyntheticScene {
  index: number;
  image: RgbImage;
  /** Where each face crop was pasted (the whole 200x200 crop, scaled). */
  faces: Box[];
  /** The UTKFace files used, in the order of `faces`. */
  files: string[];
}

export interface SceneOptions {
  count: number;
  seed?: number;
  width?: number;
  height?: number;
  utkfaceDir?: string;
}

export function hasUtkface(dir = UTKFACE_DIR): boolean {
  return existsSync(join(dir, 'images'));
}

/** mulberry32: small, fast, good enough to vary scenes; same seed, same scenes. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rand = () => number;
const int = (r: Rand, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
const clamp = (v: number) => (v < 0 ? 0 : v > 255 ? 255 : Math.round(v));

/** One of four background kinds: gradient + noise, stripes/checks, clutter, smooth value noise. */
function background(r: Rand, w: number, h: number): Uint8Array {
  const d = new Uint8Array(w * h * 3);
  const c1 = [int(r, 0, 255), int(r, 0, 255), int(r, 0, 255)];
  const c2 = [int(r, 0, 255), int(r, 0, 255), int(r, 0, 255)];
  const kind = int(r, 0, 3);
  const noise = int(r, 0, 30);
  const period = int(r, 6, 40);
  const grid = Array.from({ length: 8 * 8 }, () => r());
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let t: number;
      if (kind === 0) t = (x / w + y / h) / 2;
      else if (kind === 1) t = (Math.floor(x / period) + Math.floor(y / (period * 0.7))) % 2;
      else if (kind === 2) t = 0.5;
      else {
        const gx = (x / w) * 7;
        const gy = (y / h) * 7;
        const ix = Math.floor(gx);
        const iy = Math.floor(gy);
        const fx = gx - ix;
        const fy = gy - iy;
        const g = (i: number, j: number) => grid[j * 8 + i]!;
        t = (g(ix, iy) * (1 - fx) + g(ix + 1, iy) * fx) * (1 - fy) + (g(ix, iy + 1) * (1 - fx) + g(ix + 1, iy + 1) * fx) * fy;
      }
      const n = (r() - 0.5) * 2 * noise;
      for (let c = 0; c < 3; c++) d[(y * w + x) * 3 + c] = clamp(c1[c]! * (1 - t) + c2[c]! * t + n);
    }
  }
  if (kind === 2) {
    for (let k = int(r, 10, 40); k > 0; k--) {
      const rw = int(r, 5, w / 3);
      const rh = int(r, 5, h / 3);
      const rx = int(r, -rw / 2, w - rw / 2);
      const ry = int(r, -rh / 2, h - rh / 2);
      const col = [int(r, 0, 255), int(r, 0, 255), int(r, 0, 255)];
      const round = r() < 0.5;
      for (let y = Math.max(0, ry); y < Math.min(h, ry + rh); y++) {
        for (let x = Math.max(0, rx); x < Math.min(w, rx + rw); x++) {
          if (round && ((x - rx - rw / 2) / (rw / 2)) ** 2 + ((y - ry - rh / 2) / (rh / 2)) ** 2 > 1) continue;
          for (let c = 0; c < 3; c++) d[(y * w + x) * 3 + c] = col[c]!;
        }
      }
    }
  }
  return d;
}

/** Pastes `src` scaled to `size` at (x0, y0) with bilinear sampling and a brightness gain. */
function paste(dst: Uint8Array, w: number, src: RgbImage, x0: number, y0: number, size: number, gain: number): void {
  const s = src.width / size;
  for (let y = 0; y < size; y++) {
    const sy = Math.min(src.height - 1.001, Math.max(0, (y + 0.5) * s - 0.5));
    const iy = Math.floor(sy);
    const fy = sy - iy;
    for (let x = 0; x < size; x++) {
      const sx = Math.min(src.width - 1.001, Math.max(0, (x + 0.5) * s - 0.5));
      const ix = Math.floor(sx);
      const fx = sx - ix;
      for (let c = 0; c < 3; c++) {
        const p = (yy: number, xx: number) => src.data[(yy * src.width + xx) * 3 + c]!;
        const v = (p(iy, ix) * (1 - fx) + p(iy, ix + 1) * fx) * (1 - fy) + (p(iy + 1, ix) * (1 - fx) + p(iy + 1, ix + 1) * fx) * fy;
        dst[((y0 + y) * w + x0 + x) * 3 + c] = clamp(v * gain);
      }
    }
  }
}

const overlaps = (a: Box, b: Box) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

/**
 * Yields `count` scenes (default 320x240, seed 1): each a background with 1 to 3 non-overlapping
 * UTKFace crops scaled to 48..min(width, height) - 20 pixels, brightness 0.75..1.25.
 */
export async function* syntheticScenes(o: SceneOptions): AsyncGenerator<SyntheticScene> {
  const { count, seed = 1, width: w = 320, height: h = 240, utkfaceDir = UTKFACE_DIR } = o;
  const files = readdirSync(join(utkfaceDir, 'images')).filter((f) => f.endsWith('.jpg')).sort();
  if (files.length === 0) throw new Error(`No UTKFace images in ${utkfaceDir}/images`);
  for (let index = 0; index < count; index++) {
    const r = rng(seed * 100003 + index);
    const data = background(r, w, h);
    const faces: Box[] = [];
    const used: string[] = [];
    const want = int(r, 1, 3);
    for (let tries = 0; faces.length < want && tries < 30; tries++) {
      const size = int(r, 48, Math.min(w, h) - 20);
      const box = { x: int(r, 0, w - size), y: int(r, 0, h - size), width: size, height: size };
      if (faces.some((f) => overlaps(f, box))) continue;
      const file = files[int(r, 0, files.length - 1)]!;
      const face = await decodeImage(join(utkfaceDir, 'images', file));
      paste(data, w, face, box.x, box.y, size, 0.75 + r() * 0.5);
      faces.push(box);
      used.push(file);
    }
    yield { index, image: { data, width: w, height: h, channels: 3 }, faces, files: used };
  }
}
