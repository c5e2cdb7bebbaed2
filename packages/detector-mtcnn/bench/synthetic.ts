/**
 * Seeded synthetic scenes for recall/precision: UTKFace val chips (200x200, aligned) pasted at
 * known positions and sizes on gradients, smooth noise and face-free patches of the demo photos.
 *
 * Ground truth: the face box inside a pasted chip of side s at (x, y) is
 *   { x + 0.049 s, y - 0.118 s, 0.847 s, 1.089 s }
 * - the mean MTCNN box on 100 train chips padded with gray, measured once by
 *   bench/measure-utkface-template.ts (MTCNN boxes run brow-to-chin and reach above the tightly
 *   cropped chip). Matches need IoU >= 0.5 with it.
 */
import { join } from 'node:path';
import { iou, type Box, type RgbImage } from '@faceattr/core';
import { decodeImage } from '@faceattr/core/node';
import { areaResize } from '../src/area-resize.js';
import type { MtcnnDetector } from '../src/detector.js';
import { cropResize, demoFixture, loadDemo, matchFaces, UTKFACE_DIR, utkfaceRows } from '../src/test-support.js';

export const GT_FRACTION = { x: 0.049, y: -0.118, width: 0.847, height: 1.089 } as const;
export const SEED = 20261128;
const IMAGES = Number(process.env['SYNTH_IMAGES'] ?? 100);
const W = 640;
const H = 480;
const MIN_CHIP = 40;
const MAX_CHIP = 200;

/** mulberry32: small, seedable, good enough for scene layout. */
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

export function groundTruth(x: number, y: number, side: number): Box {
  return { x: x + GT_FRACTION.x * side, y: y + GT_FRACTION.y * side, width: GT_FRACTION.width * side, height: GT_FRACTION.height * side };
}

function gradient(r: () => number): RgbImage {
  const a = [r() * 255, r() * 255, r() * 255];
  const b = [r() * 255, r() * 255, r() * 255];
  const angle = r() * Math.PI * 2;
  const [cx, cy] = [Math.cos(angle), Math.sin(angle)];
  const data = new Uint8Array(W * H * 3);
  const span = Math.abs(cx) * W + Math.abs(cy) * H;
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const t = Math.min(1, Math.max(0, ((x - W / 2) * cx + (y - H / 2) * cy) / span + 0.5));
      for (let c = 0; c < 3; c++) data[(y * W + x) * 3 + c] = Math.round(a[c]! + (b[c]! - a[c]!) * t + (r() - 0.5) * 8);
    }
  }
  return { data, width: W, height: H, channels: 3 };
}

/** Smooth colour noise: a coarse random grid, bilinearly enlarged, plus fine grain. */
function smoothNoise(r: () => number): RgbImage {
  const gw = 4 + Math.floor(r() * 12);
  const gh = Math.max(3, Math.round((gw * H) / W));
  const grid = { data: new Uint8Array(gw * gh * 3).map(() => Math.floor(r() * 256)), width: gw, height: gh, channels: 3 as const };
  const big = cropResize(grid, { x: 0, y: 0, width: gw, height: gh }, W, H);
  for (let i = 0; i < big.data.length; i++) big.data[i] = Math.min(255, Math.max(0, big.data[i]! + Math.round((r() - 0.5) * 24)));
  return big;
}

/** A 640x480 patch of a demo photo (source 640..1280 px wide) that overlaps no face, faces grown 2.5x. */
async function photoPatch(r: () => number, photos: { image: RgbImage; faces: Box[] }[]): Promise<RgbImage | undefined> {
  for (let tries = 0; tries < 200; tries++) {
    const p = photos[Math.floor(r() * photos.length)]!;
    const w = 640 * (1 + r());
    const h = (w * 3) / 4;
    if (w > p.image.width || h > p.image.height) continue;
    const box = { x: r() * (p.image.width - w), y: r() * (p.image.height - h), width: w, height: h };
    const clear = p.faces.every((f) => iou(box, { x: f.x - 0.75 * f.width, y: f.y - 0.75 * f.height, width: 2.5 * f.width, height: 2.5 * f.height }) === 0);
    if (clear) return cropResize(p.image, box, W, H);
  }
  return undefined;
}

function paste(dst: RgbImage, chip: RgbImage, x: number, y: number): void {
  for (let row = 0; row < chip.height; row++) {
    dst.data.set(chip.data.subarray(row * chip.width * 3, (row + 1) * chip.width * 3), ((y + row) * dst.width + x) * 3);
  }
}

