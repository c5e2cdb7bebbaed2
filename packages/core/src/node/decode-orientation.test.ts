import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { demoPhoto, encodeJpeg, orientedJpeg, storeWithOrientation, withPngOrientation } from '@faceattr/test-support';
import { resizeImage } from '../image/sample.js';
import type { RgbImage } from '../image/image-types.js';
import { encodePng } from '../../test/support.js';
import { decodeImage, decodeImageBytes, type DecoderChoice } from './decode-image.js';
import { loadSharp } from './decode-sharp.js';

const hasSharp = (await loadSharp()) !== undefined;
if (!hasSharp) console.warn('[faceattr] sharp is not installed: decoder "sharp" orientation cases skipped');
const decoders: DecoderChoice[] = hasSharp ? ['js', 'sharp'] : ['js'];
const ORIENTATIONS = [1, 2, 3, 4, 5, 6, 7, 8] as const;

/** face-api's sample1.jpg at 480x320 (its faces stay recognisable; small enough to encode 16 times). */
const upright = resizeImage(decodeImageBytes(new Uint8Array(readFileSync(demoPhoto(1)))), 480, 320);

function diff(a: RgbImage, b: RgbImage): { mean: number; max: number } {
  expect([a.width, a.height]).toEqual([b.width, b.height]);
  let sum = 0;
  let max = 0;
  for (let i = 0; i < a.data.length; i++) {
    const d = Math.abs(a.data[i]! - b.data[i]!);
    sum += d;
    if (d > max) max = d;
  }
  return { mean: sum / a.data.length, max };
}

describe('decodeImage applies the EXIF orientation', () => {
  it.each(decoders)('PNG with an eXIf Orientation 1..8 decodes to exactly the upright pixels (%s)', async (decoder) => {
    for (const o of ORIENTATIONS) {
      const file = withPngOrientation(encodePng(storeWithOrientation(upright, o)), o);
      const img = await decodeImage(file, { decoder });
      expect({ o, orientation: img.orientation, fileOrientation: img.fileOrientation, decoder: img.decoder }).toEqual({
        o,
        orientation: o,
        fileOrientation: o,
        decoder,
      });
      expect(diff(img, upright)).toEqual({ mean: 0, max: 0 });
    }
  });

  it.each(decoders)('JPEG with an APP1 Orientation 1..8 decodes to the upright photo (%s)', async (decoder) => {
    // The reference went through the same JPEG encoder, so only the rotated block grid differs.
    const reference = await decodeImage(encodeJpeg(upright, 100), { decoder });
    for (const o of ORIENTATIONS) {
      const file = orientedJpeg(upright, o, 100);
      const img = await decodeImage(file, { decoder });
      expect(img.orientation).toBe(o);
      const d = diff(img, reference);
      expect(d.mean, `orientation ${o}`).toBeLessThan(1);
      expect(d.max, `orientation ${o}`).toBeLessThan(40);
    }
  });

  it.each(decoders)('autoOrient: false keeps the stored pixels and reports the tag it left alone (%s)', async (decoder) => {
    const stored = storeWithOrientation(upright, 6);
    const img = await decodeImage(withPngOrientation(encodePng(stored), 6), { decoder, autoOrient: false });
    expect([img.width, img.height, img.orientation, img.fileOrientation]).toEqual([320, 480, 1, 6]);
    expect(diff(img, { ...stored, channels: 3 })).toEqual({ mean: 0, max: 0 });
  });

  it('decodeImageBytes (synchronous, pure JS) applies it too', () => {
    const img = decodeImageBytes(withPngOrientation(encodePng(storeWithOrientation(upright, 8)), 8));
    expect(img.orientation).toBe(8);
    expect(diff(img, upright).max).toBe(0);
  });

  it('an Orientation tag outside 1..8 is ignored', async () => {
    const img = await decodeImage(withPngOrientation(encodePng(upright), 9));
    expect([img.orientation, img.fileOrientation, img.width]).toEqual([1, 1, 480]);
  });
});
