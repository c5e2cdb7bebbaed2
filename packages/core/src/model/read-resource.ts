import { FaceAttrError, describeError } from '../errors.js';

const SCHEME_RE = /^[a-z][a-z0-9+.-]*:\/\//i;

/** How long one model file (manifest included) may take to arrive over http(s) by default: generous for a slow link, finite for a server that never answers. */
export const DEFAULT_MODEL_TIMEOUT_MS = 60_000;

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

/** Limits on one read. */
export interface ReadLimits {
  /** More bytes than this are refused without being read (the manifest's declared size, for a model file). */
  maxBytes?: number;
  /** http(s): the whole response must arrive within this many ms. Default {@link DEFAULT_MODEL_TIMEOUT_MS}. */
  timeoutMs?: number;
  /** Aborts the read (MODEL_LOAD_FAILED, `details.reason: 'aborted'`). */
  signal?: AbortSignal | undefined;
  /** Node files: the directory the file's real path (symlinks followed) must lie in. */
  within?: string;
  /** What `maxBytes` is, for the message: "its manifest declares" by default. */
  limitName?: string;
}

function loadError(message: string, file: string, extra: Record<string, unknown> = {}, cause?: unknown): FaceAttrError {
  return new FaceAttrError('MODEL_LOAD_FAILED', message, { cause, details: { file, ...extra } });
}

/** The error for an aborted read, or undefined while `signal` has not fired. */
function abortError(signal: AbortSignal | undefined, where: string): FaceAttrError | undefined {
  if (!signal?.aborted) return undefined;
  return loadError(`Loading ${where} was aborted (${describeError(signal.reason)}).`, where, { reason: 'aborted' }, signal.reason);
}

function tooLarge(where: string, limits: ReadLimits, got: string): FaceAttrError {
  return loadError(
    `${where} has ${got} bytes, more than the ${limits.maxBytes} ${limits.limitName ?? 'its manifest declares'}; it was not read further. The file is from another version or was replaced: reinstall its @faceattr/assets-* package or rebuild the asset.`,
    where,
    { expectedBytes: limits.maxBytes, reason: 'too-large' },
  );
}

/** A Node file path when `location` is one (a path, or a file: URL), else undefined. */
export async function nodeFilePath(location: string): Promise<string | undefined> {
  if (!isNodeRuntime() || (SCHEME_RE.test(location) && !location.startsWith('file:'))) return undefined;
  if (!location.startsWith('file:')) return location;
  const urlModule = 'node:url';
  const { fileURLToPath } = (await import(/* @vite-ignore */ urlModule)) as typeof import('node:url');
  try {
    return fileURLToPath(location);
  } catch (e) {
    throw loadError(`Cannot read ${location}: ${describeError(e)}.`, location, {}, e);
  }
}

async function nodeFs(): Promise<typeof import('node:fs/promises')> {
  // A computed specifier keeps browser bundlers from trying to resolve node:fs.
  const fsModule = 'node:fs/promises';
  return (await import(/* @vite-ignore */ fsModule)) as typeof import('node:fs/promises');
}

async function nodePath(): Promise<typeof import('node:path')> {
  const pathModule = 'node:path';
  return (await import(/* @vite-ignore */ pathModule)) as typeof import('node:path');
}

/** True when `path` lies below the directory `dir` (both absolute). */
async function isInside(dir: string, path: string): Promise<boolean> {
  const { relative, isAbsolute, sep } = await nodePath();
  const rel = relative(dir, path);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}

/** A manifest's folder: where every file it names must be. */
export type ModelFolder = { kind: 'file'; dir: string; real: string } | { kind: 'url'; dir: URL };

/** The folder of the manifest at `manifestLocation` (a path or file: URL in Node, else an http(s) URL, relative ones against the page). */
export async function manifestFolder(manifestLocation: string): Promise<ModelFolder> {
  const path = await nodeFilePath(manifestLocation);
  if (path !== undefined) {
    const { dirname, resolve } = await nodePath();
    const dir = resolve(dirname(path));
    try {
      return { kind: 'file', dir, real: await (await nodeFs()).realpath(dir) };
    } catch (e) {
      throw loadError(`Cannot read the model folder ${dir}: ${describeError(e)}.`, dir, {}, e);
    }
  }
  let url: URL | undefined;
  try {
    url = new URL(manifestLocation, (globalThis as { location?: { href?: string } }).location?.href);
  } catch {
    // Reported below with what to pass instead.
  }
  if (url?.protocol !== 'http:' && url?.protocol !== 'https:') {
    throw loadError(
      `Cannot load a model from ${manifestLocation}: pass a directory or manifest path or a file: URL (Node), an http(s) URL, or { manifest, files }.`,
      manifestLocation,
    );
  }
  return { kind: 'url', dir: new URL('.', url) };
}

/**
 * Where the manifest path `file` is in `folder`, refusing any result outside it (another directory,
 * origin or path prefix). validateManifest already refuses such paths; this re-checks the joined result.
 */
export async function locateInFolder(folder: ModelFolder, file: string): Promise<{ location: string; limits: Pick<ReadLimits, 'within'> }> {
  const outside = (where: string) =>
    loadError(`Model file "${file}" resolves to ${where}, outside the model's folder; a manifest names files inside its own folder.`, file, { reason: 'outside' });
  if (folder.kind === 'file') {
    const full = (await nodePath()).join(folder.dir, file);
    if (!(await isInside(folder.dir, full))) throw outside(full);
    return { location: full, limits: { within: folder.real } };
  }
  // Each segment is encoded, so nothing in a name (%2e%2e, ?, #) is read as URL syntax.
  const url = new URL(file.split('/').map(encodeURIComponent).join('/'), folder.dir);
  if (url.origin !== folder.dir.origin || !url.pathname.startsWith(folder.dir.pathname) || url.search || url.hash) throw outside(url.toString());
  return { location: url.toString(), limits: {} };
}

