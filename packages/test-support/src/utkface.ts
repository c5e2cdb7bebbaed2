import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SHARED_DIR } from './paths.js';

/** UTKFace (train/val chips + labels.csv), at ../shared/datasets/utkface from the repository root. */
export const UTKFACE_DIR = join(SHARED_DIR, 'datasets', 'utkface');

/** Whether UTKFace is present; tests that need it skip with a message naming {@link UTKFACE_DIR} when not. */
export function hasUtkface(dir = UTKFACE_DIR): boolean {
  return existsSync(join(dir, 'labels.csv')) && existsSync(join(dir, 'images'));
}

export interface UtkfaceRow {
  file: string;
  age: number;
  /** 0 male, 1 female. */
  gender: number;
  /** 0 White, 1 Black, 2 Asian, 3 Indian, 4 Others. */
  race: number;
}

/** UTKFace rows of one split, in labels.csv order (columns file,age,gender,race,split). */
export function utkfaceRows(split: 'train' | 'val', dir = UTKFACE_DIR): UtkfaceRow[] {
  return readFileSync(join(dir, 'labels.csv'), 'utf8')
    .trim()
    .split(/\r?\n/)
    .slice(1)
    .map((l) => l.trim().split(','))
    .filter((r) => r[4] === split)
    .map((r) => ({ file: r[0]!, age: Number(r[1]), gender: Number(r[2]), race: Number(r[3]) }));
}
