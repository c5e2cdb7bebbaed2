import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { FaceAttrError, describeError } from '../errors.js';
import type { RgbImage } from '../image/image-types.js';
import type { PreparedImage } from './prepare.js';

function damaged(p: PreparedImage, what: string, e: unknown): FaceAttrError {
  return new FaceAttrError(
    'INVALID_INPUT',
    `${p.name} is a damaged ${p.format.toUpperCase()}: ${what}. Re-download or re-export the file.`,
    { cause: e, details: { name: p.name, format: p.format, decoder: 'js', decoderMessage: describeError(e) } },
  );
}

function decodeJpeg(p: PreparedImage): RgbImage {
  try {
    // The library's limits were checked from the header; jpeg-js's own caps are set from them (its memory
    // accounting counts its coefficient planes, up to twice our estimate) so that they never refuse first.
    const d = jpeg.decode(p.bytes, {
      useTArray: true,
      formatAsRGBA: false,
      maxResolutionInMP: Math.ceil(p.limits.maxPixels / 1e6) + 1,
      maxMemoryUsageInMB: 2 * p.limits.maxMemoryMB,
    });
    return { data: d.data, width: d.width, height: d.height, channels: 3 };
  } catch (e) {
    throw damaged(p, 'its compressed data could not be read', e);
  }
}

function decodePng(p: PreparedImage): RgbImage {
  let png: { data: Uint8Array; width: number; height: number };
  try {
    png = PNG.sync.read(Buffer.from(p.bytes.buffer, p.bytes.byteOffset, p.bytes.byteLength));
  } catch (e) {
    throw damaged(p, 'its chunks or compressed data could not be read', e);
  }
  const n = png.width * png.height;
  const out = new Uint8Array(n * 3);
  for (let i = 0, s = 0, d = 0; i < n; i++, s += 4, d += 3) {
    out[d] = png.data[s]!;
    out[d + 1] = png.data[s + 1]!;
    out[d + 2] = png.data[s + 2]!;
  }
  return { data: out, width: png.width, height: png.height, channels: 3 };
}

/** Pure-JS decoding (jpeg-js, pngjs): no native addon, JPEG and PNG only. PNG alpha is dropped. */
export function decodeJs(p: PreparedImage): RgbImage {
  if (p.format === 'jpeg') return decodeJpeg(p);
  if (p.format === 'png') return decodePng(p);
  throw new FaceAttrError(
    'INVALID_INPUT',
    `${p.name} is a ${p.format.toUpperCase()} image, which only the sharp decoder reads. Install sharp (npm install sharp) or convert the file to JPEG or PNG.`,
    { details: { name: p.name, format: p.format } },
  );
}
