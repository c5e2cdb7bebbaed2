import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ModelManifest } from '@faceattr/core';
import { addArtifactToAsset } from '../build/write-asset.js';
import { convertTfjsGraph, type ConvertedOnnx } from './tfjs-to-onnx.js';
import type { TfjsModelJson } from './tfjs-graph.js';

/** Reads a tfjs graph model.json and its weight files (concatenated in manifest order). */
export function readTfjsGraph(modelJsonPath: string): { json: TfjsModelJson; weights: Uint8Array } {
  const json = JSON.parse(readFileSync(modelJsonPath, 'utf8')) as TfjsModelJson;
  const dir = join(modelJsonPath, '..');
  const chunks = (json.weightsManifest ?? []).flatMap((g) => g.paths.map((p) => readFileSync(join(dir, p))));
  const weights = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let off = 0;
  for (const c of chunks) {
    weights.set(c, off);
    off += c.length;
  }
  return { json, weights };
}

/**
 * Converts the tfjs-graph artifact of the asset in `dir` to `model.onnx` and records it as the
 * asset's `onnx` artifact. Returns undefined for assets without a tfjs graph (data-only assets).
 */
export function addOnnxArtifact(dir: string): { manifest: ModelManifest; converted: ConvertedOnnx } | undefined {
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as ModelManifest;
  const graph = manifest.artifacts['tfjs-graph'];
  if (!graph) return undefined;
  const { json, weights } = readTfjsGraph(join(dir, graph.entry));
  const converted = convertAssetGraph(manifest, json, weights);
  return { manifest: addArtifactToAsset(dir, 'onnx', 'model.onnx', { 'model.onnx': converted.bytes }), converted };
}

/**
 * Converts an asset's tfjs graph to ONNX (`exactFloat16`: see ConvertOptions), checking that
 * every output the manifest names is in the graph. Errors name the asset.
 */
export function convertAssetGraph(manifest: ModelManifest, json: TfjsModelJson, weights: Uint8Array, options: { exactFloat16?: boolean } = {}): ConvertedOnnx {
  let converted: ConvertedOnnx;
  try {
    converted = convertTfjsGraph(json, weights, { name: manifest.name, docString: `${manifest.name}@${manifest.version}, converted from its tfjs graph by @faceattr/models`, ...options });
  } catch (e) {
    throw new Error(`asset ${manifest.name}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  const names = new Set(converted.outputs.map((o) => o.name));
  for (const o of manifest.outputs) {
    if (!names.has(o.name)) throw new Error(`asset ${manifest.name}: the ONNX graph has no output "${o.name}" named in the manifest.`);
  }
  return converted;
}

/** Adds an onnx artifact to every asset folder under `root` that has a tfjs-graph artifact. */
export function addOnnxToAllAssets(root: string): ModelManifest[] {
  const done: ModelManifest[] = [];
  for (const name of readdirSync(root).sort()) {
    if (!existsSync(join(root, name, 'manifest.json'))) continue;
    const r = addOnnxArtifact(join(root, name));
    if (r) done.push(r.manifest);
  }
  return done;
}