/**
 * Reads a regular file, at most `maxBytes`. Symlinks are followed only to a regular file whose real path
 * is inside `within`; FIFOs, devices and directories are refused from their fstat, before any read.
 */
async function readNodeFile(path: string, limits: ReadLimits): Promise<Uint8Array> {
  const fs = await nodeFs();
  const maxBytes = limits.maxBytes ?? Number.MAX_SAFE_INTEGER;
  const fail = (e: unknown): never => {
    const code = (e as { code?: string }).code;
    throw loadError(`Cannot read ${path}: ${code === 'ENOENT' ? 'file not found' : describeError(e)}.`, path, {}, e);
  };
  let real = path;
  if (limits.within !== undefined) {
    real = await fs.realpath(path).catch(fail);
    if (!(await isInside(limits.within, real))) {
      throw loadError(`Cannot read ${path}: it is a link to ${real}, outside the model's folder ${limits.within}. Copy the file into the folder instead.`, path, { reason: 'outside' });
    }
  }
  // O_NONBLOCK: opening a FIFO must not wait for a writer; on a regular file it changes nothing.
  // O_NOFOLLOW on the resolved path: a link swapped in after realpath() is refused, not followed.
  const flags = fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0) | (limits.within !== undefined ? (fs.constants.O_NOFOLLOW ?? 0) : 0);
  const handle = await fs.open(real, flags).catch(fail);
  try {
    const st = await handle.stat();
    if (!st.isFile()) throw loadError(`Cannot read ${path}: it is not a regular file (a directory, FIFO, socket or device).`, path, { reason: 'not-a-file' });
    if (st.size > maxBytes) throw tooLarge(path, limits, String(st.size));
    // One byte more than the size seen, to notice a file that grows while it is read.
    const buf = new Uint8Array(st.size + 1);
    let got = 0;
    for (;;) {
      const aborted = abortError(limits.signal, path);
      if (aborted) throw aborted;
      const { bytesRead } = await handle.read(buf, got, buf.length - got, got).catch(fail);
      if (bytesRead === 0) break;
      got += bytesRead;
      if (got > st.size) throw tooLarge(path, limits, `more than ${st.size}`);
    }
    return buf.subarray(0, got);
  } finally {
    await handle.close();
  }
}

/** Fetches `url` under a timeout and the caller's signal, refusing a body over `maxBytes` as soon as it shows. */
async function fetchBounded(url: string, limits: ReadLimits): Promise<Uint8Array> {
  if (typeof fetch !== 'function') {
    throw loadError(`Cannot load ${url}: this runtime has no fetch(). Pass the model bytes instead.`, url);
  }
  const maxBytes = limits.maxBytes ?? Number.MAX_SAFE_INTEGER;
  const timeoutMs = limits.timeoutMs ?? DEFAULT_MODEL_TIMEOUT_MS;
  const ctl = new AbortController();
  let timedOut = false;
  const timer = Number.isFinite(timeoutMs)
    ? setTimeout(() => {
        timedOut = true;
        ctl.abort();
      }, timeoutMs)
    : undefined;
  const onAbort = () => ctl.abort();
  limits.signal?.addEventListener('abort', onAbort, { once: true });
  if (limits.signal?.aborted) ctl.abort();
  try {
    const res = await fetch(url, { signal: ctl.signal });
    if (!res.ok) {
      await res.body?.cancel().catch(() => {});
      throw loadError(`Cannot fetch ${url}: HTTP ${res.status}. Check modelBasePath and that the files are served.`, url, { status: res.status });
    }
    const declared = Number(res.headers.get('content-length') ?? Number.NaN);
    if (declared > maxBytes) {
      await res.body?.cancel().catch(() => {});
      throw tooLarge(url, limits, String(declared));
    }
    if (!res.body) return new Uint8Array(await res.arrayBuffer());
    const reader = res.body.getReader();
    const chunks: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.length;
      if (total > maxBytes) {
        await reader.cancel().catch(() => {});
        throw tooLarge(url, limits, `more than ${maxBytes}`);
      }
      chunks.push(value);
    }
    const out = new Uint8Array(total);
    let at = 0;
    for (const c of chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  } catch (e) {
    if (timedOut) {
      throw loadError(
        `Loading ${url} took longer than ${timeoutMs} ms (modelTimeoutMs). Check that the server answers, or raise modelTimeoutMs in createPipeline().`,
        url,
        { reason: 'timeout', timeoutMs },
        e,
      );
    }
    const aborted = abortError(limits.signal, url);
    if (aborted) throw aborted;
    if (e instanceof FaceAttrError) throw e;
    throw loadError(`Cannot fetch ${url}: ${describeError(e)}. Check modelBasePath and that the files are served.`, url, {}, e);
  } finally {
    clearTimeout(timer);
    limits.signal?.removeEventListener('abort', onAbort);
  }
}

/**
 * Reads bytes from where the caller pointed: a file path or file: URL (Node), or an http(s) URL
 * (fetch), within `limits`. Nothing else is contacted.
 */
export async function readResource(location: string, limits: ReadLimits = {}): Promise<Uint8Array> {
  const aborted = abortError(limits.signal, location);
  if (aborted) throw aborted;
  const path = await nodeFilePath(location);
  if (path !== undefined) return readNodeFile(path, limits);
  return fetchBounded(location, limits);
}
