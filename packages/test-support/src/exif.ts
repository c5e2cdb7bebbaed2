/**
 * EXIF Orientation fixtures written by hand (no image library): pixels stored the way a camera stores them for
 * each tag, and the JPEG APP1 / PNG eXIf segments that carry the tag. Orientation semantics follow the EXIF
 * 2.32 spec's wording ("where the stored image's row 0 and column 0 are shown"), not the library's code.
 */
import jpeg from 'jpeg-js';

/** Packed 8-bit pixels; the shape of core's RgbImage without importing it. */
export interface Pixels {
  data: Uint8Array;
  width: number;
  height: number;
}

/**
 * The pixels a camera stores for `upright` when it writes Orientation `o`: decoding them and applying the tag
 * must give `upright` back. For each tag: the side of the upright picture where stored row 0 lies and the
 * side where stored column 0 lies.
 */
export function storeWithOrientation(upright: Pixels, o: number): Pixels {
  const { width: W, height: H, data } = upright;
  const c = data.length / (W * H);
  const rowSide = ['top', 'top', 'bottom', 'bottom', 'left', 'right', 'right', 'left'][o - 1];
  const colSide = ['left', 'right', 'right', 'left', 'top', 'top', 'bottom', 'bottom'][o - 1];
  if (!rowSide || !colSide) throw new Error(`orientation ${o} is not 1..8`);
  const rowsAreColumns = rowSide === 'left' || rowSide === 'right';
  const w = rowsAreColumns ? H : W;
  const h = rowsAreColumns ? W : H;
  const out = new Uint8Array(w * h * c);
  for (let r = 0; r < h; r++) {
    for (let k = 0; k < w; k++) {
      // Stored (row r, column k) -> upright (x, y).
      let x: number;
      let y: number;
      if (rowsAreColumns) {
        x = rowSide === 'left' ? r : W - 1 - r;
        y = colSide === 'top' ? k : H - 1 - k;
      } else {
        y = rowSide === 'top' ? r : H - 1 - r;
        x = colSide === 'left' ? k : W - 1 - k;
      }
      out.set(data.subarray((y * W + x) * c, (y * W + x) * c + c), (r * w + k) * c);
    }
  }
  return { data: out, width: w, height: h };
}

/** A big-endian TIFF block holding one IFD entry: Orientation (0x0112, SHORT) = o. */
export function exifTiff(o: number): Uint8Array {
  return Uint8Array.from([0x4d, 0x4d, 0, 0x2a, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, o, 0, 0, 0, 0, 0, 0, 0, 0]);
}

/** `jpeg` with an EXIF APP1 segment carrying Orientation `o` inserted right after its SOI marker. */
export function withJpegOrientation(jpeg: Uint8Array, o: number): Uint8Array {
  const body = Uint8Array.from([...'Exif\0\0'].map((ch) => ch.charCodeAt(0)).concat([...exifTiff(o)]));
  const len = body.length + 2;
  return concat(Uint8Array.from([0xff, 0xd8, 0xff, 0xe1, len >> 8, len & 0xff]), body, jpeg.subarray(2));
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** The CRC-32 PNG chunks carry. */
export function crc32(bytes: Uint8Array): number {
  let crc = ~0;
  for (const b of bytes) {
    crc ^= b;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return ~crc >>> 0;
}

/** A PNG chunk: length, type, body, CRC. */
export function pngChunk(type: string, body: Uint8Array): Uint8Array {
  const typed = concat(Uint8Array.from([...type].map((ch) => ch.charCodeAt(0))), body);
  const out = new Uint8Array(12 + body.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, body.length);
  out.set(typed, 4);
  view.setUint32(8 + body.length, crc32(typed));
  return out;
}

/** `png` with an eXIf chunk carrying Orientation `o` inserted after IHDR (before the image data, as the spec asks). */
export function withPngOrientation(png: Uint8Array, o: number): Uint8Array {
  const ihdrEnd = 8 + 25;
  return concat(png.subarray(0, ihdrEnd), pngChunk('eXIf', exifTiff(o)), png.subarray(ihdrEnd));
}

/** A baseline JPEG of packed RGB pixels (jpeg-js). */
export function encodeJpeg(img: Pixels, quality = 95): Uint8Array {
  const rgba = new Uint8Array(img.width * img.height * 4);
  for (let i = 0, j = 0; i < img.data.length; i += 3, j += 4) rgba.set(img.data.subarray(i, i + 3), j);
  return jpeg.encode({ data: rgba, width: img.width, height: img.height }, quality).data;
}

/** The JPEG a camera writes for `upright` with Orientation `o`: pixels stored turned, and the tag. */
export function orientedJpeg(upright: Pixels, o: number, quality = 95): Uint8Array {
  return withJpegOrientation(encodeJpeg(storeWithOrientation(upright, o), quality), o);
}
