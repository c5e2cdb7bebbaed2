import { FaceAttrError, describeError } from '../errors.js';
import { validateManifest, type ArtifactKind, type ModelManifest } from './manifest.js';
import { joinLocation, locateInFolder, manifestFolder, readResource, type ReadLimits } from './read-resource.js';
import { sha256Hex } from './sha256.js';

/** A model asset already in memory: the manifest and each file's bytes by manifest path. */
export interface InMemoryModel {
/** The parsed `manifest.json` (checked when loaded). */
  manifest: ModelManifest | Record<string, unknown>;
/** The files the manifest lists, by their relative path. */
  files: Record<string, Uint8Array>;
}

/**
 * Where a model asset lives: a directory (holding manifest.json) or the manifest's own
 * path/URL, as a string or URL, or the asset in memory.
 */
export type ModelSource = string | URL | InMemoryModel;

/** A verified asset: every file of the chosen artifact, checked against the manifest. */
export interface LoadedModelAsset {
/** The validated manifest. */
  manifest: ModelManifest;
/** Which artifact's files were loaded. */
  artifact: ArtifactKind;
  /** Where it came from, for messages. */
  location: string;
/** That artifact's files by relative path, each checked against its size and sha256. */
  files: ReadonlyMap<string, Uint8Array>;
}

function manifestLocation(source: string): string {
  return /\.json$/i.test(source) ? source : joinLocation(source, 'manifest.json');
}

async function verify(manifest: ModelManifest, path: string, bytes: Uint8Array, where: string): Promise<void> {
  const entry = manifest.files.find((f) => f.path === path)!;
  if (bytes.length !== entry.bytes) {
    throw new FaceAttrError(
      'MODEL_LOAD_FAILED',
      `Model "${manifest.name}" file ${path} (${where}) has ${bytes.length} bytes, the manifest says ${entry.bytes}. The file is truncated or from another version: reinstall its @faceattr/assets-* package or rebuild the asset.`,
      { details: { file: path, expectedBytes: entry.bytes, actualBytes: bytes.length } },
    );
  }
  const digest = await sha256Hex(bytes);
  if (digest !== entry.sha256) {
    throw new FaceAttrError(
      'MODEL_LOAD_FAILED',
      `Model "${manifest.name}" file ${path} (${where}) fails its sha256 check (got ${digest}, manifest says ${entry.sha256}). The file is corrupt or was replaced: reinstall its @faceattr/assets-* package or rebuild the asset.`,
      { details: { file: path, expectedSha256: entry.sha256, actualSha256: digest } },
    );
  }
}

/** A manifest is a few KB; anything near this is not one. */
export const MAX_MANIFEST_BYTES = 1 << 20;

/** How long loading may take and what stops it; see PipelineOptions.modelTimeoutMs and signal. */
export interface LoadOptions {
  /** http(s): per file (manifest included), in ms. Default 60000; Infinity: no limit. */
  timeoutMs?: number | undefined;
  /** Aborts loading: the load rejects with MODEL_LOAD_FAILED, `details.reason: 'aborted'`. */
  signal?: AbortSignal | undefined;
}

/**
 * Loads a model asset's manifest and the files of one artifact kind, verifying each file's size and
 * sha256. Every file must lie inside the manifest's folder (same origin and path prefix over http), be a
 * regular file, and is read up to its declared size only. Fails with MODEL_LOAD_FAILED naming the file.
 */
export async function loadModelAsset(source: ModelSource, artifact: ArtifactKind, options: LoadOptions = {}): Promise<LoadedModelAsset> {
  if (typeof source === 'object' && !(source instanceof URL)) {
    if (!source || typeof source.files !== 'object' || source.files === null) {
      throw new FaceAttrError('MODEL_LOAD_FAILED', 'An in-memory model needs {manifest, files}.');
    }
    const manifest = validateManifest(source.manifest, '(in memory)');
    const art = requireArtifact(manifest, artifact, '(in memory)');
    const files = new Map<string, Uint8Array>();
    for (const path of art.files) {
      const bytes = Object.hasOwn(source.files, path) ? source.files[path] : undefined;
      if (!(bytes instanceof Uint8Array)) {
        throw new FaceAttrError('MODEL_LOAD_FAILED', `Model "${manifest.name}" is missing file ${path} in the in-memory files.`, { details: { file: path } });
      }
      await verify(manifest, path, bytes, 'in memory');
      files.set(path, bytes);
    }
    return { manifest, artifact, location: '(in memory)', files };
  }
  const loc = manifestLocation(source instanceof URL ? source.toString() : source);
  // One failed file stops the others' reads.
  const stop = new AbortController();
  const onAbort = () => stop.abort(options.signal?.reason);
  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.signal?.aborted) onAbort();
  const limits: ReadLimits = { timeoutMs: options.timeoutMs, signal: stop.signal };
  try {
    const raw = await readResource(loc, { ...limits, maxBytes: MAX_MANIFEST_BYTES, limitName: 'a manifest may have' });
    let parsed: unknown;
    try {
      parsed = JSON.parse(new TextDecoder().decode(raw));
    } catch (e) {
      throw new FaceAttrError('MODEL_LOAD_FAILED', `Model manifest ${loc} is not valid JSON: ${describeError(e)}`, { cause: e, details: { file: loc } });
    }
    const manifest = validateManifest(parsed, loc);
    const art = requireArtifact(manifest, artifact, loc);
    const folder = await manifestFolder(loc);
    const files = new Map<string, Uint8Array>();
    await Promise.all(
      art.files.map(async (path) => {
        const { location, limits: where } = await locateInFolder(folder, path);
        const declared = manifest.files.find((f) => f.path === path)!.bytes;
        const bytes = await readResource(location, { ...limits, ...where, maxBytes: declared });
        await verify(manifest, path, bytes, location);
        files.set(path, bytes);
      }),
    ).catch((e: unknown) => {
      stop.abort();
      throw e;
    });
    return { manifest, artifact, location: loc, files };
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
  }
}

function requireArtifact(manifest: ModelManifest, artifact: ArtifactKind, where: string) {
  const art = manifest.artifacts[artifact];
  if (!art) {
    const have = Object.keys(manifest.artifacts).join(', ') || 'none';
    throw new FaceAttrError(
      'MODEL_LOAD_FAILED',
      `Model "${manifest.name}" (${where}) has no ${artifact} artifact (it has: ${have}). Use a backend that loads ${have}, or rebuild the asset with ${artifact}.`,
      { details: { artifact } },
    );
  }
  return art;
}
