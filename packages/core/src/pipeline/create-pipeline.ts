import { FaceAttrError, type FaceAttrErrorCode } from '../errors.js';
import { formatValue } from '../format-value.js';
import { createModelContext } from '../model/model-context.js';
import { attributeModels, backends, detectors, type PluginRegistry } from '../registry/index.js';
import { Pipeline, type FaceAttributePipeline } from './face-pipeline.js';
import { checkOptionKeys } from './option-keys.js';
import { PIPELINE_DEFAULTS, callSettings, type PipelineOptions } from './options.js';
import { disposeEach, pluginError } from './plugin-calls.js';

/** The methods a plugin object must have, by option. */
const PLUGIN_METHODS = {
  backend: ['init', 'loadModel', 'memory', 'dispose'],
  detector: ['load', 'detect', 'dispose'],
  attributeModel: ['load', 'predict', 'dispose'],
} as const;

/** Throws INVALID_OPTIONS unless `value` is absent, a registered name (or names), or an object with the plugin's methods. */
function checkPlugin(option: keyof typeof PLUGIN_METHODS, value: unknown): void {
  if (value === undefined || typeof value === 'string' || (option === 'attributeModel' && value === null)) return;
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return;
  const bad = (what: string) => new FaceAttrError('INVALID_OPTIONS', `"${option}" must be a plugin object or a registered name; ${what}.`);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw bad(`got ${formatValue(value)}`);
  const missing = PLUGIN_METHODS[option].filter((m) => typeof (value as Record<string, unknown>)[m] !== 'function');
  if (missing.length) throw bad(`the object given has no ${missing.map((m) => `${m}()`).join(', ')}`);
}

function checkLocations(o: PipelineOptions): void {
  const base: unknown = o.modelBasePath;
  if (base !== undefined && typeof base !== 'string' && !(base instanceof URL)) {
    throw new FaceAttrError('INVALID_OPTIONS', `"modelBasePath" must be a directory path or URL, got ${formatValue(base)}.`);
  }
  const models: unknown = o.models;
  if (models !== undefined && (typeof models !== 'object' || models === null || Array.isArray(models))) {
    throw new FaceAttrError('INVALID_OPTIONS', `"models" must be an object of model sources by model name, got ${formatValue(models)}.`);
  }
  const t: unknown = o.modelTimeoutMs;
  if (t !== undefined && !(typeof t === 'number' && t > 0)) {
    throw new FaceAttrError('INVALID_OPTIONS', `"modelTimeoutMs" must be a number of milliseconds > 0 (Infinity: no limit), got ${formatValue(t)}.`);
  }
  const signal: unknown = o.signal;
  if (signal !== undefined && !(typeof signal === 'object' && signal !== null && typeof (signal as AbortSignal).aborted === 'boolean' && typeof (signal as AbortSignal).addEventListener === 'function')) {
    throw new FaceAttrError('INVALID_OPTIONS', `"signal" must be an AbortSignal, got ${formatValue(signal)}.`);
  }
}

/** The plugin object passed for an option, or undefined when it names registered plugins (or is absent). */
function given<T>(value: T | string | readonly string[] | null | undefined): T | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as T) : undefined;
}

/** A fresh instance from `registry`: the named one(s), or the highest-priority one that works. */
async function fromRegistry<T>(registry: PluginRegistry<T>, names: unknown): Promise<T> {
  return (await registry.create(typeof names === 'string' || Array.isArray(names) ? (names as string | string[]) : undefined)).instance;
}

/** Runs one setup step of a plugin, typing what it throws. */
async function setUp<P extends { name: string }>(plugin: P, step: (p: P) => Promise<void>, code: FaceAttrErrorCode, what: string): Promise<void> {
  try {
    await step(plugin);
  } catch (e) {
    throw pluginError(e, code, `${what} "${plugin.name}"`);
  }
}

/**
 * Builds a pipeline: checks the options, resolves the backend, detector and attribute model (objects or
 * registered names), loads their models, and returns a ready {@link FaceAttributePipeline}.
 * Once the options are valid the pipeline owns the plugins passed to it: it releases them in `dispose()`,
 * or, when creation fails, together with any it created, before rejecting.
 * @example
 * ```ts
 * import { createPipeline } from '@faceattr/core';
 * import { onnxBackend } from '@faceattr/backend-onnx';
 * import { mtcnn } from '@faceattr/detector-mtcnn';
 * import { faceAttributes } from '@faceattr/attributes';
 *
 * const pipeline = await createPipeline({ backend: onnxBackend(), detector: mtcnn(), attributeModel: faceAttributes() });
 * try {
 *   const faces = await pipeline.detect(image);
 * } finally {
 *   await pipeline.dispose();
 * }
 * ```
 * @example
 * Registered names instead of objects (import each package's `/register` entry), race opted in:
 * ```ts
 * import '@faceattr/backend-tfjs/register';
 * import '@faceattr/detector-haar/register';
 * import '@faceattr/attributes/register';
 *
 * const pipeline = await createPipeline({ backend: 'tfjs-wasm', detector: 'haar', attributeModel: 'default', attributes: ['age', 'gender', 'race'] });
 * ```
 */
export async function createPipeline(options: PipelineOptions = {}): Promise<FaceAttributePipeline> {
  checkOptionKeys(options, 'createPipeline()');
  const defaults = callSettings(PIPELINE_DEFAULTS, options);
  for (const option of ['backend', 'detector', 'attributeModel'] as const) checkPlugin(option, options[option]);
  checkLocations(options);
  const wantsModel = options.attributeModel !== null && (defaults.attributes.length > 0 || defaults.returnEmbedding || options.attributeModel !== undefined);

  let backend = given(options.backend);
  let detector = given(options.detector);
  let attributeModel = given(options.attributeModel);
  try {
    // Registries initialise what they create; an object passed in is initialised here.
    if (backend) await setUp(backend, (b) => b.init(), 'BACKEND_UNAVAILABLE', 'Starting the backend');
    else backend = await fromRegistry(backends, options.backend);
    detector ??= await fromRegistry(detectors, options.detector);
    if (wantsModel) attributeModel ??= await fromRegistry(attributeModels, options.attributeModel);
    const ctx = createModelContext(backend, { models: options.models, modelBasePath: options.modelBasePath, timeoutMs: options.modelTimeoutMs, signal: options.signal });
    await setUp(detector, (d) => d.load(ctx), 'MODEL_LOAD_FAILED', 'Loading the detector');
    if (attributeModel) await setUp(attributeModel, (m) => m.load(ctx), 'MODEL_LOAD_FAILED', 'Loading the attribute model');
    return new Pipeline({ backend, detector, attributeModel }, defaults);
  } catch (e) {
    await disposeEach([attributeModel, detector, backend]);
    throw e;
  }
}
