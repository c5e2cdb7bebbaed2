/** This package's test inputs: the BlazeFace asset and a real photo for it. */
import { join } from 'node:path';
import { cropResizeToTensor, type TensorData } from '@faceattr/core';
import { decodeImage } from '@faceattr/core/node';
import { assetsDir, demoPhoto } from '@faceattr/test-support';

export const BLAZEFACE = join(assetsDir(), 'blazeface-back');

/** A real photo (face-api demo sample 1) resized to BlazeFace's 256x256 input, x/127.5 - 1. */
export async function blazefaceFeeds(): Promise<Record<string, TensorData>> {
  const img = await decodeImage(demoPhoto(1));
  const side = Math.min(img.width, img.height);
  const box = { x: (img.width - side) / 2, y: (img.height - side) / 2, width: side, height: side };
  const data = cropResizeToTensor(img, box, 256, 256, { mean: 127.5, std: 127.5 });
  return { input: { data, shape: [1, 256, 256, 3] } };
}
