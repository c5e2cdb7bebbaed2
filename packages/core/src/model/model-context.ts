import { FaceAttrError } from '../errors.js';
import type { InferenceBackend, ModelHandle, PluginContext } from '../plugins.js';
import type { ArtifactKind } from './manifest.js';
import { loadModelAsset, type LoadedModelAsset, type ModelSource } from './load-asset.js';
import { isNodeRuntime, joinLocation } from './read-resource.js';

/** Where a pipeline's plugins get their model assets, by asset name. */
export interface ModelLocations {
  /** Per-model sources by asset name; win over `modelBasePath`. */
  models?: Record<string, ModelSource> | undefined;
  /** Directory or URL holding one folder per model (`<base>/<model-name>/manifest.json`). */
  modelBasePath?: string | URL | undefined;
  /** http(s): the longest one file may take, in ms (createPipeline's `modelTimeoutMs`). */
  timeoutMs?: number | undefined;
  /** Stops loading (createPipeline's `signal`). */
  signal?: AbortSignal | undefined;
}

/** An asset name is one folder name: it cannot climb out of modelBasePath or the installed package. */
const ASSET_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** The package whose `models/` folder holds the built assets; found at run time, never imported. */
const ASSETS_PACKAGE = '@faceattr/assets';

let installed: Promise<string | undefined> | undefined;

/**
 * The `models/` folder of the installed @faceattr/assets package, or undefined where there is none
 * (browsers: their bundles do not carry the weights; serve the folder and pass `modelBasePath`).
 * Resolved from this package and then from the working directory, as Node resolves packages.
 */
export function installedAssets(): Promise<string | undefined> {
  installed ??= (async () => {
    if (!isNodeRuntime()) return undefined;
    // Computed specifiers keep browser bundlers from trying to resolve node:module and node:path.
    const moduleName = 'node:module';
    const pathName = 'node:path';
    const { createRequire } = (await import(/* @vite-ignore */ moduleName)) as typeof import('node:module');
    const { dirname, join } = (await import(/* @vite-ignore */ pathName)) as typeof import('node:path');
    const cwd = (globalThis as { process?: { cwd(): string } }).process?.cwd();
    for (const from of [import.meta.url, cwd && join(cwd, 'package.json')]) {
      if (!from) continue;
      try {
        return join(dirname(createRequire(from).resolve(`${ASSETS_PACKAGE}/package.json`)), 'models');
      } catch {
        // Not resolvable from here; try the next place.
      }
    }
    return undefined;
  })();
  return installed;
}

/**
 * Where to load the asset `name` from, in the documented order: `models[name]`, then
 * `<modelBasePath>/<name>`, then the installed @faceattr/assets package. Fails with
 * MODEL_LOAD_FAILED saying what to pass when none applies.
 */
export async function resolveModelSource(name: string, locations: ModelLocations = {}): Promise<ModelSource> {
  const explicit = locations.models && Object.hasOwn(locations.models, name) ? locations.models[name] : undefined;
  if (explicit !== undefined) return explicit;
  if (!ASSET_NAME_RE.test(name) || name.includes('..')) {
    throw new FaceAttrError('MODEL_LOAD_FAILED', `Model name ${JSON.stringify(name)} is not a plain asset name (letters, digits, ".", "_", "-"); pass its source as models[name] instead.`, {
      details: { model: name },
    });
  }
  if (locations.modelBasePath !== undefined) {
    const base = locations.modelBasePath instanceof URL ? locations.modelBasePath.toString() : locations.modelBasePath;
    return joinLocation(base, name);
  }
  const dir = await installedAssets();
  if (dir !== undefined) return joinLocation(dir, name);
  throw new FaceAttrError(
    'MODEL_LOAD_FAILED',
    isNodeRuntime()
      ? `No source for model "${name}": install ${ASSETS_PACKAGE} (npm install ${ASSETS_PACKAGE}), or pass modelBasePath or models["${name}"] to createPipeline().`
      : `No source for model "${name}": in a browser, serve the models/ folder of ${ASSETS_PACKAGE} and pass its URL as modelBasePath (or pass models["${name}"]) to createPipeline().`,
    { details: { model: name } },
  );
}

/** What a pipeline gives its plugins: named assets resolved by {@link resolveModelSource}, verified, and loaded on `backend`. */
export function createModelContext(backend: InferenceBackend, locations: ModelLocations = {}): PluginContext {
  const load = { timeoutMs: locations.timeoutMs, signal: locations.signal };
  const loadAsset = async (name: string, artifact: ArtifactKind): Promise<LoadedModelAsset> => loadModelAsset(await resolveModelSource(name, locations), artifact, load);
  return {
    backend,
    loadAsset,
    loadModel: async (name: string): Promise<ModelHandle> => backend.loadModel(await loadAsset(name, backend.artifact)),
  };
}
