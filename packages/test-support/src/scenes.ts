/**
 * Seeded synthetic scenes for detector tests and benches: UTKFace val chips (200x200, aligned)
 * pasted at known places and sizes on gradients, smooth colour noise and face-free patches of the
 * demo photos. Decoding and resampling come from the caller: they live in @faceattr packages,
 * which this package must not import.
 */
import { join } from 'node:path';
import { demoFaces, type Rect } from './demo-faces.js';
import { DEMO_DIR } from './paths.js';
import { rng } from './rng.js';
import { UTKFACE_DIR, utkfaceRows } from './utkface.js';

/** Packed RGB bytes (structurally @faceattr/core's RgbImage). */
export interface SceneImage {
  readonly data: Uint8Array;
  readonly width: number;
  readonly height: number;
  readonly channels: 3;
}

export interface SceneImageOps {
  /** Reads an image file (e.g. decodeImage of @faceattr/core/node). */
  decode(path: string): Promise<SceneImage>;
  /** Resizes a whole image: the chips. */
  resize(image: SceneImage, width: number, height: number): SceneImage;
  /** Samples `box` (fractional, may pass the edges) at width x height, packed RGB in 0..255 (e.g. cropResizeToTensor): the backgrounds. */
  crop(image: SceneImage, box: Rect, width: number, height: number): Float32Array;
}

export interface SceneOptions {
  count: number;
  seed: number;
  /** Default 640x480. */
  width?: number;
  height?: number;
  /** Chip sides, log-uniform in [minChip, maxChip]; default 40..200. */
  minChip?: number;
  maxChip?: number;
  /** 1 to maxFaces chips per scene; default 4. */
  maxFaces?: number;
  /** Room kept free above each chip, in chip sides, for a detector whose face box reaches above the tight chip (MTCNN: 0.118). Default 0. */
  headroom?: number;
  utkfaceDir?: string;
}

export type SceneBackground = 'gradient' | 'noise' | 'photo';

export interface SyntheticScene {
  index: number;
  background: SceneBackground;
  image: SceneImage;
  /** Where each chip was pasted (the whole square chip). */
  chips: Rect[];
  /** The UTKFace files, in the order of `chips`. */
  files: string[];
}

type Rand = () => number;

const overlaps = (a: Rect, b: Rect): boolean =>
  Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x) > 0 && Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y) > 0;

function bytes(samples: Float32Array, width: number, height: number): SceneImage {
  const data = new Uint8Array(samples.length);
  for (let i = 0; i < samples.length; i++) data[i] = Math.round(samples[i]!);
  return { data, width, height, channels: 3 };
}

function gradient(r: Rand, W: number, H: number): SceneImage {
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
function smoothNoise(r: Rand, W: number, H: number, ops: SceneImageOps): SceneImage {
  const gw = 4 + Math.floor(r() * 12);
  const gh = Math.max(3, Math.round((gw * H) / W));
  const grid = { data: new Uint8Array(gw * gh * 3).map(() => Math.floor(r() * 256)), width: gw, height: gh, channels: 3 as const };
  const big = bytes(ops.crop(grid, { x: 0, y: 0, width: gw, height: gh }, W, H), W, H);
  for (let i = 0; i < big.data.length; i++) big.data[i] = Math.min(255, Math.max(0, big.data[i]! + Math.round((r() - 0.5) * 24)));
  return big;
}

/** A patch of a demo photo (1 to 2 frame widths across) that overlaps no face, faces grown 2.5x. */
function photoPatch(r: Rand, W: number, H: number, photos: { image: SceneImage; faces: Rect[] }[], ops: SceneImageOps): SceneImage | undefined {
  for (let tries = 0; tries < 200; tries++) {
    const p = photos[Math.floor(r() * photos.length)]!;
    const w = W * (1 + r());
    const h = w * (H / W);
    if (w > p.image.width || h > p.image.height) continue;
    const box = { x: r() * (p.image.width - w), y: r() * (p.image.height - h), width: w, height: h };
    const clear = p.faces.every((f) => !overlaps(box, { x: f.x - 0.75 * f.width, y: f.y - 0.75 * f.height, width: 2.5 * f.width, height: 2.5 * f.height }));
    if (clear) return bytes(ops.crop(p.image, box, W, H), W, H);
  }
  return undefined;
}

function paste(dst: SceneImage, chip: SceneImage, x: number, y: number): void {
  for (let row = 0; row < chip.height; row++) {
    dst.data.set(chip.data.subarray(row * chip.width * 3, (row + 1) * chip.width * 3), ((y + row) * dst.width + x) * 3);
  }
}

/**
 * Yields `count` scenes from one seeded stream (scene i depends on those before it): backgrounds
 * in turn gradient, noise, photo patch (a gradient where no clear patch is found), each with
 * 1..maxFaces non-overlapping chips (8 px apart, headroom included), fully inside the frame.
 * Needs UTKFace (labels.csv + images/) in `utkfaceDir`.
 */
export async function* syntheticScenes(ops: SceneImageOps, o: SceneOptions): AsyncGenerator<SyntheticScene> {
  const { count, seed, width: W = 640, height: H = 480, minChip = 40, maxChip = 200, maxFaces = 4, headroom = 0, utkfaceDir = UTKFACE_DIR } = o;
  const r = rng(seed);
  const rows = utkfaceRows('val', utkfaceDir);
  const photos = await Promise.all(demoFaces().samples.map(async (s) => ({ image: await ops.decode(join(DEMO_DIR, s.file)), faces: s.faces })));
  for (let index = 0; index < count; index++) {
    let background: SceneBackground = (['gradient', 'noise', 'photo'] as const)[index % 3]!;
    let image = background === 'gradient' ? gradient(r, W, H) : background === 'noise' ? smoothNoise(r, W, H, ops) : photoPatch(r, W, H, photos, ops);
    if (!image) {
      background = 'gradient';
      image = gradient(r, W, H);
    }
    const want = 1 + Math.floor(r() * maxFaces);
    const placed: { x: number; y: number; side: number; top: number }[] = [];
    const files: string[] = [];
    for (let tries = 0; placed.length < want && tries < 200; tries++) {
      const side = Math.round(minChip * Math.exp(r() * Math.log(maxChip / minChip)));
      const lift = Math.ceil(headroom * side);
      const x = Math.floor(r() * (W - side));
      const y = lift + Math.floor(r() * (H - side - lift));
      const top = y - headroom * side;
      const outer = (p: { x: number; y: number; side: number; top: number }) => ({ x: p.x - 8, y: p.top - 8, width: p.side + 16, height: p.y + p.side - p.top + 16 });
      const me = { x, y, side, top };
      if (placed.some((p) => overlaps(outer(me), outer(p)))) continue;
      const file = rows[Math.floor(r() * rows.length)]!.file;
      paste(image, ops.resize(await ops.decode(join(utkfaceDir, 'images', file)), side, side), x, y);
      placed.push(me);
      files.push(file);
    }
    yield { index, background, image, chips: placed.map((p) => ({ x: p.x, y: p.y, width: p.side, height: p.side })), files };
  }
}
