import { availableParallelism } from 'node:os';
import { FaceAttrError, backends, createPipeline, detectors, type AttributeName, type FaceAttributePipeline, type PluginRegistry } from '@faceattr/core';
import { faceAttributes } from '@faceattr/attributes';
// The registries are the one list of names: --backend and --detector accept (and --help shows) what these register.
import '@faceattr/backend-tfjs/register';
import '@faceattr/backend-onnx/register';
import '@faceattr/detector-mtcnn/register';
import '@faceattr/detector-haar/register';

export { DEFAULT_BACKEND, DEFAULT_DETECTOR } from './pool/protocol.js';

/** What the CLI reads of a registry (the entries' types do not matter here). */
type Choices = Pick<PluginRegistry<unknown>, 'entries' | 'names' | 'has'>;

/** `name  label` lines for --help, best first; an alias shows its target. */
export function choiceLines(registry: Choices): string[] {
  const entries = registry.entries();
  const width = Math.max(...entries.map((e) => e.name.length));
  return entries.map((e) => `${e.name.padEnd(width)}  ${e.aliasOf ? `same as ${e.aliasOf}` : e.label}`);
}

export interface PipelineChoice {
  backend: string;
  detector: string;
  attributes: AttributeName[];
  detectorOptions?: Record<string, unknown>;
  /** Passed to the backend's factory (e.g. onnx `intraOpNumThreads`); the backend checks them. */
  backendOptions?: Record<string, unknown>;
  /** Average each face's prediction with its mirror image's (a second encoder pass). */
  mirror?: boolean;
  /** Encoder asset of the attribute model (`faceAttributes({ encoder })`); its default when absent. */
  encoder?: string;
  /** The pipeline's `minScore` (core checks it). */
  minScore?: number;
  /** The pipeline's `maxFaces` (core checks it). */
  maxFaces?: number;
  /** The pipeline's `returnEmbedding`. */
  returnEmbedding?: boolean;
}

function checkChoice(flag: string, registry: Choices, name: string): void {
  if (!registry.has(name)) throw new FaceAttrError('INVALID_OPTIONS', `${flag} must be one of ${registry.names().join(', ')}; got ${JSON.stringify(name)}.`);
}

/** Throws INVALID_OPTIONS naming the registered choices when --backend or --detector is unknown. */
export function checkChoices(c: Pick<PipelineChoice, 'backend' | 'detector'>): void {
  checkChoice('--backend', backends, c.backend);
  checkChoice('--detector', detectors, c.detector);
}

/**
 * `intraOpNumThreads` for onnx-cpu (nothing for other backends). `onnxBackend()` alone gives each session
 * every CPU, right for one pipeline in a process; several workers each doing so fight over the cores (with
 * spinning threads, `--jobs 1` used 94 ms of CPU per UTKFace image against 18 ms with one thread:
 * packages/cli/bench/scale-results.json).
 */
export function onnxThreads(backend: string, threads: number): { backendOptions?: Record<string, unknown> } {
  const entry = backends.entries().find((e) => e.name === backend);
  if ((entry?.aliasOf ?? backend) !== 'onnx-cpu') return {};
  return { backendOptions: { intraOpNumThreads: threads } };
}

/** The CPUs shared among `jobs` worker threads, at least one each: a single worker (one input, `--jobs 1`) uses every core. */
export function threadsPerJob(jobs: number): number {
  return Math.max(1, Math.floor(availableParallelism() / Math.max(1, jobs)));
}

/** A pipeline from command-line choices, checked against the registered names. */
export async function buildPipeline(c: PipelineChoice): Promise<FaceAttributePipeline> {
  checkChoices(c);
  return createPipeline({
    backend: (await backends.create(c.backend, c.backendOptions)).instance,
    detector: (await detectors.create(c.detector, c.detectorOptions)).instance,
    attributeModel: c.attributes.length ? faceAttributes({ mirror: c.mirror ?? false, ...(c.encoder ? { encoder: c.encoder } : {}) }) : null,
    attributes: c.attributes,
    ...(c.minScore !== undefined ? { minScore: c.minScore } : {}),
    ...(c.maxFaces !== undefined ? { maxFaces: c.maxFaces } : {}),
    ...(c.returnEmbedding ? { returnEmbedding: true } : {}),
  });
}
