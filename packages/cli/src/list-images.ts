import { readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';

const IMAGE_EXT = new Set(['.jpg', '.jpeg', '.png']);
/** Extensions `analyze` decodes with ffmpeg as video (any other file is read as an image). */
export const VIDEO_EXT: ReadonlySet<string> = new Set([
  '.mp4', '.m4v', '.mov', '.webm', '.mkv', '.avi', '.y4m', '.mpg', '.mpeg', '.ts', '.mts', '.m2ts', '.wmv', '.flv', '.3gp', '.ogv', '.gif',
]);

/** True when `path`'s extension marks a video (case-insensitive). */
export function isVideoFile(path: string): boolean {
  return VIDEO_EXT.has(extname(path).toLowerCase());
}

/**
 * Expands files and directories (recursively, sorted) into image and video paths; missing paths are
 * returned as errors. Files named explicitly are kept whatever their extension.
 */
export async function listImages(
  inputs: readonly string[],
): Promise<{ files: string[]; errors: { path: string; message: string }[]; ordered: string[] }> {
  const files: string[] = [];
  const errors: { path: string; message: string }[] = [];
  const ordered: string[] = []; // files and missing paths, in the order given
  const walk = async (p: string) => {
    const entries = (await readdir(p, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
    for (const e of entries) {
      const full = join(p, e.name);
      const ext = extname(e.name).toLowerCase();
      if (e.isDirectory()) await walk(full);
      else if (IMAGE_EXT.has(ext) || VIDEO_EXT.has(ext)) {
        files.push(full);
        ordered.push(full);
      }
    }
  };
  for (const input of inputs) {
    try {
      const s = await stat(input);
      if (s.isDirectory()) await walk(input);
      else {
        files.push(input);
        ordered.push(input);
      }
    } catch (e) {
      ordered.push(input);
      errors.push({ path: input, message: (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : String(e) });
    }
  }
  return { files, errors, ordered };
}
