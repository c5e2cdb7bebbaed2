/**
 * Which built asset goes into which published package. The build writes every asset, in every
 * format, to packages/assets/models (the private @faceattr/assets: what the tests, benches and training
 * read); {@link writeAssetPackages} then copies each asset's files for one artifact kind into the
 * packages a user installs, so an onnxruntime user downloads ONNX files only and a tfjs user tfjs
 * graphs only. @faceattr/core finds them at run time in the order of its `ASSET_PACKAGES`.
 */
import { copyFileSync, existsSync, linkSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_FACE_ATTRIBUTES } from '@faceattr/attributes';
import type { ArtifactKind, ModelManifest } from '@faceattr/core';
import { sha256 } from './build/pinned-source.js';
import { tfjsWeightsToFloat16 } from './float16.js';
import { convertAssetGraph, readTfjsGraph } from './onnx/convert-asset.js';

/**
 * The default packages' assets: what the README quick start runs (MTCNN, the attribute model's
 * default encoder and its heads) and the Haar cascade (128 KB of runtime-neutral data). The encoder
 * is @faceattr/attributes' default, so switching that default moves the encoders between the default
 * and the extra packages with no change here.
 */
export const DEFAULT_ASSETS: readonly string[] = [
  'mtcnn-pnet', 'mtcnn-rnet', 'mtcnn-onet', 'haar-frontalface-default',
  DEFAULT_FACE_ATTRIBUTES.encoder, `heads-${DEFAULT_FACE_ATTRIBUTES.encoder}`,
];

/** Built for the tests only (the backend conformance suite's graph); never published. */
export const TEST_ONLY_ASSETS: readonly string[] = ['blazeface-back'];

/** One published asset package: its folder under packages/, the artifact kind it carries, and which assets. */
export interface AssetPackage {
  folder: string;
  artifact: Exclude<ArtifactKind, 'data'>;
  holds: 'default' | 'extra';
}

/** The published asset packages (names `@faceattr/<folder>`; core searches them in this order per kind). */
export const ASSET_PACKAGES: readonly AssetPackage[] = [
  { folder: 'assets-onnx', artifact: 'onnx', holds: 'default' },
  { folder: 'assets-extra-onnx', artifact: 'onnx', holds: 'extra' },
  { folder: 'assets-tfjs', artifact: 'tfjs-graph', holds: 'default' },
  { folder: 'assets-extra-tfjs', artifact: 'tfjs-graph', holds: 'extra' },
];

/** Whether a package that holds `holds` gets the asset `name`: extras are every asset neither default nor test-only. */
export function packageHolds(holds: AssetPackage['holds'], name: string): boolean {
  if (TEST_ONLY_ASSETS.includes(name)) return false;
  return DEFAULT_ASSETS.includes(name) === (holds === 'default');
}

/**
 * The manifest of `manifest`'s asset as one package ships it: only the artifact `kind` (and a `data`
 * artifact, which every backend reads), their files and the files of no artifact (a licence). Sizes and sha256 are the built files' own.
 * Undefined when the asset has neither.
 */
export function manifestFor(manifest: ModelManifest, kind: ArtifactKind): ModelManifest | undefined {
  const artifacts = Object.fromEntries(Object.entries(manifest.artifacts).filter(([k]) => k === kind || k === 'data'));
  if (Object.keys(artifacts).length === 0) return undefined;
  const inArtifact = new Set(Object.values(manifest.artifacts).flatMap((a) => a!.files));
  const keep = new Set(Object.values(artifacts).flatMap((a) => a!.files));
  // Files of no artifact (a licence text) stay with the asset.
  return { ...manifest, artifacts, files: manifest.files.filter((f) => keep.has(f.path) || !inArtifact.has(f.path)) };
}

/**
 * The assets whose published weights are rounded to float16: the dlib encoders (22 MB of float32 each;
 * float16-parity.test.ts measures the embeddings' error and checks the answers on the demo photos).
 * The repository's full build (packages/assets/models) keeps float32, which training/ and the parity
 * tests read. An asset whose tfjs graph is float16 already (FaceRes) needs no listing: its ONNX file
 * stores the same halves exactly.
 */
export const FLOAT16_ASSETS: readonly string[] = ['dlib-resnet-128', 'dlib-resnet-128-utk'];

const ROUNDED_NOTE = 'published weights rounded to float16 (tfjs float16 quantization; ONNX FLOAT16 initializers behind a Cast)';
const EXACT_NOTE = 'ONNX initializers stored as float16 behind a Cast (the source weights are float16: exact)';

/**
 * The files one package ships for an asset, by manifest path, and the note its manifest gains: the
 * built files as they are, or (listed in {@link FLOAT16_ASSETS}, or an ONNX file converted from a
 * float16 tfjs graph) the tfjs graph with float16 weights and the ONNX file converted from it with
 * float16 initializers.
 */
