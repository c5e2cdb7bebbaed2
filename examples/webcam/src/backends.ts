import { backends, detectors, type FaceDetector, type InferenceBackend, type PluginEntry } from '@faceattr/core';
// The registries are the pickers' one list of names and labels (the browser entries register the browser runtimes).
import '@faceattr/backend-tfjs/register';
import '@faceattr/backend-onnx/register';
import '@faceattr/detector-mtcnn/register';
import '@faceattr/detector-haar/register';
// The tfjs wasm binaries, emitted by Vite next to the bundle (never a CDN).
import tfjsWasm from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import tfjsWasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import tfjsWasmThreadedSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';

/** A registered backend name (`tfjs-webgl`, `onnx-wasm`…). */
export type BackendChoice = string;
/** A registered detector name (`mtcnn`, `haar`). */
export type DetectorChoice = string;

// Aliases (`tfjs`, `onnx`) would list a runtime twice.
const pickable = (entries: PluginEntry[]) => entries.filter((e) => !e.aliasOf);
/** The picker's entries, preferred first. */
export const BACKEND_CHOICES: readonly PluginEntry[] = pickable(backends.entries());
export const DETECTOR_CHOICES: readonly PluginEntry[] = pickable(detectors.entries());

export function isBackendChoice(v: unknown): v is BackendChoice {
  return BACKEND_CHOICES.some((e) => e.name === v);
}
export function isDetectorChoice(v: unknown): v is DetectorChoice {
  return DETECTOR_CHOICES.some((e) => e.name === v);
}
export function backendLabel(name: BackendChoice): string {
  return backends.get(name)?.label ?? name;
}

export interface BackendSettings {
  /** Threads for the wasm runtimes (needs cross-origin isolation); default: the runtime's choice. */
  threads?: number;
}

/** Why WebGPU cannot run here, or undefined when an adapter exists. */
export async function webGpuProblem(): Promise<string | undefined> {
  const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
  if (!gpu) return 'This browser has no WebGPU (navigator.gpu is missing). Pick a WebGL or WebAssembly backend, or use a WebGPU-capable browser.';
  try {
    if (!(await gpu.requestAdapter())) return 'WebGPU is present but no GPU adapter was found. Pick a WebGL or WebAssembly backend.';
  } catch (e) {
    return `WebGPU failed to provide an adapter (${String(e)}). Pick a WebGL or WebAssembly backend.`;
  }
  return undefined;
}

/** A renderer string that names a software (CPU) implementation of the GPU. */
const SOFTWARE_RENDERER = /swiftshader|llvmpipe|softpipe|software|basic render|mesa offscreen|lavapipe/i;

/** The WebAssembly backend the page falls back to when there is no hardware GPU: see `docs/benchmarks.md`. */
export const WASM_DEFAULT: BackendChoice = 'tfjs-wasm';
/** The GPU backend when WebGL runs on a hardware GPU. */
export const GPU_DEFAULT: BackendChoice = 'tfjs-webgl';

/** What the page found about the GPU and which backend it starts with. */
export interface DefaultBackend {
  backend: BackendChoice;
  /** One sentence for the page: why this backend. */
  reason: string;
  /** WebGL's renderer (unmasked where the browser allows), or null without WebGL. */
  renderer: string | null;
  /** Whether that renderer is a software implementation (SwiftShader, llvmpipe...). */
  softwareRenderer: boolean;
}

/**
 * WebGL's renderer: WEBGL_debug_renderer_info's unmasked name where the browser exposes it. Also asks for a
 * context with `failIfMajorPerformanceCaveat`, which browsers refuse when WebGL would run in software.
 */
export function webGlRenderer(): { renderer: string | null; caveat: boolean } {
  const canvas = document.createElement('canvas');
  const gl = canvas.getContext('webgl2') ?? canvas.getContext('webgl');
  if (!gl) return { renderer: null, caveat: true };
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  const renderer = String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
  gl.getExtension('WEBGL_lose_context')?.loseContext();
  const strict = document.createElement('canvas').getContext('webgl2', { failIfMajorPerformanceCaveat: true });
  const caveat = strict === null;
  strict?.getExtension('WEBGL_lose_context')?.loseContext();
  return { renderer, caveat };
}

/**
 * The backend to start with: WebGL on a hardware GPU, else WebAssembly. WebGL on a software renderer
 * (SwiftShader, llvmpipe: headless browsers, VMs, blocklisted GPUs) runs the models on the CPU through a
 * shader emulator, far slower than WebAssembly (docs/benchmarks.md: tens of times).
 */
export function pickDefaultBackend(): DefaultBackend {
  const { renderer, caveat } = webGlRenderer();
  const wasm = backendLabel(WASM_DEFAULT);
  if (renderer === null) {
    return { backend: WASM_DEFAULT, renderer, softwareRenderer: false, reason: `${wasm}, because this browser has no WebGL.` };
  }
  const software = SOFTWARE_RENDERER.test(renderer) || caveat;
  if (software) {
    const what = SOFTWARE_RENDERER.test(renderer) ? `"${renderer}", a software renderer` : `"${renderer}", which the browser flags as slow (failIfMajorPerformanceCaveat)`;
    return {
      backend: WASM_DEFAULT,
      renderer,
      softwareRenderer: true,
      reason: `${wasm}, because WebGL here runs on ${what}: the models would run on the CPU through a GPU emulator, many times slower than WebAssembly.`,
    };
  }
  return { backend: GPU_DEFAULT, renderer, softwareRenderer: false, reason: `${backendLabel(GPU_DEFAULT)}, because WebGL runs on a hardware GPU ("${renderer}").` };
}

const TFJS_WASM_PATHS = {
  'tfjs-backend-wasm.wasm': tfjsWasm,
  'tfjs-backend-wasm-simd.wasm': tfjsWasmSimd,
  'tfjs-backend-wasm-threaded-simd.wasm': tfjsWasmThreadedSimd,
};

/**
 * Creates and initialises the backend for a picker choice. In a bundled app the optional tfjs GPU
 * runtimes are imported by the app itself (a literal import the bundler can follow); they register with tfjs.
 */
export async function createBackend(choice: BackendChoice, settings: BackendSettings = {}): Promise<InferenceBackend> {
  if (choice === 'tfjs-webgpu') await import('@tensorflow/tfjs-backend-webgpu');
  if (choice === 'tfjs-webgl') await import('@tensorflow/tfjs-backend-webgl');
  const threads = settings.threads !== undefined ? { wasmThreads: settings.threads } : {};
  // tfjs's wasmPaths name its own binaries; onnxruntime-web finds its own next to the bundle.
  const options = choice.startsWith('tfjs') ? { ...threads, wasmPaths: TFJS_WASM_PATHS } : threads;
  return (await backends.create(choice, options)).instance;
}

export async function createDetector(choice: DetectorChoice, options: { minFaceSize?: number } = {}): Promise<FaceDetector> {
  const size = options.minFaceSize;
  // Haar calls its smallest face `minSize`.
  const pluginOptions = size === undefined ? {} : choice === 'haar' ? { minSize: size } : { minFaceSize: size };
  return (await detectors.create(choice, pluginOptions)).instance;
}

/** Where the model folders are served (`<base>/<model-name>/manifest.json`): `/models/` beside the page by default. */
export function defaultModelBase(): string {
  return new URL('models/', new URL('./', location.href)).toString();
}
