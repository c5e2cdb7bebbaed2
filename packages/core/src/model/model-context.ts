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

/**
 * The published asset packages core searches in Node, by the backend's artifact kind, in this order:
 * the default assets (MTCNN, the default encoder and heads, the Haar cascade), then the optional
 * encoders. Each holds `models/<name>/` with that kind's files only; found at run time, never imported.
 */
export const ASSET_PACKAGES: Readonly<Record<'onnx' | 'tfjs-graph', readonly string[]>> = {
  onnx: ['@faceattr/assets-onnx', '@faceattr/assets-extra-onnx'],
  'tfjs-graph': ['@faceattr/assets-tfjs', '@faceattr/assets-extra-tfjs'],
};

/** The packages to search for a backend reading `artifact`; every package (ONNX first) when it is not a backend's kind. */
function packagesFor(artifact: ArtifactKind | undefined): readonly string[] {
  return artifact === 'onnx' || artifact === 'tfjs-graph' ? ASSET_PACKAGES[artifact] : [...ASSET_PACKAGES.onnx, ...ASSET_PACKAGES['tfjs-graph']];
}

interface NodeFs {
  join(...parts: string[]): string;
  exists(path: string): Promise<boolean>;
  packageModels(pkg: string): string | undefined;
}

let nodeFs: Promise<NodeFs | undefined> | undefined;

/** Node's path, fs and package resolution (from this package, then from the working directory), or undefined outside Node. */
function loadNodeFs(): Promise<NodeFs | undefined> {
  nodeFs ??= (async () => {
    if (!isNodeRuntime()) return undefined;
    // Computed specifiers keep browser bundlers from trying to resolve node:module, node:path and node:fs.
    const [moduleName, pathName, fsName] = ['node:module', 'node:path', 'node:fs/promises'];
    const { createRequire } = (await import(/* @vite-ignore */ moduleName)) as typeof import('node:module');
    const { dirname, join } = (await import(/* @vite-ignore */ pathName)) as typeof import('node:path');
    const { stat } = (await import(/* @vite-ignore */ fsName)) as typeof import('node:fs/promises');
    const cwd = (globalThis as { process?: { cwd(): string } }).process?.cwd();
    const requires = [import.meta.url, cwd && join(cwd, 'package.json')].filter((f): f is string => !!f).map((f) => createRequire(f));
    return {
      join,
      exists: (path) => stat(path).then((s) => s.isFile(), () => false),
      packageModels(pkg) {
        for (const require of requires) {
          try {
            return join(dirname(require.resolve(`${pkg}/package.json`)), 'models');
          } catch {
            // Not resolvable from here; try the next place.
          }
        }
        return undefined;
      },
    };
  })();
  return nodeFs;
}

/**
 * The `models/` folders of the installed asset packages a backend reading `artifact` uses, in
 * search order ({@link ASSET_PACKAGES}); empty outside Node (browsers: serve a package's `models/`
 * folder and pass `modelBasePath`).
 */
export async function installedAssetFolders(artifact?: ArtifactKind): Promise<string[]> {
  const fs = await loadNodeFs();
  if (!fs) return [];
  return packagesFor(artifact).map((p) => fs.packageModels(p)).filter((d): d is string => d !== undefined);
}

/** The folder of the installed asset `name` (the first package in {@link ASSET_PACKAGES} order that holds it), or undefined. */
export async function findInstalledAsset(name: string, artifact?: ArtifactKind): Promise<string | undefined> {
  const fs = await loadNodeFs();
  if (!fs || !ASSET_NAME_RE.test(name) || name.includes('..')) return undefined;
  for (const models of await installedAssetFolders(artifact)) {
    const dir = fs.join(models, name);
    if (await fs.exists(fs.join(dir, 'manifest.json'))) return dir;
  }
  return undefined;
}

/**
 * Where to load the asset `name` from, in the documented order: `models[name]`, then
 * `<modelBasePath>/<name>`, then the installed asset packages for the backend's artifact kind
 * ({@link ASSET_PACKAGES}). Fails with MODEL_LOAD_FAILED saying what to install or pass when none applies.
 */
export async function resolveModelSource(name: string, locations: ModelLocations = {}, artifact?: ArtifactKind): Promise<ModelSource> {
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
  const dir = await findInstalledAsset(name, artifact);
  if (dir !== undefined) return dir;
  const packages = packagesFor(artifact);
  const [defaults, extras] = [packages.filter((p) => !p.includes('-extra-')), packages.filter((p) => p.includes('-extra-'))];
  const which = `${defaults.join(' or ')} (the default assets) or ${extras.join(' or ')} (the optional encoders)`;
  throw new FaceAttrError(
    'MODEL_LOAD_FAILED',
    isNodeRuntime()
      ? `No source for model "${name}": no installed asset package holds it. Install the one for your backend, ${which}, or pass modelBasePath or models["${name}"] to createPipeline().`
      : `No source for model "${name}": in a browser, serve the models/ folder of ${which} and pass its URL as modelBasePath (or pass models["${name}"]) to createPipeline().`,
    { details: { model: name, searched: [...packages] } },
  );
}

/** What a pipeline gives its plugins: named assets resolved by {@link resolveModelSource}, verified, and loaded on `backend`. */
export function createModelContext(backend: InferenceBackend, locations: ModelLocations = {}): PluginContext {
  const load = { timeoutMs: locations.timeoutMs, signal: locations.signal };
  const loadAsset = async (name: string, artifact: ArtifactKind): Promise<LoadedModelAsset> => loadModelAsset(await resolveModelSource(name, locations, backend.artifact), artifact, load);
  return {
    backend,
    loadAsset,
    loadModel: async (name: string): Promise<ModelHandle> => backend.loadModel(await loadAsset(name, backend.artifact)),
  };
}
