import { FaceAttrError } from '../errors.js';
import type { ModelHandle, TensorData } from '../plugins.js';
import type { TensorSpec } from './manifest.js';

/** What a backend knows of one input: its shape (`null`: a free dimension) and, where known, its dtype. */
export interface ExpectedInput {
/** Dimensions; `null` where any size is accepted. */
  shape: readonly (number | null)[];
/** Element type, where known. */
  dtype?: 'float32' | 'int32';
}

/**
 * What each input must be: the manifest's spec, else the shape the runtime's graph declares
 * (a negative or symbolic dimension is free) as float32. Inputs with neither are left out.
 */
export function expectedInputs(
  inputNames: readonly string[],
  specs: readonly TensorSpec[],
  declared: (inputName: string) => readonly (number | string | null)[] | undefined,
): ReadonlyMap<string, ExpectedInput> {
  const out = new Map<string, ExpectedInput>();
  for (const n of inputNames) {
    const spec = specs.find((s) => s.name === n);
    const shape = spec?.shape ?? declared(n)?.map((d) => (typeof d === 'number' && d >= 0 ? d : null));
    if (shape) out.set(n, { shape, dtype: spec?.dtype ?? 'float32' });
  }
  return out;
}

/**
 * Checks the arguments of one {@link ModelHandle.run} call, so every backend rejects the same
 * mistakes with the same INVALID_INPUT message before converting anything. `expected` gives what
 * the model declares for an input (undefined: nothing beyond a consistent shape is checked).
 * Returns the output names to fetch: `outputs`, or all of the model's.
 */
export function checkRunArguments(
  model: Pick<ModelHandle, 'name' | 'inputNames' | 'outputNames'>,
  feeds: Readonly<Record<string, TensorData>>,
  outputs: readonly string[] | undefined,
  expected: (inputName: string) => ExpectedInput | undefined,
): readonly string[] {
  const names = outputs ?? model.outputNames;
  const unknown = names.filter((n) => !model.outputNames.includes(n));
  if (unknown.length) {
    throw invalid(`Model "${model.name}" has no output ${unknown.map((n) => `"${n}"`).join(', ')}; its outputs are ${model.outputNames.join(', ')}.`);
  }
  for (const [k, feed] of Object.entries(feeds)) {
    if (!model.inputNames.includes(k)) throw invalid(`Model "${model.name}" has no input "${k}"; its inputs are ${model.inputNames.join(', ')}.`);
    checkFeed(model.name, k, feed, expected(k));
  }
  for (const n of model.inputNames) {
    if (!Object.hasOwn(feeds, n)) throw invalid(`Model "${model.name}" needs input "${n}", which was not given.`);
  }
  return names;
}

function checkFeed(model: string, name: string, feed: TensorData, expected: ExpectedInput | undefined): void {
  const n = feed.shape.reduce((a, b) => a * b, 1);
  if (!feed.shape.every((d) => Number.isInteger(d) && d >= 0) || n !== feed.data.length) {
    throw invalid(`Input "${name}" of "${model}" has shape [${feed.shape.join(', ')}] but ${feed.data.length} values.`);
  }
  if (!expected) return;
  const want = expected.dtype === 'int32' ? Int32Array : expected.dtype === 'float32' ? Float32Array : undefined;
  if (want && !(feed.data instanceof want)) {
    throw invalid(`Input "${name}" of "${model}" must be a ${want.name}, got a ${feed.data.constructor.name}.`);
  }
  const s = expected.shape;
  if (s.length !== feed.shape.length || !s.every((d, i) => d === null || d === feed.shape[i])) {
    throw invalid(`Input "${name}" of "${model}" must have shape [${s.map((d) => d ?? '?').join(', ')}], got [${feed.shape.join(', ')}].`);
  }
}

function invalid(message: string): FaceAttrError {
  return new FaceAttrError('INVALID_INPUT', message);
}
