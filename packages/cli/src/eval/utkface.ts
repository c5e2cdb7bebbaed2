import type { RgbImage } from '@faceattr/core';

/** UTKFace's labels of one image. */
export interface UtkLabel {
/** The image's path, as given. */
  file: string;
/** Age in years. */
  age: number;
  /** 0 male, 1 female */
  gender: 0 | 1;
  /** 0 White, 1 Black, 2 Asian, 3 Indian, 4 Others */
  race: 0 | 1 | 2 | 3 | 4;
/** The split the image belongs to (`train`, `val`...), when the labels name one. */
  split?: string;
}

/** Labels from a UTKFace file name: `[age]_[gender]_[race]_[date&time].jpg(.chip.jpg)`. */
export function parseUtkName(file: string): UtkLabel | undefined {
  const m = /^(\d+)_([01])_([0-4])_/.exec(file.split(/[\\/]/).pop()!);
  if (!m) return undefined;
  return { file, age: Number(m[1]), gender: Number(m[2]) as 0 | 1, race: Number(m[3]) as UtkLabel['race'] };
}

/** Rows of a `labels.csv` with header `file,age,gender,race[,split]`. */
export function parseUtkCsv(text: string): UtkLabel[] {
  const lines = text.split(/\r?\n/).filter((l) => l.trim());
  const head = lines.shift()?.split(',').map((s) => s.trim()) ?? [];
  const col = (n: string) => head.indexOf(n);
  const [fi, ai, gi, ri, si] = ['file', 'age', 'gender', 'race', 'split'].map(col);
  if (fi! < 0 || ai! < 0 || gi! < 0 || ri! < 0) throw new Error('labels.csv needs the columns file,age,gender,race');
  return lines.map((l) => {
    const c = l.split(',');
    const row: UtkLabel = { file: c[fi!]!, age: Number(c[ai!]), gender: Number(c[gi!]) as 0 | 1, race: Number(c[ri!]) as UtkLabel['race'] };
    if (si! >= 0) row.split = c[si!];
    return row;
  });
}

/**
 * UTKFace chips are cropped tight around the face, tighter than a face in a photo, so a detector
 * tuned on photos may miss them. Each chip is placed in the middle of a canvas `factor` times
 * larger whose border repeats the chip's edge pixels (no new edges, no mirrored half-faces).
 */
export function padChip(chip: RgbImage, factor = 1.6): RgbImage {
  const W = Math.round(chip.width * factor);
  const H = Math.round(chip.height * factor);
  const ox = Math.floor((W - chip.width) / 2);
  const oy = Math.floor((H - chip.height) / 2);
  const out = new Uint8Array(W * H * 3);
  for (let y = 0; y < H; y++) {
    const sy = Math.min(chip.height - 1, Math.max(0, y - oy));
    for (let x = 0; x < W; x++) {
      const sx = Math.min(chip.width - 1, Math.max(0, x - ox));
      const s = (sy * chip.width + sx) * 3;
      const d = (y * W + x) * 3;
      out[d] = chip.data[s]!;
      out[d + 1] = chip.data[s + 1]!;
      out[d + 2] = chip.data[s + 2]!;
    }
  }
  return { data: out, width: W, height: H, channels: 3 };
}

/** Detector settings for padded UTKFace chips (one face of ~150 px per canvas), shared by training and eval. */
export const UTK_DETECTOR_OPTIONS = {
  /** A padded chip's face is about 150 px: skipping smaller faces skips most of the pyramid. */
  minFaceSize: 60,
} as const;

/** Index of the face nearest the image centre (the chip's subject), or -1 if none is within `maxOffset` of it. */
export function centralFace(faces: readonly { box: { x: number; y: number; width: number; height: number } }[], width: number, height: number, maxOffset = 0.2): number {
  let best = -1;
  let bestD = Infinity;
  faces.forEach((f, i) => {
    const d = Math.hypot(f.box.x + f.box.width / 2 - width / 2, f.box.y + f.box.height / 2 - height / 2);
    if (d < bestD) {
      bestD = d;
      best = i;
    }
  });
  return bestD <= maxOffset * Math.min(width, height) ? best : -1;
}
