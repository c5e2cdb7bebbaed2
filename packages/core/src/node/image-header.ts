import type { Orientation } from '../image/orientation.js';

/** Containers decodeImage recognises (WebP, GIF, AVIF, HEIF and TIFF need sharp). */
export type ImageFormat = 'jpeg' | 'png' | 'webp' | 'gif' | 'avif' | 'heif' | 'tiff';

function ascii(bytes: Uint8Array, at: number, text: string): boolean {
  if (at + text.length > bytes.length) return false;
  for (let i = 0; i < text.length; i++) if (bytes[at + i] !== text.charCodeAt(i)) return false;
  return true;
}

/** Sniffs the container from magic bytes, never from a file name. */
export function sniffImageFormat(bytes: Uint8Array): ImageFormat | undefined {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (ascii(bytes, 0, '\x89PNG\r\n\x1a\n')) return 'png';
  if (ascii(bytes, 0, 'RIFF') && ascii(bytes, 8, 'WEBP')) return 'webp';
  if (ascii(bytes, 0, 'GIF87a') || ascii(bytes, 0, 'GIF89a')) return 'gif';
  if (ascii(bytes, 0, 'II*\0') || ascii(bytes, 0, 'MM\0*')) return 'tiff';
  if (ascii(bytes, 4, 'ftyp')) {
    if (ascii(bytes, 8, 'avif') || ascii(bytes, 8, 'avis')) return 'avif';
    if (['heic', 'heix', 'mif1', 'msf1', 'hevc'].some((b) => ascii(bytes, 8, b))) return 'heif';
  }
  return undefined;
}

/** What a JPEG or PNG header says, read without decoding any pixel data. */
export interface ImageHeader {
  width: number;
  height: number;
  /** Bytes per pixel of the raw (inflated) PNG rows; 0 for JPEG. */
  rawBytesPerPixel: number;
  /** The EXIF Orientation tag (1 when the file has none or an invalid one). */
  orientation: Orientation;
}

/** Reads the Orientation tag from an EXIF TIFF block (`II*\0` or `MM\0*` onwards); 1 when absent or malformed. */
export function exifOrientation(tiff: Uint8Array): Orientation {
  if (tiff.length < 8) return 1;
  const le = tiff[0] === 0x49;
  const u16 = (at: number) => (le ? tiff[at]! | (tiff[at + 1]! << 8) : (tiff[at]! << 8) | tiff[at + 1]!);
  const u32 = (at: number) => (le ? u16(at) + u16(at + 2) * 65536 : u16(at) * 65536 + u16(at + 2));
  const ifd = u32(4);
  if (ifd + 2 > tiff.length) return 1;
  const n = u16(ifd);
  for (let i = 0; i < n; i++) {
    const e = ifd + 2 + i * 12;
    if (e + 12 > tiff.length) return 1;
    // Tag 0x0112 Orientation, type SHORT, one value stored in the entry itself.
    if (u16(e) === 0x0112 && u16(e + 2) === 3) {
      const v = u16(e + 8);
      return v >= 1 && v <= 8 ? (v as Orientation) : 1;
    }
  }
  return 1;
}

/** A header that cannot be read, with the reason in plain words. */
export class HeaderProblem {
  constructor(readonly reason: string) {}
}

/** Reads the JPEG frame size (SOF) and EXIF orientation (APP1), walking markers up to the scan. */
function jpegHeader(b: Uint8Array): ImageHeader | HeaderProblem {
  let orientation: Orientation = 1;
  let size: { width: number; height: number } | undefined;
  let p = 2;
  while (p + 4 <= b.length) {
    // libjpeg skips stray bytes before a marker (with a warning); so do we, so that what it decodes we accept.
    if (b[p] !== 0xff) { p++; continue; }
    const m = b[p + 1]!;
    if (m === 0xff) { p++; continue; } // fill byte
    if (m === 0xd8 || m === 0x01 || (m >= 0xd0 && m <= 0xd7)) { p += 2; continue; } // standalone markers
    if (m === 0xda || m === 0xd9) break; // start of scan / end of image: headers are over
    const len = (b[p + 2]! << 8) | b[p + 3]!;
    if (len < 2 || p + 2 + len > b.length) return new HeaderProblem(`a JPEG segment at byte ${p} runs past the end of the file`);
    const seg = p + 4;
    // SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC). The largest frame counts if a file has several.
    if (m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc && len >= 8) {
      const height = (b[seg + 1]! << 8) | b[seg + 2]!;
      const width = (b[seg + 3]! << 8) | b[seg + 4]!;
      if (!size || width * height > size.width * size.height) size = { width, height };
    }
    if (m === 0xe1 && orientation === 1 && ascii(b, seg, 'Exif\0\0')) {
      orientation = exifOrientation(b.subarray(seg + 6, p + 2 + len));
    }
    p += 2 + len;
  }
  if (!size) return new HeaderProblem('no frame header (SOF) before the image data');
  return { ...size, rawBytesPerPixel: 0, orientation };
}

const PNG_CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

/** Reads IHDR (size, bit depth, colour type) and an eXIf chunk before the image data. */
function pngHeader(b: Uint8Array): ImageHeader | HeaderProblem {
  const u32 = (at: number) => ((b[at]! << 24) >>> 0) + (b[at + 1]! << 16) + (b[at + 2]! << 8) + b[at + 3]!;
  if (b.length < 33 || !ascii(b, 12, 'IHDR')) return new HeaderProblem('no IHDR chunk where the PNG header should be');
  const width = u32(16);
  const height = u32(20);
  const channels = PNG_CHANNELS[b[25]!];
  if (channels === undefined) return new HeaderProblem(`unknown PNG colour type ${b[25]}`);
  const rawBytesPerPixel = (channels * b[24]!) / 8;
  let orientation: Orientation = 1;
  for (let p = 33; p + 8 <= b.length; ) {
    const len = u32(p);
    if (ascii(b, p + 4, 'IDAT') || p + 12 + len > b.length) break;
    if (ascii(b, p + 4, 'eXIf')) orientation = exifOrientation(b.subarray(p + 8, p + 8 + len));
    p += 12 + len;
  }
  return { width, height, rawBytesPerPixel, orientation };
}

/** The header of a JPEG or PNG (other formats: undefined, sharp reads them). */
export function readImageHeader(bytes: Uint8Array, format: ImageFormat): ImageHeader | HeaderProblem | undefined {
  if (format === 'jpeg') return jpegHeader(bytes);
  if (format === 'png') return pngHeader(bytes);
  return undefined;
}

// Decoders turn a cut-off file into a partly grey image (jpeg-js) or an obscure stream error (pngjs), so look
// for the closing marker ourselves. Some writers append bytes after it, so search the tail.
export function hasEndMarker(bytes: Uint8Array, format: ImageFormat): boolean {
  const from = Math.max(8, bytes.length - 4096);
  for (let i = bytes.length - 2; i >= from; i--) {
    if (format === 'jpeg' && bytes[i] === 0xff && bytes[i + 1] === 0xd9) return true;
    if (format === 'png' && ascii(bytes, i - 2, 'IEND')) return true;
  }
  return format !== 'jpeg' && format !== 'png';
}
