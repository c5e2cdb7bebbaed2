import { describe, expect, it } from 'vitest';
import { demoPhoto } from '@faceattr/test-support';
import { expectFaceAttrError as failure } from '../testing/expect-error.js';
import { blackPng } from '../../test/support.js';
import { decodeImage, type DecoderChoice } from './decode-image.js';
import { loadSharp } from './decode-sharp.js';

const sharp = await loadSharp();
if (!sharp) console.warn('[faceattr] sharp is not installed: decoder "sharp" limit cases skipped');
const decoders: DecoderChoice[] = sharp ? ['js', 'sharp'] : ['js'];

describe('decode limits, checked from the header before inflating', () => {
  const bomb = blackPng(16000, 16000);

  it('the PNG bomb fixture is real: 775 KB declaring 16000x16000, and its small sibling decodes', async () => {
    expect(bomb.length).toBeGreaterThan(700_000);
    expect(bomb.length).toBeLessThan(850_000);
    for (const decoder of decoders) {
      const small = await decodeImage(blackPng(64, 48), { decoder });
      expect([small.width, small.height, Math.max(...small.data)]).toEqual([64, 48, 0]);
    }
  });

  it.each(decoders)('a 775 KB PNG declaring 16000x16000 is refused in milliseconds, naming the size and the option (%s)', async (decoder) => {
    const t0 = performance.now();
    const e = await failure(decodeImage(bomb, { name: 'bomb.png', decoder }));
    expect(performance.now() - t0).toBeLessThan(250);
    expect(e.code).toBe('INVALID_INPUT');
    expect(e.message).toMatch(/bomb\.png is 16000x16000 .* about 2442 MB .* limit of 1024 MB.*maxMemoryMB/);
    expect(e.details).toMatchObject({ width: 16000, height: 16000, maxMemoryMB: 1024 });
  });

  it('a 20000x20000 PNG is refused the same way; maxPixels is the other limit', async () => {
    expect((await failure(decodeImage(blackPng(20000, 20000)))).message).toMatch(/20000x20000/);
    const e = await failure(decodeImage(demoPhoto(1), { maxPixels: 1_000_000 }));
    expect(e.code).toBe('INVALID_INPUT');
    expect(e.message).toMatch(/is 1920x1280 \(2\.5 megapixels\), over the decode limit of 1000000 pixels.*maxPixels/);
  });

  it('the limits are options, checked as such', async () => {
    expect((await failure(decodeImage(demoPhoto(1), { maxMemoryMB: -1 }))).code).toBe('INVALID_OPTIONS');
    expect((await failure(decodeImage(demoPhoto(1), { maxPixels: Number.NaN }))).code).toBe('INVALID_OPTIONS');
    expect((await failure(decodeImage(demoPhoto(1), { maxMegapixels: 5 } as never))).message).toMatch(/unknown option "maxMegapixels"/);
    const img = await decodeImage(demoPhoto(1), { maxMemoryMB: 20 }); // 2.5 MP x 8 bytes = 19 MB
    expect(img.width).toBe(1920);
  });

  it('a truncated or damaged PNG is INVALID_INPUT in the library\'s words', async () => {
    const png = blackPng(300, 200);
    for (const decoder of decoders) {
      const cut = await failure(decodeImage(png.subarray(0, png.length - 40), { name: 'cut.png', decoder }));
      expect(cut.message).toMatch(/^cut\.png is a truncated PNG \(no IEND chunk/);
      const broken = new Uint8Array(png);
      broken.fill(0x5a, 60, 120); // inside the compressed data
      const e = await failure(decodeImage(broken, { name: 'broken.png', decoder }));
      expect(e.code).toBe('INVALID_INPUT');
      expect(e.message).toMatch(/^broken\.png is a damaged/);
      expect(e.message).not.toMatch(/waitng|stream|vips/i);
    }
  });

  // A flat 108 MP JPEG (a phone's high-resolution mode is 12000x9000), written by libvips; grey keeps jpeg-js's share short.
  const big108 = sharp ? sharp({ create: { width: 12000, height: 9000, channels: 3, background: '#808080' } }).grayscale().jpeg().toBuffer() : undefined;

  it.skipIf(!sharp).each(decoders)('a 108 MP JPEG inside the limits decodes; jpeg-js gets the library\'s limits, not its own 100 MP (%s)', async (decoder) => {
    const img = await decodeImage(await big108!, { decoder });
    expect([img.width, img.height, img.data[3 * 12345]]).toEqual([12000, 9000, 128]);
  }, 180_000);
});
