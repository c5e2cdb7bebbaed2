/**
 * Test and benchmark entry points, run in the page by examples/webcam/test/*.browser.test.ts and
 * bench/run.mjs through `window.harness`. Everything goes through the public packages.
 */
import { createPipeline, type AttributeName, type BackendMemory, type FaceAttributePipeline, type RawImage, type TrackOptions } from '@faceattr/core';
import { faceAttributes } from '@faceattr/attributes';
import { createBackend, createDetector, defaultModelBase, webGpuProblem, type BackendChoice, type DetectorChoice } from './backends.js';

export interface PipelineSpec {
  backend: BackendChoice;
  detector: DetectorChoice;
  attributes?: AttributeName[];
  threads?: number;
  minFaceSize?: number;
}

/** A raw RGB frame served by the test (`width*height*3` bytes). */
export interface FrameRef {
  url: string;
  width: number;
  height: number;
}

async function loadFrame(f: FrameRef): Promise<RawImage> {
  const res = await fetch(f.url);
  if (!res.ok) throw new Error(`GET ${f.url}: ${res.status}`);
  const data = new Uint8Array(await res.arrayBuffer());
  if (data.length !== f.width * f.height * 3) throw new Error(`${f.url}: ${data.length} bytes, expected ${f.width}x${f.height}x3`);
  return { data, width: f.width, height: f.height, channels: 3 };
}

async function open(spec: PipelineSpec): Promise<FaceAttributePipeline> {
  const backend = await createBackend(spec.backend, spec.threads !== undefined ? { threads: spec.threads } : {});
  return createPipeline({
    backend,
    detector: await createDetector(spec.detector, spec.minFaceSize !== undefined ? { minFaceSize: spec.minFaceSize } : {}),
    attributeModel: faceAttributes(),
    attributes: spec.attributes ?? ['age', 'gender'],
    modelBasePath: defaultModelBase(),
  });
}

function heapBytes(): number | null {
  const m = (performance as Performance & { memory?: { usedJSHeapSize: number } }).memory;
  return m ? m.usedJSHeapSize : null;
}

function collect(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/** Total memory of the page (JS heap + wasm memories + array buffers) where the browser can measure it. */
async function pageBytes(): Promise<number | null> {
  const p = performance as Performance & { measureUserAgentSpecificMemory?: () => Promise<{ bytes: number }> };
  if (!crossOriginIsolated || !p.measureUserAgentSpecificMemory) return null;
  try {
    return (await p.measureUserAgentSpecificMemory()).bytes;
  } catch {
    return null;
  }
}

const harness = {
  async info() {
    return {
      crossOriginIsolated,
      webgpu: (await webGpuProblem()) ?? null,
      hardwareConcurrency: navigator.hardwareConcurrency,
      userAgent: navigator.userAgent,
    };
  },

  /** Runs detect() on each frame: the faces (box, score, attributes) per frame. */
  async analyze(spec: PipelineSpec, frames: FrameRef[]) {
    const pipeline = await open(spec);
    try {
      const out = [];
      for (const f of frames) {
        const image = await loadFrame(f);
        const t0 = performance.now();
        const faces = await pipeline.detect(image);
        out.push({ ms: performance.now() - t0, faces: faces.map(({ embedding: _e, ...rest }) => rest) });
      }
      return { backend: pipeline.backendName, detector: pipeline.detectorName, frames: out, memory: pipeline.memory() };
    } finally {
      await pipeline.dispose();
    }
  },

  /**
   * Pushes `n` frames through `pipeline.createTracker()` (cycling over `frames`), sampling the
   * backend's memory every `every` frames.
   */
  async longRun(spec: PipelineSpec, frames: FrameRef[], n: number, track: TrackOptions = {}, every = 100) {
    const pipeline = await open(spec);
    try {
      const images = await Promise.all(frames.map(loadFrame));
      const tracker = pipeline.createTracker(track);
      const samples: { frame: number; memory: BackendMemory; heap: number | null }[] = [];
      const ids = new Set<number>();
      let startBytes: number | null = null;
      let faces = 0;
      let detected = 0;
      const t0 = performance.now();
      for (let i = 0; i < n; i++) {
        const frame = await tracker.next(images[i % images.length]!, i * 33);
        faces += frame.faces.length;
        if (frame.detected) detected++;
        for (const f of frame.faces) ids.add(f.trackId);
        if ((i + 1) % every === 0 || i === 0) {
          collect();
          samples.push({ frame: i + 1, memory: pipeline.memory(), heap: heapBytes() });
          if (i + 1 === every) startBytes = await pageBytes();
        }
      }
      const seconds = (performance.now() - t0) / 1000;
      const endBytes = startBytes === null ? null : await pageBytes();
      return {
        backend: pipeline.backendName,
        frames: n,
        seconds,
        faces,
        detected,
        trackIds: [...ids],
        samples,
        /** measureUserAgentSpecificMemory() (JS heaps + wasm memories) after frame `every` and at the end. */
        pageBytes: startBytes !== null && endBytes !== null ? { start: startBytes, end: endBytes } : null,
      };
    } finally {
      await pipeline.dispose();
    }
  },

  /** Per-stage wall time and FPS over `n` tracked frames after `warmup` untimed ones. */
  async bench(spec: PipelineSpec, frames: FrameRef[], n: number, warmup = 2) {
    const loadStart = performance.now();
    const pipeline = await open(spec);
    const loadMs = performance.now() - loadStart;
    try {
      const images = await Promise.all(frames.map(loadFrame));
      const tracker = pipeline.createTracker({ smoothing: 1 });
      const firstStart = performance.now();
      await tracker.next(images[0]!, 0);
      const firstMs = performance.now() - firstStart;
      for (let i = 1; i < warmup; i++) await tracker.next(images[i % images.length]!, i * 33);
      const rows: { readMs: number; detectMs: number; encodeMs: number; headsMs: number; totalMs: number; faces: number }[] = [];
      const t0 = performance.now();
      for (let i = 0; i < n; i++) {
        const f = await tracker.next(images[i % images.length]!, (warmup + i) * 33);
        rows.push({ ...f.timings, faces: f.faces.length });
      }
      const wall = performance.now() - t0;
      const med = (k: keyof (typeof rows)[number]) => {
        const v = rows.map((r) => r[k]).sort((a, b) => a - b);
        return v.length % 2 ? v[(v.length - 1) / 2]! : (v[v.length / 2 - 1]! + v[v.length / 2]!) / 2;
      };
      return {
        backend: pipeline.backendName,
        detector: pipeline.detectorName,
        frames: n,
        loadMs,
        firstFrameMs: firstMs,
        median: { readMs: med('readMs'), detectMs: med('detectMs'), encodeMs: med('encodeMs'), headsMs: med('headsMs'), totalMs: med('totalMs') },
        fps: n / (wall / 1000),
        faces: med('faces'),
      };
    } finally {
      await pipeline.dispose();
    }
  },
};

export type Harness = typeof harness;
(window as unknown as { harness: Harness }).harness = harness;
document.getElementById('log')!.textContent = 'ready';
