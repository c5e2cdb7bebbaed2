/** The six group photos shipped with @vladmandic/face-api (a devDependency). Test/bench only. */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { RgbImage } from '@faceattr/core';
import { decodeImage } from '@faceattr/core/node';

const require = createRequire(import.meta.url);
export const DEMO_DIR = join(dirname(require.resolve('@vladmandic/face-api/package.json')), 'demo');
export const DEMO_FILES = ['sample1.jpg', 'sample2.jpg', 'sample3.jpg', 'sample4.jpg', 'sample5.jpg', 'sample6.jpg'];

export function loadDemo(file: string): Promise<RgbImage> {
  return decodeImage(join(DEMO_DIR, file));
}
