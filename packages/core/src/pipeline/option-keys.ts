import { FaceAttrError } from '../errors.js';

/** The calls whose options object core checks, and the keys each takes. */
const CALLS = {
  'createPipeline()': ['backend', 'detector', 'attributeModel', 'attributes', 'returnEmbedding', 'modelBasePath', 'models', 'minScore', 'maxFaces'],
  'detect()': ['attributes', 'returnEmbedding', 'minScore', 'maxFaces'],
  'track()': ['detectEvery', 'attributesEvery', 'smoothing', 'iouThreshold', 'maxMissed', 'attributes', 'minScore', 'maxFaces', 'signal'],
} as const;

export type OptionsOf = keyof typeof CALLS;

/**
 * Options of the plugins that callers put in a pipeline call by mistake: [slot, factories, keys].
 * Only for the message; each plugin checks its own options.
 */
const PLUGIN_OPTIONS: readonly (readonly [string, readonly string[], readonly string[]])[] = [
  ['detector', ['mtcnn'], ['minFaceSize', 'thresholds', 'channelOrder', 'pyramid']],
  ['detector', ['mtcnn', 'haar'], ['scaleFactor']],
  ['detector', ['haar'], ['minNeighbors', 'minSize', 'maxSize', 'engine', 'cascade']],
  ['attributeModel', ['faceAttributes'], ['encoder', 'heads', 'batchSize', 'mirror']],
  ['backend', ['tfjsBackend'], ['runtime', 'executor']],
  ['backend', ['onnxBackend'], ['executionProviders', 'intraOpNumThreads']],
  ['backend', ['tfjsBackend', 'onnxBackend'], ['wasmPaths', 'wasmThreads']],
];

/** Where `key` goes instead, when it is some other call's or some plugin's option. */
function belongsTo(key: string): string | undefined {
  for (const [slot, factories, keys] of PLUGIN_OPTIONS) {
    if (keys.includes(key)) return `it is an option of the ${slot}: pass ${slot}: ${factories.map((f) => `${f}({ ${key}: ... })`).join(' or ')} to createPipeline()`;
  }
  for (const [call, keys] of Object.entries(CALLS)) {
    if ((keys as readonly string[]).includes(key)) return `pass it to ${call === 'track()' ? 'track() or createTracker()' : call}`;
  }
  return undefined;
}

/** Throws INVALID_OPTIONS unless `options` is an object whose every key `call` takes, saying where a stray key belongs. */
export function checkOptionKeys(options: unknown, call: OptionsOf): void {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new FaceAttrError('INVALID_OPTIONS', `${call} takes an options object, got ${JSON.stringify(options)}.`);
  }
  const known: readonly string[] = CALLS[call];
  for (const key of Object.keys(options)) {
    if (known.includes(key)) continue;
    const hint = belongsTo(key);
    throw new FaceAttrError(
      'INVALID_OPTIONS',
      hint ? `Unknown option "${key}" for ${call}; ${hint}.` : `Unknown option "${key}" for ${call}; the options are ${known.join(', ')}.`,
      { details: { option: key } },
    );
  }
}
