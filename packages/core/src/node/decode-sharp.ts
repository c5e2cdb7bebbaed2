import { FaceAttrError, describeError } from '../errors.js';
import type { Orientation } from '../image/orientation.js';
import { checkDecodeLimits } from './decode-limits.js';
import { shrunkSize, type PreparedImage } from './prepare.js';

type Sharp = (typeof import('sharp'))['default'];

let loading: Promise<Sharp | undefined> | undefined;

/**
 * sharp, if installed and loadable on this platform (an optional dependency with a native binary per
 * platform); undefined otherwise. Imported dynamically so that core never needs it, in browsers least of all.
 */
export function loadSharp(): Promise<Sharp | undefined> {
  loading ??= import('sharp').then(
    (m) => m.default,
    () => undefined,
  );
  return loading;
}

function failed(p: PreparedImage, e: unknown): FaceAttrError {
  return new FaceAttrError(
    'INVALID_INPUT',
    `${p.name} is a damaged or unsupported ${p.format.toUpperCase()}: its pixel data could not be decoded. Re-download or re-export the file.`,
    { cause: e, details: { name: p.name, format: p.format, decoder: 'sharp', decoderMessage: describeError(e) } },
  );
}

export interface SharpDecoded {
  data: Uint8Array;
  width: number;
  height: number;
  fileOrientation: Orientation;
}

/** Decodes with libvips: header checks first (ours for JPEG/PNG, sharp's metadata for the rest), then RGB. */
export async function decodeSharp(sharp: Sharp, p: PreparedImage): Promise<SharpDecoded> {
  // limitInputPixels repeats our pixel limit inside libvips, in case a file's header lies.
  const input = { limitInputPixels: Math.min(p.limits.maxPixels, Number.MAX_SAFE_INTEGER), failOn: 'error' as const };
  let fileOrientation = p.header?.orientation;
  let size = p.header;
  if (!p.header) {
    let meta: { width?: number | undefined; height?: number | undefined; orientation?: number | undefined };
    try {
      meta = await sharp(p.bytes, { ...input, limitInputPixels: false }).metadata();
    } catch (e) {
      throw failed(p, e);
    }
    checkDecodeLimits(p.name, meta.width ?? 0, meta.height ?? 0, p.limits);
    size = { width: meta.width ?? 0, height: meta.height ?? 0, rawBytesPerPixel: 0, orientation: 1 };
    fileOrientation = meta.orientation && meta.orientation >= 1 && meta.orientation <= 8 ? (meta.orientation as Orientation) : 1;
  }
  try {
    let pipeline = sharp(p.bytes, { ...input, autoOrient: p.autoOrient });
    if (p.shrink > 1 && size) {
      // Resizing by 2x or more lets libjpeg decode at 1/2, 1/4 or 1/8 scale (shrink-on-load).
      const swap = p.autoOrient && (fileOrientation ?? 1) >= 5;
      const out = shrunkSize(swap ? size.height : size.width, swap ? size.width : size.height, p.shrink);
      pipeline = pipeline.resize({ ...out, fit: 'fill' });
    }
    const { data, info } = await pipeline
      .removeAlpha()
      .toColourspace('srgb')
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`sharp returned ${info.channels} channels`);
    return {
      data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
      width: info.width,
      height: info.height,
      fileOrientation: fileOrientation ?? 1,
    };
  } catch (e) {
    throw failed(p, e);
  }
}