function storedFiles(dir: string, full: ModelManifest, manifest: ModelManifest, kind: AssetPackage['artifact']): { files: Record<string, Uint8Array>; note?: string } {
  const built = () => Object.fromEntries(manifest.files.map((f) => [f.path, new Uint8Array(readFileSync(join(dir, f.path)))]));
  const graph = full.artifacts['tfjs-graph'];
  if (!graph) return { files: built() };
  const round = FLOAT16_ASSETS.includes(full.name);
  let { json, weights } = readTfjsGraph(join(dir, graph.entry));
  const halves = (json.weightsManifest ?? []).some((g) => g.weights.some((w) => w.quantization?.dtype === 'float16'));
  if (!round && !(halves && kind === 'onnx')) return { files: built() };
  if (round) {
    const r = tfjsWeightsToFloat16(json.weightsManifest ?? [], weights);
    json = { ...json, weightsManifest: r.weightsManifest };
    weights = r.weights;
  }
  const note = round ? ROUNDED_NOTE : EXACT_NOTE;
  if (kind === 'tfjs-graph') return { files: { ...built(), [graph.entry]: new TextEncoder().encode(JSON.stringify(json)), 'model.bin': weights }, note };
  return { files: { ...built(), 'model.onnx': convertAssetGraph(full, json, weights, { exactFloat16: true }).bytes }, note };
}

/**
 * Writes each package's `models/` from the full build in `root` (packages/assets/models), replacing
 * what was there. Returns each package's asset names and byte total.
 */
export function writeAssetPackages(root: string, packagesDir: string): { folder: string; assets: string[]; bytes: number }[] {
  const built = readdirSync(root).filter((n) => existsSync(join(root, n, 'manifest.json'))).sort();
  return ASSET_PACKAGES.map(({ folder, artifact, holds }) => {
    // Written beside the live folder, then swapped in: tests running meanwhile see the old or the new set.
    const live = join(packagesDir, folder, 'models');
    const models = `${live}.partial`;
    rmSync(models, { recursive: true, force: true });
    const assets: string[] = [];
    let bytes = 0;
    for (const name of built.filter((n) => packageHolds(holds, n))) {
      const full = JSON.parse(readFileSync(join(root, name, 'manifest.json'), 'utf8')) as ModelManifest;
      const selected = manifestFor(full, artifact);
      if (!selected) continue;
      const { files, note } = storedFiles(join(root, name), full, selected, artifact);
      const manifest: ModelManifest = {
        ...selected,
        ...(note ? { source: { ...selected.source, notes: selected.source.notes ? `${selected.source.notes}; ${note}` : note } } : {}),
        files: selected.files.map((f) => ({ path: f.path, bytes: files[f.path]!.length, sha256: sha256(files[f.path]!) })),
      };
      const dir = join(models, name);
      mkdirSync(dir, { recursive: true });
      for (const [path, data] of Object.entries(files)) writeFileSync(join(dir, path), data);
      writeFileSync(join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
      assets.push(name);
      bytes += manifest.files.reduce((n, f) => n + f.bytes, 0);
    }
    mkdirSync(models, { recursive: true });
    rmSync(`${live}.old`, { recursive: true, force: true });
    if (existsSync(live)) renameSync(live, `${live}.old`);
    renameSync(models, live);
    rmSync(`${live}.old`, { recursive: true, force: true });
    return { folder, assets, bytes };
  });
}

/**
 * One folder per asset with the published packages' files of every kind merged (manifests joined,
 * files hard-linked): what the webcam demo serves at `/models/`, so its one `modelBasePath` serves
 * every backend the bytes a user installs.
 */
export function writePublishedView(packagesDir: string, out: string): string[] {
  rmSync(out, { recursive: true, force: true });
  const merged = new Map<string, { manifest: ModelManifest; files: Map<string, string> }>();
  for (const { folder } of ASSET_PACKAGES) {
    const models = join(packagesDir, folder, 'models');
    if (!existsSync(models)) continue;
    for (const name of readdirSync(models).sort()) {
      const m = JSON.parse(readFileSync(join(models, name, 'manifest.json'), 'utf8')) as ModelManifest;
      const prev = merged.get(name);
      const files = new Map(prev?.files);
      for (const f of m.files) files.set(f.path, join(models, name, f.path));
      const notes = [...new Set([prev?.manifest.source.notes, m.source.notes].filter((n): n is string => !!n))].join('; ');
      const manifest: ModelManifest = prev
        ? {
            ...prev.manifest,
            artifacts: { ...prev.manifest.artifacts, ...m.artifacts },
            source: { ...prev.manifest.source, ...(notes ? { notes } : {}) },
            files: [...new Map([...prev.manifest.files, ...m.files].map((f) => [f.path, f])).values()].sort((a, b) => a.path.localeCompare(b.path)),
          }
        : m;
      merged.set(name, { manifest, files });
    }
  }
  for (const [name, { manifest, files }] of merged) {
    const dir = join(out, name);
    mkdirSync(dir, { recursive: true });
    for (const [path, from] of files) {
      try {
        linkSync(from, join(dir, path));
      } catch {
        copyFileSync(from, join(dir, path));
      }
    }
    writeFileSync(join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  }
  return [...merged.keys()].sort();
}
