import { deflateRawSync, constants } from 'node:zlib';
import { PNG } from 'pngjs';
import { pngChunk as chunk, type Pixels } from '@faceattr/test-support';

/** A lossless RGB PNG of packed RGB pixels (pngjs). */
export function encodePng(img: Pixels): Uint8Array {
  const png = new PNG({ width: img.width, height: img.height, colorType: 2, inputColorType: 2, inputHasAlpha: false });
  png.data = Buffer.from(img.data);
  return new Uint8Array(PNG.sync.write(png, { colorType: 2, inputColorType: 2, inputHasAlpha: false }));
}

/**
 * A valid all-black RGB PNG of any size, built without holding its pixels: one zlib block of zero rows,
 * ended by a full flush (byte-aligned, history reset), is repeated; the Adler-32 of n zero bytes is (n mod 65521, 1).
 * 16000x16000 comes out at about 775 KB, the decompression bomb of issue 14.
 */
export function blackPng(width: number, height: number): Uint8Array {
  const rowBytes = width * 3 + 1;
  const rowsPerBlock = Math.max(1, Math.min(height, Math.floor(8e6 / rowBytes)));
  const blocks: Buffer[] = [Buffer.from([0x78, 0x01])];
  const full = deflateRawSync(Buffer.alloc(rowBytes * rowsPerBlock), { finishFlush: constants.Z_FULL_FLUSH });
  for (let y = 0; y + rowsPerBlock <= height; y += rowsPerBlock) blocks.push(full);
  const rest = height % rowsPerBlock;
  if (rest) blocks.push(deflateRawSync(Buffer.alloc(rowBytes * rest), { finishFlush: constants.Z_FULL_FLUSH }));
  blocks.push(deflateRawSync(Buffer.alloc(0))); // the final (empty) block
  const adler = Buffer.alloc(4);
  adler.writeUInt32BE(((rowBytes * height) % 65521) * 65536 + 1, 0);
  blocks.push(adler);
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const sig = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return new Uint8Array(Buffer.concat([sig, chunk('IHDR', ihdr), chunk('IDAT', Buffer.concat(blocks)), chunk('IEND', Buffer.alloc(0))]));
}