export interface SyntheticResult {
  seed: number;
  images: number;
  faces: number;
  detections: number;
  truePositives: number;
  recall: number;
  precision: number;
  recallBySize: Record<string, { faces: number; found: number }>;
  backgrounds: Record<string, number>;
  medianMsPerImage: number;
  groundTruthFraction: typeof GT_FRACTION;
  misses: { image: number; background: string; chipSide: number; box: Box }[];
  falsePositives: { image: number; background: string; box: Box; score: number }[];
}

export async function runSynthetic(det: MtcnnDetector): Promise<SyntheticResult> {
  const r = rng(SEED);
  const rows = utkfaceRows('val');
  const fixture = demoFixture();
  const photos = await Promise.all(fixture.samples.map(async (s) => ({ image: await loadDemo(s.file), faces: s.faces })));
  const result: SyntheticResult = {
    seed: SEED,
    images: IMAGES,
    faces: 0,
    detections: 0,
    truePositives: 0,
    recall: 0,
    precision: 0,
    recallBySize: { '40-80': { faces: 0, found: 0 }, '80-140': { faces: 0, found: 0 }, '140-200': { faces: 0, found: 0 } },
    backgrounds: {},
    medianMsPerImage: 0,
    groundTruthFraction: GT_FRACTION,
    misses: [],
    falsePositives: [],
  };
  const times: number[] = [];
  for (let i = 0; i < IMAGES; i++) {
    let kind = (['gradient', 'noise', 'photo'] as const)[i % 3]!;
    let canvas = kind === 'gradient' ? gradient(r) : kind === 'noise' ? smoothNoise(r) : await photoPatch(r, photos);
    if (!canvas) {
      kind = 'gradient';
      canvas = gradient(r);
    }
    result.backgrounds[kind] = (result.backgrounds[kind] ?? 0) + 1;
    // 1-4 chips, log-uniform sides, no overlap (8 px gap), ground truth fully inside the frame.
    const want = 1 + Math.floor(r() * 4);
    const placed: { x: number; y: number; side: number; truth: Box }[] = [];
    for (let tries = 0; placed.length < want && tries < 200; tries++) {
      const side = Math.round(MIN_CHIP * Math.exp(r() * Math.log(MAX_CHIP / MIN_CHIP)));
      const x = Math.floor(r() * (W - side));
      const y = Math.ceil(-GT_FRACTION.y * side) + Math.floor(r() * (H - side - Math.ceil(-GT_FRACTION.y * side)));
      const truth = groundTruth(x, y, side);
      const outer = { x: x - 8, y: truth.y - 8, width: side + 16, height: y + side - truth.y + 16 };
      if (placed.some((p) => iou(outer, { x: p.x - 8, y: p.truth.y - 8, width: p.side + 16, height: p.y + p.side - p.truth.y + 16 }) > 0)) continue;
      const chip = await decodeImage(join(UTKFACE_DIR, 'images', rows[Math.floor(r() * rows.length)]!.file));
      paste(canvas, areaResize(chip, side, side), x, y);
      placed.push({ x, y, side, truth });
    }
    const t0 = performance.now();
    const found = await det.detect(canvas);
    times.push(performance.now() - t0);
    const match = matchFaces(
      placed.map((p) => p.truth),
      found,
    );
    result.faces += placed.length;
    result.detections += found.length;
    placed.forEach((p, k) => {
      const bucket = p.side < 80 ? '40-80' : p.side < 140 ? '80-140' : '140-200';
      result.recallBySize[bucket]!.faces++;
      if (match[k]! >= 0) {
        result.truePositives++;
        result.recallBySize[bucket]!.found++;
      } else result.misses.push({ image: i, background: kind, chipSide: p.side, box: p.truth });
    });
    const used = new Set(match.filter((m) => m >= 0));
    found.forEach((f, j) => {
      if (!used.has(j)) result.falsePositives.push({ image: i, background: kind!, box: f.box, score: f.score });
    });
  }
  result.recall = Number((result.truePositives / result.faces).toFixed(4));
  result.precision = Number((result.truePositives / Math.max(1, result.detections)).toFixed(4));
  const sorted = times.sort((a, b) => a - b);
  result.medianMsPerImage = Number(sorted[sorted.length >> 1]!.toFixed(1));
  return result;
}
