/**
 * Tiny plugins for testing the pipeline where real models are not the point: a backend that runs
 * nothing, a detector that returns scripted faces, an attribute model that returns scripted predictions.
 * Each records its calls; `hold` keeps calls in flight so a test can queue more behind them.
 */
import type { RgbImage } from '../image/image-types.js';
import type { InMemoryModel } from '../model/load-asset.js';
import { sha256Hex } from '../model/sha256.js';
import type { AttributeModel, AttributeRequest, FaceDetector, InferenceBackend, ModelHandle, PluginContext } from '../plugins.js';
import type { AttributePrediction, Box, DetectedFace, Landmarks5 } from '../types.js';

/** A promise with its settle functions, for holding a fake's calls until the test lets them go. */
export interface Deferred<T = void> {
/** Settles when `resolve` or `reject` is called. */
  promise: Promise<T>;
/** Fulfils `promise` with `value`. */
  resolve(value: T): void;
/** Rejects `promise` with `reason`. */
  reject(reason: unknown): void;
}

/** A new {@link Deferred}: a promise and the functions that settle it. */
export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** What every fake has: a name, a log of calls (`<name>:<method>`), and failures to inject. */
export interface FakeOptions {
/** The fake's `name`. Default `fake-backend`, `fake-detector` or `fake-attributes`. */
  name?: string;
  /** Where calls are logged; share one array between fakes to see their order. Default: the fake's own. */
  log?: string[];
  /** Thrown by init() (backend) or load() (detector, attribute model). */
  setupError?: unknown;
/** Thrown by dispose(). */
  disposeError?: unknown;
}

interface Recorder {
  readonly name: string;
  /** `<name>:<method>` per call, in order. */
  readonly calls: string[];
  /** While set, detect() / predict() wait for it before answering. */
  hold: Promise<void> | undefined;
  /** detect() / predict() calls running now, and the most ever at once. */
  active: number;
/** The most detect() / predict() calls ever running at once. */
  maxActive: number;
}

function recorder(o: FakeOptions, fallbackName: string): Recorder {
  return { name: o.name ?? fallbackName, calls: o.log ?? [], hold: undefined, active: 0, maxActive: 0 };
}

/** Logs the call, then runs `body` after `hold`, counting it as active meanwhile. */
async function record<T>(r: Recorder, method: string, body: () => T): Promise<T> {
  r.calls.push(`${r.name}:${method}`);
  r.active++;
  r.maxActive = Math.max(r.maxActive, r.active);
  try {
    if (r.hold) await r.hold;
    return body();
  } finally {
    r.active--;
  }
}

function step(r: Recorder, method: string, error: unknown): Promise<void> {
  r.calls.push(`${r.name}:${method}`);
  return error === undefined ? Promise.resolve() : Promise.reject(error);
}

/** Models the context loaded, for plugins that name assets (load() asks the context for each of `models`). */
async function loadAll(ctx: PluginContext, models: readonly string[] | undefined): Promise<ModelHandle[]> {
  const loaded: ModelHandle[] = [];
  for (const m of models ?? []) loaded.push(await ctx.loadModel(m));
  return loaded;
}

export interface FakeBackend extends InferenceBackend {
/** `<name>:<method>` per call, in order. */
  readonly calls: string[];
  /** Names of the assets loaded, in order. */
  readonly loaded: string[];
}

/** A backend that loads verified assets but runs nothing (its models return no outputs). */
export function fakeBackend(o: FakeOptions = {}): FakeBackend {
  const r = recorder(o, 'fake-backend');
  const loaded: string[] = [];
  let models = 0;
  const dispose = () => {
    models = 0;
    return step(r, 'dispose', o.disposeError);
  };
  return {
    name: r.name,
    artifact: 'onnx',
    calls: r.calls,
    loaded,
    init: () => step(r, 'init', o.setupError),
    loadModel: async (asset) => {
      loaded.push(asset.manifest.name);
      models++;
      let live = true;
      return {
        name: asset.manifest.name,
        inputNames: [],
        outputNames: [],
        run: async () => ({}),
        release: async () => {
          if (live) models--;
          live = false;
        },
      };
    },
    memory: () => ({ models }),
    dispose,
    [Symbol.asyncDispose]: dispose,
  };
}

export interface FakeDetectorOptions extends FakeOptions {
  /** Faces per detect() call: one list for every call, or a function of the 0-based call index and the image. Default: none. */
  faces?: readonly DetectedFace[] | ((call: number, image: RgbImage) => readonly DetectedFace[]);
  /** Asset names load() asks the context for, as a real detector names its models. */
  models?: readonly string[];
  /**
   * Gives the detector a `follow(image, boxes)` (tracking between searches) answering this, a function of the
   * 0-based follow call index, the image and the boxes. Default: no `follow`.
   */
  follow?: (call: number, image: RgbImage, boxes: readonly Box[]) => readonly DetectedFace[];
}

export interface FakeDetector extends FaceDetector, Recorder {
  /** The arguments of every detect() call, in call order. */
  readonly detectArgs: unknown[][];
  /** The boxes of every follow() call, in call order (copies). */
  readonly followArgs: Box[][];
}

