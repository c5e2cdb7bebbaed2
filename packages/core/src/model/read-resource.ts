import { FaceAttrError, describeError } from '../errors.js';

const SCHEME_RE = /^[a-z][a-z0-9+.-]*:\/\//i;

/** True when running under Node (or a Node-compatible runtime with a file system). */
export function isNodeRuntime(): boolean {
  const p = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof p?.versions?.node === 'string';
}

/** Joins a base location (directory path or URL) and a relative path. */
export function joinLocation(base: string, rel: string): string {
  if (SCHEME_RE.test(base)) return new URL(rel, base.endsWith('/') ? base : `${base}/`).toString();
  return `${base.replace(/[\\/]+$/, '')}/${rel}`;
}

/** The directory part of a location. */
export function dirnameLocation(loc: string): string {
  const i = Math.max(loc.lastIndexOf('/'), loc.lastIndexOf('\\'));
  return i < 0 ? '.' : loc.slice(0, i) || '/';
}

/**
 * Reads bytes from where the caller pointed: a file path or file: URL (Node), or an
 * http(s)/blob/data URL (fetch). Nothing else is contacted.
 */
export async function readResource(location: string): Promise<Uint8Array> {
  const isFileUrl = location.startsWith('file:');
  if (isNodeRuntime() && (isFileUrl || !SCHEME_RE.test(location))) {
    // A computed specifier keeps browser bundlers from trying to resolve node:fs.
    const fsModule = 'node:fs/promises';
    const urlModule = 'node:url';
    const { readFile } = (await import(/* @vite-ignore */ fsModule)) as typeof import('node:fs/promises');
    const path = isFileUrl ? ((await import(/* @vite-ignore */ urlModule)) as typeof import('node:url')).fileURLToPath(location) : location;
    try {
      const buf = await readFile(path);
      return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
    } catch (e) {
      const code = (e as { code?: string }).code;
      const why = code === 'ENOENT' ? 'file not found' : describeError(e);
      throw new FaceAttrError('MODEL_LOAD_FAILED', `Cannot read ${path}: ${why}.`, { cause: e, details: { file: path } });
    }
  }
  if (typeof fetch !== 'function') {
    throw new FaceAttrError('MODEL_LOAD_FAILED', `Cannot load ${location}: this runtime has no fetch(). Pass the model bytes instead.`);
  }
  let res: Response;
  try {
    res = await fetch(location);
  } catch (e) {
    throw new FaceAttrError('MODEL_LOAD_FAILED', `Cannot fetch ${location}: ${describeError(e)}. Check modelBasePath and that the files are served.`, { cause: e, details: { file: location } });
  }
  if (!res.ok) {
    throw new FaceAttrError('MODEL_LOAD_FAILED', `Cannot fetch ${location}: HTTP ${res.status}. Check modelBasePath and that the files are served.`, { details: { file: location, status: res.status } });
  }
  return new Uint8Array(await res.arrayBuffer());
}
