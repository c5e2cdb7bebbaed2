import * as tf from '@tensorflow/tfjs-core';
import { loadGraphModel, type GraphModel } from '@tensorflow/tfjs-converter';
import { FaceAttrError, describeError, type LoadedModelAsset } from '@faceattr/core';

interface TfjsModelJson {
  modelTopology: unknown;
  weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
  format?: string;
  generatedBy?: string;
  convertedBy?: string;
  signature?: unknown;
  userDefinedMetadata?: Record<string, unknown>;
}

/** Builds tfjs ModelArtifacts from an asset's verified files (no fetch, no file system). */
export function artifactsFromAsset(asset: LoadedModelAsset): tf.io.ModelArtifacts {
  const art = asset.manifest.artifacts['tfjs-graph']!;
  const fail = (why: string, cause?: unknown) =>
    new FaceAttrError('MODEL_LOAD_FAILED', `Model "${asset.manifest.name}" (${asset.location}): ${why}`, { cause, details: { file: art.entry } });
  let json: TfjsModelJson;
  try {
    json = JSON.parse(new TextDecoder().decode(asset.files.get(art.entry)!)) as TfjsModelJson;
  } catch (e) {
    throw fail(`${art.entry} is not valid JSON: ${describeError(e)}`, e);
  }
  if (!json.modelTopology || !Array.isArray(json.weightsManifest)) throw fail(`${art.entry} is not a tfjs graph model (no modelTopology/weightsManifest).`);
  const weightSpecs: tf.io.WeightsManifestEntry[] = [];
  const chunks: Uint8Array[] = [];
  for (const group of json.weightsManifest) {
    weightSpecs.push(...group.weights);
    for (const p of group.paths) {
      const bytes = asset.files.get(p);
      if (!bytes) throw fail(`${art.entry} references weight file ${p}, which the manifest's tfjs-graph artifact does not list.`);
      chunks.push(bytes);
    }
  }
  const total = chunks.reduce((n, c) => n + c.length, 0);
  const weightData = new Uint8Array(total);
  let off = 0;
  for (const c of chunks) {
    weightData.set(c, off);
    off += c.length;
  }
  const artifacts: tf.io.ModelArtifacts = {
    modelTopology: json.modelTopology as tf.io.ModelArtifacts['modelTopology'],
    weightSpecs,
    weightData: weightData.buffer,
    format: json.format ?? 'graph-model',
  };
  if (json.generatedBy !== undefined) artifacts.generatedBy = json.generatedBy;
  if (json.convertedBy !== undefined) artifacts.convertedBy = json.convertedBy;
  if (json.signature !== undefined) artifacts.signature = json.signature as object;
  if (json.userDefinedMetadata !== undefined) artifacts.userDefinedMetadata = json.userDefinedMetadata as Record<string, {}>;
  return artifacts;
}

export async function loadGraphFromAsset(asset: LoadedModelAsset): Promise<{ model: GraphModel; topology: unknown }> {
  const artifacts = artifactsFromAsset(asset);
  try {
    return { model: await loadGraphModel({ load: async () => artifacts }), topology: artifacts.modelTopology };
  } catch (e) {
    throw new FaceAttrError('MODEL_LOAD_FAILED', `tfjs could not build model "${asset.manifest.name}": ${describeError(e)}`, { cause: e });
  }
}