/** A detector that returns scripted faces (copies, so the pipeline cannot change the script). */
export function fakeDetector(o: FakeDetectorOptions = {}): FakeDetector {
  const detectArgs: unknown[][] = [];
  const followArgs: Box[][] = [];
  const d: FakeDetector = {
    ...recorder(o, 'fake-detector'),
    providesLandmarks: false,
    detectArgs,
    followArgs,
    load: async (ctx) => {
      await step(d, 'load', o.setupError);
      await loadAll(ctx, o.models);
    },
    // Rest arguments, so a test sees anything the pipeline passes beyond the image.
    detect: (...args: unknown[]) => {
      const call = detectArgs.push(args) - 1;
      return record(d, 'detect', () => {
        const image = args[0] as RgbImage;
        const faces = typeof o.faces === 'function' ? o.faces(call, image) : (o.faces ?? []);
        return faces.map((f) => ({ ...f, box: { ...f.box } }));
      });
    },
    dispose: () => step(d, 'dispose', o.disposeError),
  };
  const follow = o.follow;
  if (follow) {
    d.follow = (image, boxes) => {
      const call = followArgs.push(boxes.map((b) => ({ ...b }))) - 1;
      return record(d, 'follow', () => follow(call, image, boxes).map((f) => ({ ...f, box: { ...f.box } })));
    };
  }
  return d;
}

/**
 * The fake attribute model's default answer for one face: only the requested attributes, with values
 * read off the landmarks so a test can tell which face a prediction went to (age = left eye x).
 */
export function fakePrediction(face: Landmarks5, request: AttributeRequest): AttributePrediction {
  const p: AttributePrediction = {};
  if (request.attributes.includes('age')) p.age = { years: face.leftEye.x, uncertainty: 1 };
  if (request.attributes.includes('gender')) p.gender = { label: 'female', probability: 0.75, femaleProbability: 0.75 };
  if (request.attributes.includes('race')) {
    p.race = { label: 'Asian', probability: 0.6, probabilities: { White: 0.1, Black: 0.1, Asian: 0.6, Indian: 0.1, Others: 0.1 } };
  }
  if (request.embedding) p.embedding = Float32Array.of(face.leftEye.x, face.leftEye.y);
  return p;
}

export interface FakeAttributeModelOptions extends FakeOptions {
  /** The prediction for one face; `call` is the 0-based predict() call. Default {@link fakePrediction}. */
  predict?: (face: Landmarks5, request: AttributeRequest, call: number) => AttributePrediction;
  /** Asset names load() asks the context for. */
  models?: readonly string[];
  /** Milliseconds added to `request.timings` per predict() call, when the caller asks for timings. */
  timings?: {
    /** Added to `request.timings.encodeMs`. */
    encodeMs: number;
    /** Added to `request.timings.headsMs`. */
    headsMs: number;
  };
}

export interface FakeAttributeModel extends AttributeModel, Recorder {
  /** Every predict() call: the faces and the request, in call order. */
  readonly requests: {
    /** The landmarks predict() was given. */
    faces: readonly Landmarks5[];
    /** A copy of the request. */
    request: AttributeRequest;
  }[];
}

/** An attribute model that returns scripted predictions. */
export function fakeAttributeModel(o: FakeAttributeModelOptions = {}): FakeAttributeModel {
  const requests: { faces: readonly Landmarks5[]; request: AttributeRequest }[] = [];
  const m: FakeAttributeModel = {
    ...recorder(o, 'fake-attributes'),
    requests,
    load: async (ctx) => {
      await step(m, 'load', o.setupError);
      await loadAll(ctx, o.models);
    },
    predict: (image, faces, request) => {
      const call = requests.push({ faces, request: { ...request } }) - 1;
      return record(m, 'predict', () => {
        if (request.timings && o.timings) {
          request.timings.encodeMs += o.timings.encodeMs;
          request.timings.headsMs += o.timings.headsMs;
        }
        return faces.map((f) => (o.predict ?? fakePrediction)(f, request, call));
      });
    },
    dispose: () => step(m, 'dispose', o.disposeError),
  };
  return m;
}

/** A valid in-memory model asset named `name` (one small onnx file), for `createPipeline({ models })`. */
export async function inMemoryAsset(name: string): Promise<InMemoryModel> {
  const bytes = new TextEncoder().encode(`fake model ${name}`);
  return {
    manifest: {
      format: 'faceattr-model/1',
      name,
      version: '0',
      inputs: [],
      outputs: [],
      artifacts: { onnx: { entry: 'model.onnx', files: ['model.onnx'] } },
      files: [{ path: 'model.onnx', bytes: bytes.length, sha256: await sha256Hex(bytes) }],
      license: 'MIT',
      source: {},
    },
    files: { 'model.onnx': bytes },
  };
}

/**
 * A fake backend, detector and attribute model (or `null`, for none) that log into one array, so a
 * test sees the order of their calls. Pass everything but `log` to createPipeline().
 */
export function fakePlugins(o: { backend?: FakeOptions; detector?: FakeDetectorOptions; attributeModel?: FakeAttributeModelOptions | null } = {}) {
  const log: string[] = [];
  return {
    /** Every fake's calls, `<name>:<method>`, in order. */
    log,
    /** The fake backend. */
    backend: fakeBackend({ log, ...o.backend }),
    /** The fake detector. */
    detector: fakeDetector({ log, ...o.detector }),
    /** The fake attribute model, or `null` when `attributeModel: null` was passed. */
    attributeModel: o.attributeModel === null ? null : fakeAttributeModel({ log, ...o.attributeModel }),
  };
}
