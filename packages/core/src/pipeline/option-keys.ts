import { FaceAttrError } from '../errors.js';
import { formatValue } from '../format-value.js';

/** The calls whose options object core checks, and the keys each takes. */
const CALLS = {
  'createPipeline()': ['backend', 'detector', 'attributeModel', 'attributes', 'returnEmbedding', 'modelBasePath', 'models', 'modelTimeoutMs', 'signal', 'minScore', 'maxFaces', 'detectShrink'],
  'detect()': ['attributes', 'returnEmbedding', 'minScore', 'maxFaces', 'detectShrink'],
  'track()': ['detectEvery', 'searchEvery', 'attributesEvery', 'attributesMaxMove', 'smoothing', 'iouThreshold', 'maxMissed', 'attributes', 'minScore', 'maxFaces', 'signal'],
} as const;

export type OptionsOf = keyof typeof CALLS;

/**
 * Options of the plugins that callers put in the wrong call by mistake: [slot, factories, keys].
 * Only for the message; each plugin lists and checks its own options (their tests check this table
 * names every one of them).
 */
const PLUGIN_OPTIONS: readonly (readonly [string, readonly string[], readonly string[]])[] = [
  ['detector', ['mtcnn'], ['minFaceSize', 'thresholds', 'channelOrder', 'pyramid']],
  ['detector', ['mtcnn', 'haar'], ['scaleFactor']],
  ['detector', ['haar'], ['minNeighbors', 'minSize', 'maxSize', 'engine', 'cascade', 'mode']],
  ['attributeModel', ['faceAttributes'], ['encoder', 'heads', 'batchSize', 'mirror']],
  ['backend', ['tfjsBackend'], ['runtime', 'executor']],
  ['backend', ['onnxBackend'], ['executionProviders', 'intraOpNumThreads']],
  ['backend', ['tfjsBackend', 'onnxBackend'], ['wasmPaths', 'wasmThreads']],
];

/** Where `key` goes instead, when it is some plugin's or some call's option; `from` is the factory asking, left out of the answer. */
function belongsTo(key: string, from?: string): string | undefined {
  for (const [slot, all, keys] of PLUGIN_OPTIONS) {
    const factories = all.filter((f) => `${f}()` !== from);
    if (keys.includes(key) && factories.length) {
      return `it is an option of the ${slot}: pass ${slot}: ${factories.map((f) => `${f}({ ${key}: ... })`).join(' or ')} to createPipeline()`;
    }
  }
  for (const [call, keys] of Object.entries(CALLS)) {
    if ((keys as readonly string[]).includes(key)) return `pass it to ${call === 'track()' ? 'track() or createTracker()' : call}`;
  }
  return undefined;
}

function isOptionsObject(o: unknown): o is Record<string, unknown> {
  return typeof o === 'object' && o !== null && !Array.isArray(o);
}

/** Throws INVALID_OPTIONS unless `options` is an object whose every key `call` takes, saying where a stray key belongs. */
export function checkOptionKeys(options: unknown, call: OptionsOf): void {
  if (!isOptionsObject(options)) throw new FaceAttrError('INVALID_OPTIONS', `${call} takes an options object, got ${formatValue(options)}.`);
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

/**
 * For plugin factories: returns `options` (`{}` when undefined) once it is an object whose every key is in
 * `known`; else throws INVALID_OPTIONS naming the key, where it belongs if elsewhere, and the valid keys.
 * `factory` is how the user calls it, e.g. `mtcnn()`.
 */
export function checkPluginOptions(options: unknown, factory: string, known: readonly string[]): Record<string, unknown> {
  if (options === undefined) return {};
  if (!isOptionsObject(options)) {
    throw new FaceAttrError('INVALID_OPTIONS', `${factory} takes an options object such as { ${known[0]}: ... }, got ${formatValue(options)}.`);
  }
  for (const key of Object.keys(options)) {
    if (known.includes(key)) continue;
    const hint = belongsTo(key, factory);
    throw new FaceAttrError('INVALID_OPTIONS', `Unknown option "${key}" for ${factory}; ${hint ? `${hint}. The options of ${factory} are` : 'the options are'} ${known.join(', ')}.`, {
      details: { option: key },
    });
  }
  return options;
}
