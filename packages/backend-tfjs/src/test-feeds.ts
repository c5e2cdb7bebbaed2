import { join } from 'node:path';
import { cropResizeToTensor, type TensorData } from '@faceattr/core';
import { decodeImage } from '@faceattr/core/node';

export const REPO_ROOT = join(import.meta.dirname, '..', '..', '..');
export const BLAZEFACE = join(REPO_ROOT, 'packages', 'models', 'assets', 'blazeface-back');

/** A real photo (face-api demo sample 1) resized to BlazeFace's 256x256 input, x/127.5 - 1. */
export async function blazefaceFeeds(): Promise<Record<string, TensorData>> {
  const img = await decodeImage(join(REPO_ROOT, 'node_modules', '@vladmandic', 'face-api', 'demo', 'sample1.jpg'));
  const side = Math.min(img.width, img.height);
  const box = { x: (img.width - side) / 2, y: (img.height - side) / 2, width: side, height: side };
  const data = cropResizeToTensor(img, box, 256, 256, { mean: 127.5, std: 127.5 });
  return { input: { data, shape: [1, 256, 256, 3] } };
}
