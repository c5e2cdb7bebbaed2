/** Helpers for this package's tests (not exported from the package). */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cropResizeToTensor, iou, loadModelAsset, type Box, type DetectedFace, type InferenceBackend, type PluginContext, type RgbImage } from '@faceattr/core';
import { decodeImage } from '@faceattr/core/node';

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const DEMO_DIR = join(REPO_ROOT, 'node_modules', '@vladmandic', 'face-api', 'demo');
export const UTKFACE_DIR = '/work/shared/datasets/utkface';

export interface DemoFixture {
  samples: { file: string; faces: Box[] }[];
}

export function demoFixture(): DemoFixture {
  return JSON.parse(readFileSync(join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'demo-faces.json'), 'utf8')) as DemoFixture;
}

export function loadDemo(file: string): Promise<RgbImage> {
  return decodeImage(join(DEMO_DIR, file));
}

/** What a pipeline gives a plugin, minus the pipeline: assets from their packaged location. */
export function pluginContext(backend: InferenceBackend): PluginContext {
  return {
    backend,
    loadModel: async (_name, source) => backend.loadModel(await loadModelAsset(source(), backend.artifact)),
    loadAsset: (_name, artifact, source) => loadModelAsset(source(), artifact),
  };
}

/**
 * Greedy one-to-one matching of detections to truth boxes at IoU >= `minIou`, best overlap first.
 * Returns, per truth box, the matched detection index or -1.
 */
export function matchFaces(truth: readonly Box[], found: readonly Pick<DetectedFace, 'box'>[], minIou = 0.5): number[] {
  const pairs: [number, number, number][] = [];
  truth.forEach((t, i) => found.forEach((f, j) => {
    const o = iou(t, f.box);
    if (o >= minIou) pairs.push([o, i, j]);
  }));
  pairs.sort((a, b) => b[0] - a[0]);
  const match = truth.map(() => -1);
  const used = new Set<number>();
  for (const [, i, j] of pairs) {
    if (match[i] !== -1 || used.has(j)) continue;
    match[i] = j;
    used.add(j);
  }
  return match;
}

/** Crops `box` and resizes it to `width`x`height` packed RGB (area-filtered when shrinking). */
export function cropResize(image: RgbImage, box: Box, width: number, height: number): RgbImage {
  const f = cropResizeToTensor(image, box, width, height);
  const data = new Uint8Array(f.length);
  for (let i = 0; i < f.length; i++) data[i] = Math.round(f[i]!);
  return { data, width, height, channels: 3 };
}

/** A 640x480 frame: the 4:3 centre of demo sample1 (three faces of ~70-80 px), downscaled. */
export async function frame640(): Promise<RgbImage> {
  const img = await loadDemo('sample1.jpg');
  const w = Math.min(img.width, (img.height * 4) / 3);
  const h = (w * 3) / 4;
  return cropResize(img, { x: (img.width - w) / 2, y: (img.height - h) / 2, width: w, height: h }, 640, 480);
}

export const hasUtkface = (): boolean => existsSync(join(UTKFACE_DIR, 'labels.csv')) && existsSync(join(UTKFACE_DIR, 'images'));

/** UTKFace rows of one split, in labels.csv order. */
export function utkfaceRows(split: 'train' | 'val'): { file: string; age: number; gender: number; race: number }[] {
  return readFileSync(join(UTKFACE_DIR, 'labels.csv'), 'utf8')
    .trim()
    .split(/\r?\n/)
    .slice(1)
    .map((l) => l.trim().split(','))
    .filter((r) => r[4] === split)
    .map((r) => ({ file: r[0]!, age: Number(r[1]), gender: Number(r[2]), race: Number(r[3]) }));
}

/** Pastes `chip` at (x, y) into a `size`x`size` canvas of flat gray. */
export function padChip(chip: RgbImage, size: number, x: number, y: number): RgbImage {
  const data = new Uint8Array(size * size * 3).fill(128);
  for (let r = 0; r < chip.height; r++) data.set(chip.data.subarray(r * chip.width * 3, (r + 1) * chip.width * 3), ((r + y) * size + x) * 3);
  return { data, width: size, height: size, channels: 3 };
}
