/**
 * Test and benchmark entry points, run in the page by examples/webcam/test/*.browser.test.ts and
 * bench/run.mjs through `window.harness`. Everything goes through the public packages.
 */
import type { BackendMemory, FaceAttributePipeline, RawImage, TrackOptions } from '@faceattr/core';
import { defaultModelBase, webGpuProblem } from './backends.js';
import { openPipeline as open, type PipelineSpec } from './pipeline-spec.js';
import type { WorkerReply, WorkerRequest } from './track-worker.js';

export type { PipelineSpec } from './pipeline-spec.js';

/** Per-frame numbers of a frame-budget run. */
interface BudgetRow {
  readMs: number;
  detectMs: number;
  encodeMs: number;
  headsMs: number;
  totalMs: number;
  faces: number;
  /** Faces whose attributes were predicted on this frame. */
  encoded: number;
}

/** The fake camera (Chromium's --use-file-for-fake-video-capture) playing in a video element. */
async function openCamera(): Promise<{ video: HTMLVideoElement; close(): void }> {
  const stream = await navigator.mediaDevices.getUserMedia({ video: { width: { ideal: 640 }, height: { ideal: 480 } }, audio: false });
  const video = document.createElement('video');
  video.muted = true;
  video.playsInline = true;
  video.srcObject = stream;
  // In the document, as in the demo: the browser keeps presenting its frames.
  video.style.width = '160px';
  document.body.append(video);
  await video.play();
  while (video.readyState < 2 || video.videoWidth === 0) await new Promise((r) => setTimeout(r, 20));
  return {
    video,
    close() {
      stream.getTracks().forEach((t) => t.stop());
      video.srcObject = null;
      video.remove();
    },
  };
}

function median(v: number[]): number {
  const s = [...v].sort((a, b) => a - b);
  return s.length === 0 ? 0 : s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}
const mean = (v: number[]) => (v.length ? v.reduce((a, b) => a + b, 0) / v.length : 0);

/** Runs `fn` and times it. */
async function timed<T>(fn: () => Promise<T>): Promise<{ result: T; wallMs: number }> {
  const t0 = performance.now();
  const result = await fn();
  return { result, wallMs: performance.now() - t0 };
}

/** A gap between two probe callbacks longer than this (setTimeout(0) runs every ~4 ms when idle) is busy time. */
const PROBE_IDLE_MS = 5;

/**
 * How long the page's main thread was blocked while `fn` ran: a setTimeout(0) chain notes the gaps between its
 * callbacks, and each gap beyond PROBE_IDLE_MS is time the thread spent on other work (model runs, pixel reads).
 */
async function mainThreadBusy<T>(fn: () => Promise<T>): Promise<{ result: T; busyMs: number; longestMs: number }> {
  let running = true;
  let last = performance.now();
  let busyMs = 0;
  let longestMs = 0;
  const tick = () => {
    const t = performance.now();
    const gap = t - last;
    if (gap > PROBE_IDLE_MS) busyMs += gap - PROBE_IDLE_MS;
    longestMs = Math.max(longestMs, gap);
    last = t;
    if (running) setTimeout(tick, 0);
  };
  setTimeout(tick, 0);
  try {
    const result = await fn();
    // One more task turn, so the probe sees the last gap (work that never yields to the task queue is one gap).
    await new Promise((r) => setTimeout(r, 0));
    return { result, busyMs, longestMs };
  } finally {
    running = false;
  }
}

/** What the harness asks @vladmandic/human for: its face pipeline (detector, mesh, description: age/gender) on tfjs wasm. */
function humanConfig(cached: boolean) {
  const base = new URL('./', location.href).href;
  const skip = cached ? {} : { skipFrames: 0, skipTime: 0 };
  return {
    backend: 'wasm',
    wasmPath: `${base}tfjs-wasm/`,
    modelBasePath: `${base}human/models/`,
    debug: false,
    warmup: 'none',
    cacheModels: false,
    ...(cached ? {} : { cacheSensitivity: 0 }),
    filter: { enabled: false },
    face: {
      enabled: true,
      detector: { maxDetected: 5, rotation: false, ...skip },
      mesh: { enabled: true },
      iris: { enabled: false },
      emotion: { enabled: false },
      description: { enabled: true, ...skip },
      antispoof: { enabled: false },
      liveness: { enabled: false },
    },
    body: { enabled: false },
    hand: { enabled: false },
    object: { enabled: false },
    gesture: { enabled: false },
    segmentation: { enabled: false },
  };
}

