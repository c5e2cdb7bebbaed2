import { readFile } from 'node:fs/promises';
import { FaceAttrError, describeError } from '../errors.js';
import { applyOrientation } from '../image/orientation.js';
import { resizeImage } from '../image/sample.js';
import { decodeJs } from './decode-js.js';
import { decodeSharp, loadSharp } from './decode-sharp.js';
import { prepareImage, shrunkSize, type DecodedImage, type DecodeOptions, type PreparedImage } from './prepare.js';

export { sniffImageFormat, type ImageFormat } from './image-header.js';
export type { DecodedImage, DecodeOptions, DecoderChoice } from './prepare.js';

/** The pure-JS path: jpeg-js or pngjs, then the EXIF orientation applied here. */
function decodePrepared(p: PreparedImage): DecodedImage {
  const img = decodeJs(p);
  const fileOrientation = p.header?.orientation ?? 1;
  const orientation = p.autoOrient ? fileOrientation : 1;
  let upright = applyOrientation(img, orientation);
  if (p.shrink > 1) {
    const out = shrunkSize(upright.width, upright.height, p.shrink);
    upright = resizeImage(upright, out.width, out.height);
  }
  return { ...upright, format: p.format, orientation, fileOrientation, decoder: 'js', shrink: p.shrink };
}

/**
 * Decodes JPEG or PNG bytes into upright packed RGB with the pure-JS decoders (jpeg-js, pngjs), synchronously.
 * Same limits and orientation as {@link decodeImage}. PNG alpha is dropped.
 */
export function decodeImageBytes(bytes: Uint8Array, options: DecodeOptions = {}): DecodedImage {
  return decodePrepared(prepareImage(bytes, options));
}

/**
 * Reads and decodes an image file (or bytes already in memory) into upright packed RGB.
 * Uses sharp (libvips) when it is installed, else jpeg-js/pngjs (JPEG and PNG only). The EXIF Orientation
 * is applied unless `autoOrient: false`; sizes are checked against `maxPixels`/`maxMemoryMB` from the
 * header, before any pixel data is inflated.
 * @example
 * ```ts
 * import { decodeImage } from '@faceattr/core/node';
 *
 * const image = await decodeImage('photo.jpg'); // { data, width, height, channels: 3, ... }
 * const faces = await pipeline.detect(image);
 * ```
 */
export async function decodeImage(source: string | URL | Uint8Array, options: DecodeOptions = {}): Promise<DecodedImage> {
  let bytes: Uint8Array;
  if (source instanceof Uint8Array) bytes = source;
  else {
    try {
      bytes = await readFile(source);
    } catch (e) {
      throw new FaceAttrError('INVALID_INPUT', `Cannot read image file ${String(source)}: ${describeError(e)}`, { cause: e });
    }
  }
  const p = prepareImage(bytes, { ...options, name: options.name ?? (source instanceof Uint8Array ? undefined : String(source)) });
  if (p.decoder !== 'js') {
    const sharp = await loadSharp();
    if (sharp) {
      const d = await decodeSharp(sharp, p);
      const orientation = p.autoOrient ? d.fileOrientation : 1;
      return { data: d.data, width: d.width, height: d.height, channels: 3, format: p.format, orientation, fileOrientation: d.fileOrientation, decoder: 'sharp', shrink: p.shrink };
    }
    if (p.decoder === 'sharp') {
      throw new FaceAttrError('INVALID_OPTIONS', "decodeImage: decoder 'sharp' was asked for, but sharp is not installed or has no binary for this platform. Run `npm install sharp`, or use decoder: 'auto'.");
    }
  }
  return decodePrepared(p);
}
