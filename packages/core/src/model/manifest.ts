import { FaceAttrError } from '../errors.js';

/**
 * The on-disk kinds of artifact: `tfjs-graph` and `onnx` are loaded by backends;
 * `data` is backend-independent data a plugin reads itself (a Haar cascade, label lists).
 */
export type ArtifactKind = 'tfjs-graph' | 'onnx' | 'data';

export interface TensorSpec {
  name: string;
  /** `null` marks a dimension fixed only at run time (batch, or a free image size). */
  shape: readonly (number | null)[];
  dtype: 'float32' | 'int32';
  /** How pixels map to input values, for image inputs. */
  normalization?: {
    mean: number | readonly [number, number, number];
    std: number | readonly [number, number, number];
    channelOrder: 'RGB' | 'BGR';
    layout: 'NHWC' | 'NWHC' | 'NCHW';
  };
  description?: string;
}

export interface ManifestFile {
  /** Path relative to the manifest. */
  path: string;
  bytes: number;
  sha256: string;
}

export interface ArtifactEntry {
  /** The file the runtime opens (model.json, model.onnx). */
  entry: string;
  /** Every file this artifact reads, the entry included. */
  files: readonly string[];
}

/** `manifest.json` of a faceattr model asset. */
export interface ModelManifest {
  format: 'faceattr-model/1';
  name: string;
  version: string;
  description?: string;
  inputs: readonly TensorSpec[];
  outputs: readonly TensorSpec[];
  artifacts: Partial<Record<ArtifactKind, ArtifactEntry>>;
  files: readonly ManifestFile[];
  license: string;
  source: { package?: string; version?: string; path?: string; sha256?: Record<string, string>; notes?: string };
  /** Free-form model-specific settings (templates, label lists, anchors). */
  extra?: Record<string, unknown>;
}

const SHA256_RE = /^[0-9a-f]{64}$/;

/** Checks a parsed manifest's shape; throws MODEL_LOAD_FAILED naming what is wrong. */
export function validateManifest(m: unknown, where: string): ModelManifest {
  const fail = (what: string): never => {
    throw new FaceAttrError('MODEL_LOAD_FAILED', `Model manifest ${where} is invalid: ${what}.`, { details: { where } });
  };
  if (typeof m !== 'object' || m === null) return fail('not a JSON object');
  const o = m as Record<string, unknown>;
  if (o['format'] !== 'faceattr-model/1') fail(`"format" must be "faceattr-model/1", got ${JSON.stringify(o['format'])}`);
  if (typeof o['name'] !== 'string' || !o['name']) fail('"name" is missing');
  if (typeof o['version'] !== 'string') fail('"version" is missing');
  if (!Array.isArray(o['inputs']) || !Array.isArray(o['outputs'])) fail('"inputs" and "outputs" must be arrays');
  if (!Array.isArray(o['files'])) fail('"files" must be an array');
  const files = new Set<string>();
  for (const f of o['files'] as unknown[]) {
    const e = f as Record<string, unknown>;
    if (typeof e?.['path'] !== 'string' || e['path'].includes('..') || e['path'].startsWith('/')) fail(`file entry ${JSON.stringify(f)} has a bad "path"`);
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
