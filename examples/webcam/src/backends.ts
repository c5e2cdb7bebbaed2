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
