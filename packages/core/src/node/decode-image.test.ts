import { readFileSync } from 'node:fs';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { FaceAttrError } from '../errors.js';
import { demoPhoto } from '@faceattr/test-support';
import { decodeImage, decodeImageBytes } from './decode-image.js';
import { loadSharp } from './decode-sharp.js';
import { shrinkForMinFaceSize } from './shrink.js';

async function code(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(FaceAttrError);
    return (e as FaceAttrError).code;
  }
  return undefined;
}

describe('decodeImage', () => {
  it('decodes a real JPEG photo to packed RGB', async () => {
    const img = await decodeImage(demoPhoto(1));
    expect(img.width).toBeGreaterThan(500);
    expect(img.height).toBeGreaterThan(300);
    expect(img.data.length).toBe(img.width * img.height * 3);
    // A photo is not flat: its channels vary.
    let min = 255;
    let max = 0;
    for (let i = 0; i < img.data.length; i += 997) {
      min = Math.min(min, img.data[i]!);
      max = Math.max(max, img.data[i]!);
    }
    expect(max - min).toBeGreaterThan(100);
  });

  it('decodes PNG and drops alpha', () => {
    const png = new PNG({ width: 2, height: 1 });
    png.data.set([255, 0, 0, 255, 0, 128, 255, 10]);
    const img = decodeImageBytes(PNG.sync.write(png));
    expect([img.width, img.height]).toEqual([2, 1]);
    expect(Array.from(img.data)).toEqual([255, 0, 0, 0, 128, 255]);
  });

  it('rejects a truncated JPEG with INVALID_INPUT', async () => {
    const bytes = readFileSync(demoPhoto(2));
    const cut = bytes.subarray(0, Math.floor(bytes.length / 2));
    expect(await code(decodeImage(cut, { name: 'cut.jpg' }))).toBe('INVALID_INPUT');
  });

  it('rejects bytes that are no image, empty input and a missing file', async () => {
    expect(await code(decodeImage(new TextEncoder().encode('hello, not an image')))).toBe('INVALID_INPUT');
    expect(await code(decodeImage(new Uint8Array(0)))).toBe('INVALID_INPUT');
    expect(await code(decodeImage('/nonexistent/photo.jpg'))).toBe('INVALID_INPUT');
  });

  it('rejects a JPEG whose body is garbage', async () => {
    const bytes = new Uint8Array(readFileSync(demoPhoto(3)));
    // Keep the SOI and EOI markers but destroy the headers in between.
    bytes.fill(0x11, 2, 4000);
    expect(await code(decodeImage(bytes))).toBe('INVALID_INPUT');
  });
});

describe('decodeImage: decoders, formats and shrink', () => {
  it('reports how it decoded: format, decoder, orientation and shrink', async () => {
    const sharp = await loadSharp();
    const img = await decodeImage(demoPhoto(1));
    expect(img).toMatchObject({ format: 'jpeg', decoder: sharp ? 'sharp' : 'js', orientation: 1, fileOrientation: 1, shrink: 1 });
    expect((await decodeImage(demoPhoto(1), { decoder: 'js' })).decoder).toBe('js');
  });

  it('sharp and jpeg-js give the same pixels up to IDCT and upsampling rounding', async () => {
    if (!(await loadSharp())) return;
    const a = await decodeImage(demoPhoto(2), { decoder: 'sharp' });
    const b = await decodeImage(demoPhoto(2), { decoder: 'js' });
    let sum = 0;
    for (let i = 0; i < a.data.length; i++) sum += Math.abs(a.data[i]! - b.data[i]!);
    expect([a.width, a.height]).toEqual([b.width, b.height]);
    expect(sum / a.data.length).toBeLessThan(1.5);
  });

  it('shrink decodes at 1/4 size with either decoder, and checks its value', async () => {
    for (const decoder of (await loadSharp()) ? (['js', 'sharp'] as const) : (['js'] as const)) {
      const img = await decodeImage(demoPhoto(1), { decoder, shrink: 4 });
      expect([img.width, img.height, img.shrink]).toEqual([480, 320, 4]);
    }
    expect(await code(decodeImage(demoPhoto(1), { shrink: 3 as 2 }))).toBe('INVALID_OPTIONS');
  });

  it('shrinkForMinFaceSize keeps a minFaceSize face at least facePx wide', () => {
    expect([40, 150, 300, 600, 1200, 5000].map((m) => shrinkForMinFaceSize(m))).toEqual([1, 1, 2, 4, 8, 8]);
    expect(shrinkForMinFaceSize(448, 224)).toBe(2);
  });

  it('reads WebP through sharp; the pure-JS decoder says it needs sharp', async () => {
    const sharp = await loadSharp();
    if (!sharp) return;
    const webp = new Uint8Array(await sharp(readFileSync(demoPhoto(1))).resize(320).webp().toBuffer());
    const img = await decodeImage(webp);
    expect([img.format, img.width, img.height]).toEqual(['webp', 320, 213]);
    await expect(decodeImage(webp, { decoder: 'js', name: 'a.webp' })).rejects.toThrow(/a\.webp is a WEBP image, which only the sharp decoder reads/);
  });
});
