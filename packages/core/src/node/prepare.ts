import { FaceAttrError } from '../errors.js';
import type { RgbImage } from '../image/image-types.js';
import type { Orientation } from '../image/orientation.js';
import { checkDecodeLimits, resolveLimits, type DecodeLimits } from './decode-limits.js';
import { HeaderProblem, hasEndMarker, readImageHeader, sniffImageFormat, type ImageFormat, type ImageHeader } from './image-header.js';

/** Which decoder `decodeImage` uses: sharp (libvips) when installed, else the pure-JS one. */
export type DecoderChoice = 'auto' | 'sharp' | 'js';

export interface DecodeOptions extends DecodeLimits {
  /** Name used in error messages (a file path, say). */
  name?: string;
  /** Turn the pixels upright by the file's EXIF Orientation tag (all 8 values). Default true. */
  autoOrient?: boolean;
  /**
   * `'auto'` (default): sharp if it is installed (an optional dependency), else jpeg-js/pngjs. `'js'`: always
   * the pure-JS decoders. `'sharp'`: sharp or an error. Every choice applies the same orientation and limits.
   * The environment variable `FACEATTR_DECODER` (auto, sharp or js) sets the default for a whole process (the
   * CLI's, say). `decodeImageBytes` (synchronous) always uses the pure-JS decoders.
   */
  decoder?: DecoderChoice;
  /**
   * Decode at 1/shrink of the size (1, 2, 4 or 8; default 1): for a detector that does not need every pixel
   * (see `shrinkForMinFaceSize`). sharp reads JPEG at that scale directly (DCT scaling), which is much faster;
   * the pure-JS path decodes in full and box-filters down. The result's `shrink` says what was applied.
   */
  shrink?: 1 | 2 | 4 | 8;
}

const OPTION_KEYS = new Set(['name', 'autoOrient', 'decoder', 'maxPixels', 'maxMemoryMB', 'shrink']);

/** What decodeImage returns: upright packed RGB, plus how it was read. */
export interface DecodedImage extends RgbImage {
  /** The container the bytes were. */
  readonly format: ImageFormat;
  /** The EXIF orientation applied to the pixels (1: none). Boxes and landmarks found on them are upright. */
  readonly orientation: Orientation;
  /** The Orientation tag in the file (1 when it has none), applied or not. */
  readonly fileOrientation: Orientation;
  /** The decoder that produced the pixels. */
  readonly decoder: 'sharp' | 'js';
  /** The upright full-size image is `shrink` times larger: multiply coordinates found on these pixels by it. */
  readonly shrink: number;
}

/** A file checked up to its pixel data: format known, header read, limits passed. */
export interface PreparedImage {
  bytes: Uint8Array;
  name: string;
  format: ImageFormat;
  /** JPEG and PNG only: read here, before any decoder runs. */
  header: ImageHeader | undefined;
  limits: Required<DecodeLimits>;
  autoOrient: boolean;
  decoder: DecoderChoice;
  shrink: 1 | 2 | 4 | 8;
}

function checkOptions(options: DecodeOptions): void {
  if (typeof options !== 'object' || options === null) {
    throw new FaceAttrError('INVALID_OPTIONS', `decodeImage: options must be an object, got ${String(options)}.`);
  }
  for (const key of Object.keys(options)) {
    if (!OPTION_KEYS.has(key)) {
      throw new FaceAttrError('INVALID_OPTIONS', `decodeImage: unknown option "${key}"; known: ${[...OPTION_KEYS].join(', ')}.`);
    }
  }
  if (options.decoder !== undefined && !['auto', 'sharp', 'js'].includes(options.decoder)) {
    throw new FaceAttrError('INVALID_OPTIONS', `decodeImage: decoder must be 'auto', 'sharp' or 'js', got ${String(options.decoder)}.`);
  }
  if (options.shrink !== undefined && ![1, 2, 4, 8].includes(options.shrink)) {
    throw new FaceAttrError('INVALID_OPTIONS', `decodeImage: shrink must be 1, 2, 4 or 8, got ${String(options.shrink)}.`);
  }
}

/** Checks the options and the bytes up to the pixel data; throws INVALID_INPUT / INVALID_OPTIONS. */
export function prepareImage(bytes: Uint8Array, options: DecodeOptions): PreparedImage {
  checkOptions(options);
  const name = options.name ?? 'image';
  const limits = resolveLimits(options);
  if (!(bytes instanceof Uint8Array)) {
    throw new FaceAttrError('INVALID_INPUT', `${name}: expected bytes (Buffer or Uint8Array).`);
  }
  if (bytes.length === 0) throw new FaceAttrError('INVALID_INPUT', `${name} is empty (0 bytes).`);
  const format = sniffImageFormat(bytes);
  if (!format) {
    throw new FaceAttrError(
      'INVALID_INPUT',
      `${name} is not an image decodeImage reads (unrecognised leading bytes). Use JPEG or PNG (or WebP, GIF, AVIF, TIFF with sharp installed).`,
      { details: { name } },
    );
  }
  const header = readImageHeader(bytes, format);
  if (header instanceof HeaderProblem) {
    throw new FaceAttrError('INVALID_INPUT', `${name} is a damaged ${format.toUpperCase()}: ${header.reason}.`, { details: { name, format } });
  }
  if (header) checkDecodeLimits(name, header.width, header.height, limits, header.rawBytesPerPixel);
  if (!hasEndMarker(bytes, format)) {
    const end = format === 'jpeg' ? 'end-of-image marker' : 'IEND chunk';
    throw new FaceAttrError(
      'INVALID_INPUT',
      `${name} is a truncated ${format.toUpperCase()} (no ${end} in its ${bytes.length} bytes). Re-download or re-export the file.`,
      { details: { name, bytes: bytes.length } },
    );
  }
  const decoder = options.decoder ?? defaultDecoder();
  return { bytes, name, format, header, limits, autoOrient: options.autoOrient ?? true, decoder, shrink: options.shrink ?? 1 };
}

/** `$FACEATTR_DECODER` (auto, sharp or js) picks the default decoder of a whole process, e.g. the CLI's. */
function defaultDecoder(): DecoderChoice {
  const v = typeof process === 'undefined' ? undefined : process.env.FACEATTR_DECODER;
  if (v === undefined || v === '') return 'auto';
  if (v === 'auto' || v === 'sharp' || v === 'js') return v;
  throw new FaceAttrError('INVALID_OPTIONS', `FACEATTR_DECODER must be auto, sharp or js, got "${v}".`);
}

/** The size a shrunk decode has: 1/shrink of each side, at least one pixel. */
export function shrunkSize(width: number, height: number, shrink: number): { width: number; height: number } {
  return { width: Math.max(1, Math.round(width / shrink)), height: Math.max(1, Math.round(height / shrink)) };
}
