import { rename, rm, writeFile } from 'node:fs/promises';
import jpeg from 'jpeg-js';
import type { FaceResult, RgbImage } from '@faceattr/core';
import { GLYPH_H, rasterText, textWidth } from './bitmap-font.js';

/** A colour: red, green, blue, each 0..255. */
export type Rgb = readonly [number, number, number];

/** A short label such as "F 34Y 97%" (gender, age, gender confidence), plus race when present. */
export function faceLabel(f: FaceResult): string {
  const parts: string[] = [];
  if (f.gender) parts.push(`${f.gender.label === 'female' ? 'F' : 'M'} ${Math.round(f.gender.probability * 100)}%`);
  if (f.age) parts.push(`${Math.round(f.age.years)}Y`);
  if (f.race) parts.push(f.race.label);
  return parts.join(' ') || `${Math.round(f.score * 100)}%`;
}

/** How {@link drawFaces} labels and colours each face. */
export interface DrawOptions {
  /** Label text per face; default {@link faceLabel}. */
  label?: (f: FaceResult, i: number) => string;
  /** Box and label colour per face; default green. */
  color?: (f: FaceResult, i: number) => Rgb;
}

/**
 * Draws boxes, landmarks and labels onto an RGB image **in place** (used for annotated images and,
 * frame by frame, annotated videos).
 */
export function drawFaces(image: { data: Uint8Array; width: number; height: number }, faces: readonly FaceResult[], o: DrawOptions = {}): void {
  const { width: W, height: H, data } = image;
  const put = (x: number, y: number, c: Rgb) => {
    if (x < 0 || y < 0 || x >= W || y >= H) return;
    const off = (Math.floor(y) * W + Math.floor(x)) * 3;
    data[off] = c[0];
    data[off + 1] = c[1];
    data[off + 2] = c[2];
  };
  const t = Math.max(2, Math.round(Math.min(W, H) / 300));
  const scale = Math.max(1, Math.round(Math.min(W, H) / 400));
  const green: Rgb = [40, 220, 90];
  faces.forEach((f, fi) => {
    const color = o.color?.(f, fi) ?? green;
    const { x, y, width, height } = f.box;
    for (let k = 0; k < t; k++) {
      for (let i = Math.floor(x); i <= x + width; i++) {
        put(i, y + k, color);
        put(i, y + height - k, color);
      }
      for (let j = Math.floor(y); j <= y + height; j++) {
        put(x + k, j, color);
        put(x + width - k, j, color);
      }
    }
    for (const p of Object.values(f.landmarks)) {
      for (let dy = -t; dy <= t; dy++) for (let dx = -t; dx <= t; dx++) put(p.x + dx, p.y + dy, [255, 60, 60]);
    }
    const label = o.label?.(f, fi) ?? faceLabel(f);
    const lw = textWidth(label, scale) + 2 * scale;
    const lh = GLYPH_H * scale + 2 * scale;
    const ly = y - lh >= 0 ? y - lh : y + height;
    for (let j = 0; j < lh; j++) for (let i = 0; i < lw; i++) put(x + i, ly + j, color);
    rasterText(label, Math.floor(x + scale), Math.floor(ly + scale), scale, (px, py) => put(px, py, [0, 0, 0]));
  });
}

/** JPEG bytes (quality 90) of packed RGB pixels. */
export function encodeRgbJpeg(rgb: Uint8Array, width: number, height: number): Uint8Array {
  const rgba = new Uint8Array(width * height * 4);
  for (let i = 0, j = 0; i < width * height; i++, j += 3) {
    rgba[i * 4] = rgb[j]!;
    rgba[i * 4 + 1] = rgb[j + 1]!;
    rgba[i * 4 + 2] = rgb[j + 2]!;
    rgba[i * 4 + 3] = 255;
  }
  return jpeg.encode({ data: rgba, width, height }, 90).data;
}

/**
 * Writes `bytes` to `out` under `<out>.partial` first, then renames it: an interrupted or crashed run
 * never leaves half a file under the final name.
 */
export async function writeAtomically(out: string, bytes: Uint8Array): Promise<void> {
  const partial = `${out}.partial`;
  try {
    await writeFile(partial, bytes);
    await rename(partial, out);
  } catch (e) {
    await rm(partial, { force: true });
    throw e;
  }
}

/** Draws boxes, landmarks and labels onto a copy of the image and writes it as JPEG (atomically). */
export async function writeAnnotated(image: RgbImage, faces: readonly FaceResult[], out: string): Promise<void> {
  const rgb = { data: Uint8Array.from(image.data), width: image.width, height: image.height };
  drawFaces(rgb, faces);
  await writeAtomically(out, encodeRgbJpeg(rgb.data, rgb.width, rgb.height));
}
