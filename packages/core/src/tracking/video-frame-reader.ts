import type { ImageInput, RgbImage } from '../image/image-types.js';
import { readImage } from '../pipeline/read-image.js';

/** Reads the pixels of a frame captured earlier; closes what it holds. */
export type DeferredRead = () => Promise<RgbImage>;

// Set once VideoFrame.copyTo has refused to convert to RGBX here (an older browser): canvas from then on.
let copyToRefused = false;

function isVideoElement(input: ImageInput): input is HTMLVideoElement {
  const ctor = (globalThis as { HTMLVideoElement?: new () => unknown }).HTMLVideoElement;
  return typeof ctor === 'function' && input instanceof ctor;
}

/**
 * Takes a playing video element's current frame now (a WebCodecs `VideoFrame`: no pixel copy yet), or holds a
 * `VideoFrame` the caller passed (a clone: the caller may close its own at once, e.g. in a worker fed frames
 * by the page), to read it later with `VideoFrame.copyTo({ format: 'RGBX' })`: the browser converts the camera's
 * YUV straight into our buffer, without drawing it on a canvas and reading it back (`getImageData`). Undefined
 * when the input is neither, the browser has no WebCodecs, or the frame is rotated or scaled for display; the
 * caller then reads the input through a canvas as for any other image.
 */
export function captureVideoFrame(input: ImageInput): DeferredRead | undefined {
  if (copyToRefused || typeof VideoFrame !== 'function') return undefined;
  const given = input instanceof VideoFrame;
  if (!given && !(isVideoElement(input) && input.readyState >= 2)) return undefined;
  let frame: VideoFrame;
  try {
    frame = given ? input.clone() : new VideoFrame(input);
  } catch {
    // A closed VideoFrame cannot be cloned: readImage names the problem.
    return undefined;
  }
  const rect = frame.visibleRect;
  const rotation = (frame as VideoFrame & { rotation?: number; flip?: boolean }).rotation ?? 0;
  const flip = (frame as VideoFrame & { flip?: boolean }).flip ?? false;
  if (!rect || rect.width !== frame.displayWidth || rect.height !== frame.displayHeight || rotation !== 0 || flip) {
    frame.close();
    return undefined;
  }
  return async () => {
    try {
      return await copyRgb(frame, rect.width, rect.height);
    } catch {
      // The browser cannot convert this frame: read the frame we hold through a canvas instead.
      copyToRefused = true;
      return readImage(frame);
    } finally {
      frame.close();
    }
  };
}

async function copyRgb(frame: VideoFrame, width: number, height: number): Promise<RgbImage> {
  const options = { format: 'RGBX', colorSpace: 'srgb' } as VideoFrameCopyToOptions;
  const rgbx = new Uint8Array(frame.allocationSize(options));
  const layout = await frame.copyTo(rgbx, options);
  const stride = layout[0]?.stride ?? width * 4;
  const offset = layout[0]?.offset ?? 0;
  const rgb = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    let s = offset + y * stride;
    let d = y * width * 3;
    for (let x = 0; x < width; x++, s += 4, d += 3) {
      rgb[d] = rgbx[s]!;
      rgb[d + 1] = rgbx[s + 1]!;
      rgb[d + 2] = rgbx[s + 2]!;
    }
  }
  return { data: rgb, width, height, channels: 3 };
}
