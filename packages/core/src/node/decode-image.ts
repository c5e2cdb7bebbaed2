import { readFile } from 'node:fs/promises';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { FaceAttrError, describeError } from '../errors.js';
import type { RgbImage } from '../image/image-types.js';

export type ImageFormat = 'jpeg' | 'png';

/** Sniffs the container from magic bytes, never from a file name. */
export function sniffImageFormat(bytes: Uint8Array): ImageFormat | undefined {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (
    bytes.length >= 8 &&
    bytes[0] === 0x89 &&
    bytes[1] === 0x50 &&
    bytes[2] === 0x4e &&
    bytes[3] === 0x47 &&
    bytes[4] === 0x0d &&
    bytes[5] === 0x0a &&
    bytes[6] === 0x1a &&
    bytes[7] === 0x0a
  ) {
    return 'png';
  }
  return undefined;
}

// jpeg-js decodes a cut-off file into a partly grey image without complaint, so look for the
// end-of-image marker ourselves. Some writers append bytes after it, so search the tail.
function hasJpegEnd(bytes: Uint8Array): boolean {
  const from = Math.max(2, bytes.length - 4096);
  for (let i = bytes.length - 2; i >= from; i--) {
    if (bytes[i] === 0xff && bytes[i + 1] === 0xd9) return true;
  }
  return false;
}

export interface DecodeOptions {
  /** Name used in error messages (a file path, say). */
  name?: string;
  /** Refuse images that would take more memory than this when decoded. Default 1024 MB. */
  maxMemoryMB?: number;
}

/**
 * Decodes JPEG or PNG bytes into packed RGB using pure-JS decoders (jpeg-js, pngjs):
 * no native addon, so it installs everywhere Node runs. PNG alpha is dropped.
 */
export function decodeImageBytes(bytes: Uint8Array, options: DecodeOptions = {}): RgbImage {
  const name = options.name ?? 'image';
  if (!(bytes instanceof Uint8Array)) {
    throw new FaceAttrError('INVALID_INPUT', `${name}: expected bytes (Buffer or Uint8Array).`);
  }
  if (bytes.length === 0) throw new FaceAttrError('INVALID_INPUT', `${name} is empty (0 bytes).`);
  const format = sniffImageFormat(bytes);
  if (format === 'jpeg') {
    if (!hasJpegEnd(bytes)) {
      throw new FaceAttrError(
        'INVALID_INPUT',
        `${name} is a truncated JPEG (no end-of-image marker in its ${bytes.length} bytes). Re-download or re-export the file.`,
        { details: { name, bytes: bytes.length } },
      );
    }
    try {
      const decoded = jpeg.decode(bytes, {
        useTArray: true,
        formatAsRGBA: false,
        maxMemoryUsageInMB: options.maxMemoryMB ?? 1024,
      });
      return { data: decoded.data, width: decoded.width, height: decoded.height, channels: 3 };
    } catch (e) {
      throw new FaceAttrError('INVALID_INPUT', `${name} is not a decodable JPEG: ${describeError(e)}`, { cause: e });
    }
  }
  if (format === 'png') {
    let png: { data: Uint8Array; width: number; height: number };
    try {
      png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    } catch (e) {
      throw new FaceAttrError('INVALID_INPUT', `${name} is not a decodable PNG: ${describeError(e)}`, { cause: e });
    }
    const n = png.width * png.height;
    const out = new Uint8Array(n * 3);
    for (let p = 0, s = 0, d = 0; p < n; p++, s += 4, d += 3) {
      out[d] = png.data[s]!;
      out[d + 1] = png.data[s + 1]!;
      out[d + 2] = png.data[s + 2]!;
    }
    return { data: out, width: png.width, height: png.height, channels: 3 };
  }
  throw new FaceAttrError(
    'INVALID_INPUT',
    `${name} is neither JPEG nor PNG (unrecognised leading bytes). Convert it to JPEG or PNG first.`,
  );
}

/** Reads and decodes a JPEG/PNG file, or decodes bytes already in memory. */
export async function decodeImage(source: string | URL | Uint8Array, options: DecodeOptions = {}): Promise<RgbImage> {
  if (source instanceof Uint8Array) return decodeImageBytes(source, options);
  let bytes: Uint8Array;
  try {
    bytes = await readFile(source);
  } catch (e) {
    throw new FaceAttrError('INVALID_INPUT', `Cannot read image file ${String(source)}: ${describeError(e)}`, { cause: e });
  }
  return decodeImageBytes(bytes, { ...options, name: options.name ?? String(source) });
}
