import type { FaceDetector, InferenceBackend } from '@faceattr/core';
import { onnxBackend } from '@faceattr/backend-onnx';
import { tfjsBackend } from '@faceattr/backend-tfjs';
import { haar } from '@faceattr/detector-haar';
import { mtcnn } from '@faceattr/detector-mtcnn';
// The tfjs wasm binaries, emitted by Vite next to the bundle (never a CDN).
import tfjsWasm from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import tfjsWasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import tfjsWasmThreadedSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';

export const BACKEND_CHOICES = ['tfjs-webgpu', 'tfjs-webgl', 'tfjs-wasm', 'onnx-webgpu', 'onnx-wasm'] as const;
export type BackendChoice = (typeof BACKEND_CHOICES)[number];
export const DETECTOR_CHOICES = ['mtcnn', 'haar'] as const;
export type DetectorChoice = (typeof DETECTOR_CHOICES)[number];

export const BACKEND_LABELS: Record<BackendChoice, string> = {
  'tfjs-webgpu': 'TensorFlow.js WebGPU',
  'tfjs-webgl': 'TensorFlow.js WebGL',
  'tfjs-wasm': 'TensorFlow.js WebAssembly',
  'onnx-webgpu': 'ONNX Runtime WebGPU',
  'onnx-wasm': 'ONNX Runtime WebAssembly',
};

export function isBackendChoice(v: unknown): v is BackendChoice {
  return typeof v === 'string' && (BACKEND_CHOICES as readonly string[]).includes(v);
}
export function isDetectorChoice(v: unknown): v is DetectorChoice {
  return typeof v === 'string' && (DETECTOR_CHOICES as readonly string[]).includes(v);
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

/**
 * Creates the backend for a picker choice. In a bundled app the optional tfjs runtimes are
 * imported by the app itself (a literal import the bundler can follow); they register with tfjs.
 */
export async function createBackend(choice: BackendChoice, settings: BackendSettings = {}): Promise<InferenceBackend> {
  const threads = settings.threads;
  switch (choice) {
    case 'tfjs-webgpu':
      await import('@tensorflow/tfjs-backend-webgpu');
      return tfjsBackend({ runtime: 'webgpu' });
    case 'tfjs-webgl':
      await import('@tensorflow/tfjs-backend-webgl');
      return tfjsBackend({ runtime: 'webgl' });
    case 'tfjs-wasm':
      return tfjsBackend({
        runtime: 'wasm',
        wasmPaths: {
          'tfjs-backend-wasm.wasm': tfjsWasm,
          'tfjs-backend-wasm-simd.wasm': tfjsWasmSimd,
          'tfjs-backend-wasm-threaded-simd.wasm': tfjsWasmThreadedSimd,
        },
        ...(threads !== undefined ? { wasmThreads: threads } : {}),
      });
    case 'onnx-webgpu':
      return onnxBackend({ executionProviders: ['webgpu', 'wasm'], ...(threads !== undefined ? { wasmThreads: threads } : {}) });
    case 'onnx-wasm':
      return onnxBackend({ executionProviders: ['wasm'], ...(threads !== undefined ? { wasmThreads: threads } : {}) });
  }
}

export function createDetector(choice: DetectorChoice, options: { minFaceSize?: number } = {}): FaceDetector {
  if (choice === 'haar') return haar(options.minFaceSize !== undefined ? { minSize: options.minFaceSize } : {});
  return mtcnn(options.minFaceSize !== undefined ? { minFaceSize: options.minFaceSize } : {});
}

/** Where the model folders are served (`<base>/<model-name>/manifest.json`): `/models/` beside the page by default. */
export function defaultModelBase(): string {
  return new URL('models/', new URL('./', location.href)).toString();
}
