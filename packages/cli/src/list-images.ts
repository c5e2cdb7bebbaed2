import { readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';

const IMAGE_EXT = new Set(['.jpg', '.jpeg', '.png']);

/** Expands files and directories (recursively, sorted) into image paths; missing paths are returned as errors. */
export async function listImages(inputs: readonly string[]): Promise<{ files: string[]; errors: { path: string; message: string }[] }> {
  const files: string[] = [];
  const errors: { path: string; message: string }[] = [];
  const walk = async (p: string) => {
    const entries = (await readdir(p, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
    for (const e of entries) {
      const full = join(p, e.name);
      if (e.isDirectory()) await walk(full);
      else if (IMAGE_EXT.has(extname(e.name).toLowerCase())) files.push(full);
    }
  };
  for (const input of inputs) {
    try {
      const s = await stat(input);
      if (s.isDirectory()) await walk(input);
      else files.push(input);
    } catch (e) {
      errors.push({ path: input, message: (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : String(e) });
    }
  }
  return { files, errors };
}