interface HumanLike {
  load(): Promise<void>;
  detect(input: unknown): Promise<{ face: { age?: number; gender?: string; genderScore?: number; box: [number, number, number, number] }[] }>;
  tf: { getBackend(): string };
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
      const tracker = pipeline.createTracker({ smoothing: 1, attributesEvery: 1 });
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

/**
 * The frame budget: `n` frames of the fake camera through `pipeline.createTracker(track).next(video)` as fast
 * as they come (reading included), after `warmup` untimed ones. `canvasRead` hides WebCodecs' VideoFrame from
 * the tracker so it reads the video through a canvas, as before the VideoFrame reader.
 */
async function budget(spec: PipelineSpec, n: number, track: TrackOptions = {}, o: { warmup?: number; canvasRead?: boolean } = {}) {
  const camera = await openCamera();
  const loadStart = performance.now();
  const pipeline = await open(spec);
  const loadMs = performance.now() - loadStart;
  const g = globalThis as { VideoFrame?: unknown };
  const videoFrame = g.VideoFrame;
  if (o.canvasRead) g.VideoFrame = undefined;
  try {
    const tracker = pipeline.createTracker(track);
    for (let i = 0; i < (o.warmup ?? 3); i++) await tracker.next(camera.video);
    const rows: BudgetRow[] = [];
    const probe = await mainThreadBusy(() =>
      timed(async () => {
        for (let i = 0; i < n; i++) {
          const f = await tracker.next(camera.video);
          rows.push({ ...f.timings, faces: f.faces.length, encoded: f.faces.filter((x) => x.attributesAge === 0).length });
        }
      }),
    );
    return { backend: pipeline.backendName, detector: pipeline.detectorName, size: `${camera.video.videoWidth}x${camera.video.videoHeight}`, loadMs, ...budgetStats(rows, probe) };
  } finally {
    g.VideoFrame = videoFrame;
    await pipeline.dispose();
    camera.close();
  }
}

/** A budget run's summary: FPS over the wall time, per-stage medians and means, and the main thread's busy time. */
function budgetStats(rows: BudgetRow[], probe: { result: { wallMs: number }; busyMs: number; longestMs: number }) {
  const n = rows.length;
  const col = (k: keyof BudgetRow) => rows.map((r) => r[k]);
  const encoded = col('encoded').reduce((a, b) => a + b, 0);
  const wallMs = probe.result.wallMs;
  return {
    frames: n,
    fps: n / (wallMs / 1000),
    median: { readMs: median(col('readMs')), detectMs: median(col('detectMs')), encodeMs: median(col('encodeMs')), headsMs: median(col('headsMs')), totalMs: median(col('totalMs')) },
    mean: { readMs: mean(col('readMs')), detectMs: mean(col('detectMs')), encodeMs: mean(col('encodeMs')), headsMs: mean(col('headsMs')), totalMs: mean(col('totalMs')) },
    faces: median(col('faces')),
    /** Share of frames on which at least one face was encoded, and encoder ms per encoded face. */
    encodedFrames: rows.filter((r) => r.encoded > 0).length / n,
    encodeMsPerFace: encoded ? col('encodeMs').reduce((a, b) => a + b, 0) / encoded : null,
    mainThread: mainThreadStats(probe, n),
  };
}

/** The page's main thread over a run of `n` frames: ms blocked per frame, share of the wall time, and its longest block. */
function mainThreadStats(probe: { result: { wallMs: number }; busyMs: number; longestMs: number }, n: number) {
  return { busyMsPerFrame: probe.busyMs / n, busyShare: probe.busyMs / probe.result.wallMs, longestMs: probe.longestMs };
}

/**
 * The frame budget with the whole pipeline in a Web Worker (track-worker.ts): each camera frame is taken as a
 * `VideoFrame` and transferred; the worker tracks it and answers before the next is sent (frames one after
 * another, as in budget()). The page's main thread only takes and posts frames.
 */
async function budgetInWorker(spec: PipelineSpec, n: number, track: TrackOptions = {}, o: { warmup?: number } = {}) {
  const camera = await openCamera();
  const worker = new Worker(new URL('./track-worker.ts', import.meta.url), { type: 'module' });
  const pending: { resolve(r: WorkerReply): void; reject(e: Error): void }[] = [];
  worker.onmessage = (e: MessageEvent<WorkerReply>) => {
    const p = pending.shift();
    if (e.data.type === 'error') p?.reject(new Error(`worker: ${e.data.message}`));
    else p?.resolve(e.data);
  };
  worker.onerror = (e) => pending.splice(0).forEach((p) => p.reject(new Error(`worker failed: ${e.message}`)));
  const call = (m: WorkerRequest, transfer: Transferable[] = []) =>
    new Promise<WorkerReply>((resolve, reject) => {
      pending.push({ resolve, reject });
      worker.postMessage(m, transfer);
    });
  const sendFrame = async () => {
    const frame = new VideoFrame(camera.video);
    const r = await call({ type: 'frame', frame }, [frame]);
    if (r.type !== 'frame') throw new Error(`worker answered ${r.type} to a frame`);
    return r;
  };
  try {
    const loadStart = performance.now();
    const opened = await call({ type: 'open', spec, modelBase: defaultModelBase(), track });
    const loadMs = performance.now() - loadStart;
    if (opened.type !== 'opened') throw new Error(`worker answered ${opened.type} to open`);
    for (let i = 0; i < (o.warmup ?? 3); i++) await sendFrame();
    const rows: BudgetRow[] = [];
    const probe = await mainThreadBusy(() =>
      timed(async () => {
        for (let i = 0; i < n; i++) {
          const r = await sendFrame();
          rows.push({ ...r.timings, faces: r.faces, encoded: r.encoded });
        }
      }),
    );
    return { backend: opened.backend, detector: opened.detector, size: `${camera.video.videoWidth}x${camera.video.videoHeight}`, loadMs, worker: true, ...budgetStats(rows, probe) };
  } finally {
    await call({ type: 'close' }).catch(() => undefined);
    worker.terminate();
    camera.close();
  }
}

/** @vladmandic/human's browser build (served at ./human/) on the same fake camera: `n` detect(video) calls. */
async function humanBudget(n: number, o: { cached: boolean; warmup?: number }) {
  const camera = await openCamera();
  const url = new URL('human/dist/human.esm.js', location.href).href;
  const mod = (await import(/* @vite-ignore */ url)) as { Human: new (config: unknown) => HumanLike };
  const loadStart = performance.now();
  const human = new mod.Human(humanConfig(o.cached));
  await human.load();
  const loadMs = performance.now() - loadStart;
  try {
    let last = await human.detect(camera.video);
    for (let i = 1; i < (o.warmup ?? 3); i++) last = await human.detect(camera.video);
    const totals: number[] = [];
    const faces: number[] = [];
    const probe = await mainThreadBusy(() =>
      timed(async () => {
        for (let i = 0; i < n; i++) {
          const t = performance.now();
          last = await human.detect(camera.video);
          totals.push(performance.now() - t);
          faces.push(last.face.length);
        }
      }),
    );
    const wallMs = probe.result.wallMs;
    return {
      backend: `human ${human.tf.getBackend()}`,
      frames: n,
      loadMs,
      fps: n / (wallMs / 1000),
      median: { totalMs: median(totals) },
      mean: { totalMs: mean(totals) },
      faces: median(faces),
      mainThread: mainThreadStats(probe, n),
      labels: last.face.map((f) => ({ box: f.box, age: f.age, gender: f.gender })),
    };
  } finally {
    camera.close();
  }
}

Object.assign(harness, { budget, budgetInWorker, humanBudget });

export type Harness = typeof harness & { budget: typeof budget; budgetInWorker: typeof budgetInWorker; humanBudget: typeof humanBudget };
(window as unknown as { harness: Harness }).harness = harness as Harness;
document.getElementById('log')!.textContent = 'ready';
