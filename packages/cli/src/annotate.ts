import { writeFile } from 'node:fs/promises';
import jpeg from 'jpeg-js';
import type { FaceResult, RgbImage } from '@faceattr/core';
import { GLYPH_H, rasterText, textWidth } from './bitmap-font.js';

type Rgb = readonly [number, number, number];

/** A short label such as "F 34Y 97%" (gender, age, gender confidence), plus race when present. */
export function faceLabel(f: FaceResult): string {
  const parts: string[] = [];
  if (f.gender) parts.push(`${f.gender.label === 'female' ? 'F' : 'M'} ${Math.round(f.gender.probability * 100)}%`);
  if (f.age) parts.push(`${Math.round(f.age.years)}Y`);
  if (f.race) parts.push(f.race.label);
  return parts.join(' ') || `${Math.round(f.score * 100)}%`;
}

/** Draws boxes, landmarks and labels onto a copy of the image and writes it as JPEG. */
export async function writeAnnotated(image: RgbImage, faces: readonly FaceResult[], out: string): Promise<void> {
  const { width: W, height: H } = image;
  const rgba = new Uint8Array(W * H * 4);
  for (let i = 0, j = 0; i < W * H; i++, j += 3) {
    rgba[i * 4] = image.data[j]!;
    rgba[i * 4 + 1] = image.data[j + 1]!;
    rgba[i * 4 + 2] = image.data[j + 2]!;
    rgba[i * 4 + 3] = 255;
  }
  const put = (x: number, y: number, c: Rgb) => {
    if (x < 0 || y < 0 || x >= W || y >= H) return;
    const o = (Math.floor(y) * W + Math.floor(x)) * 4;
    rgba[o] = c[0];
    rgba[o + 1] = c[1];
    rgba[o + 2] = c[2];
  };
  const t = Math.max(2, Math.round(Math.min(W, H) / 300));
  const scale = Math.max(1, Math.round(Math.min(W, H) / 400));
  const green: Rgb = [40, 220, 90];
  for (const f of faces) {
    const { x, y, width, height } = f.box;
    for (let k = 0; k < t; k++) {
      for (let i = Math.floor(x); i <= x + width; i++) {
        put(i, y + k, green);
        put(i, y + height - k, green);
      }
      for (let j = Math.floor(y); j <= y + height; j++) {
        put(x + k, j, green);
        put(x + width - k, j, green);
      }
    }
    for (const p of Object.values(f.landmarks)) {
      for (let dy = -t; dy <= t; dy++) for (let dx = -t; dx <= t; dx++) put(p.x + dx, p.y + dy, [255, 60, 60]);
    }
    const label = faceLabel(f);
    const lw = textWidth(label, scale) + 2 * scale;
    const lh = GLYPH_H * scale + 2 * scale;
    const ly = y - lh >= 0 ? y - lh : y + height;
    for (let j = 0; j < lh; j++) for (let i = 0; i < lw; i++) put(x + i, ly + j, green);
    rasterText(label, Math.floor(x + scale), Math.floor(ly + scale), scale, (px, py) => put(px, py, [0, 0, 0]));
  }
  const encoded = jpeg.encode({ data: rgba, width: W, height: H }, 90);
  await writeFile(out, encoded.data);
}
