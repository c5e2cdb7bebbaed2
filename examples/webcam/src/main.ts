import {
  createPipeline,
  describeError,
  type AttributeName,
  type BackendMemory,
  type FaceAttributePipeline,
  type TrackFrame,
  type TrackHandle,
  type TrackOptions,
} from '@faceattr/core';
import { faceAttributes } from '@faceattr/attributes';
import {
  BACKEND_CHOICES,
  DETECTOR_CHOICES,
  backendLabel,
  createBackend,
  createDetector,
  defaultModelBase,
  isBackendChoice,
  isDetectorChoice,
  pickDefaultBackend,
  webGpuProblem,
  type BackendChoice,
  type DetectorChoice,
} from './backends.js';
import { drawFaces, faceLabel } from './overlay.js';

/** What the page exposes for its browser tests (and for curious users in the console). */
export interface DemoState {
  status: 'idle' | 'starting' | 'running' | 'stopped' | 'error';
  message: string;
  backend: BackendChoice;
  /** Why the page runs this backend (software WebGL, the URL, the user's pick). */
  backendReason: string;
  /** WebGL's renderer as the page found it, null without WebGL. */
  renderer: string | null;
  /** Whether that renderer is a software one (then WebGL is not the default). */
  softwareRenderer: boolean;
  detector: DetectorChoice;
  race: boolean;
  /** Why WebGPU cannot run here, if it cannot. */
  webgpu: string | null;
  frames: number;
  lastFrame: TrackFrame | null;
  /** Labels drawn for the last frame, one string per face. */
  labels: string[];
  memory: BackendMemory | null;
}

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const backendSelect = $<HTMLSelectElement>('backend');
const detectorSelect = $<HTMLSelectElement>('detector');
const raceBox = $<HTMLInputElement>('race');
const startButton = $<HTMLButtonElement>('start');
const stopButton = $<HTMLButtonElement>('stop');
const message = $<HTMLParagraphElement>('message');
const backendNote = $<HTMLParagraphElement>('backend-note');
const video = $<HTMLVideoElement>('video');
const overlay = $<HTMLCanvasElement>('overlay');

const params = new URLSearchParams(location.search);
const numParam = (k: string) => (params.has(k) ? Number(params.get(k)) : undefined);

// The default backend: WebGL on a hardware GPU, else WebAssembly (WebGL on a software renderer is far slower).
const picked = pickDefaultBackend();
const urlBackend = isBackendChoice(params.get('backend')) ? (params.get('backend') as BackendChoice) : undefined;

const state: DemoState = {
  status: 'idle',
  message: message.textContent ?? '',
  backend: urlBackend ?? picked.backend,
  backendReason: urlBackend ? `${backendLabel(urlBackend)}, set by the page's URL (?backend=${urlBackend}).` : picked.reason,
  renderer: picked.renderer,
  softwareRenderer: picked.softwareRenderer,
  detector: isDetectorChoice(params.get('detector')) ? (params.get('detector') as DetectorChoice) : 'mtcnn',
  race: params.get('race') === '1',
  webgpu: null,
  frames: 0,
  lastFrame: null,
  labels: [],
  memory: null,
};
(window as unknown as { faceattrDemo: DemoState }).faceattrDemo = state;

for (const b of BACKEND_CHOICES) backendSelect.add(new Option(b.label, b.name));
for (const d of DETECTOR_CHOICES) detectorSelect.add(new Option(d.label, d.name));
backendSelect.value = state.backend;
showBackendReason();

function showBackendReason(): void {
  backendNote.textContent = `Backend: ${state.backendReason}`;
}
detectorSelect.value = state.detector;
raceBox.checked = state.race;
$('race-note').hidden = !state.race;

function say(text: string, error = false): void {
  state.message = text;
  message.textContent = text;
  message.classList.toggle('error', error);
}

function fail(text: string): void {
  state.status = 'error';
  say(text, true);
}

function attributes(): AttributeName[] {
  return state.race ? ['age', 'gender', 'race'] : ['age', 'gender'];
}

let stream: MediaStream | null = null;
let pipeline: FaceAttributePipeline | null = null;
let handle: TrackHandle | null = null;
let session = 0;

function cameraError(e: unknown): string {
  const name = (e as { name?: string })?.name;
  if (name === 'NotAllowedError' || name === 'SecurityError') return 'Camera permission was denied. Allow camera access for this page in the browser settings, then press Start again.';
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return 'No camera was found. Connect a camera and press Start again.';
  if (name === 'NotReadableError' || name === 'AbortError') return 'The camera could not be opened; another application may be using it.';
  return `The camera could not be started: ${describeError(e)}`;
}

const ms = (v: number) => `${v.toFixed(1)} ms`;
function showStats(frame: TrackFrame, memory: BackendMemory): void {
  $('stat-fps').textContent = frame.fps.toFixed(1);
  $('stat-faces').textContent = String(frame.faces.length);
  $('stat-frames').textContent = String(frame.frameIndex + 1);
  $('stat-read').textContent = ms(frame.timings.readMs);
  $('stat-detect').textContent = frame.detected ? `${ms(frame.timings.detectMs)}${frame.searched ? '' : ' (follow)'}` : 'skipped';
  $('stat-encode').textContent = ms(frame.timings.encodeMs);
  $('stat-heads').textContent = ms(frame.timings.headsMs);
  $('stat-total').textContent = ms(frame.timings.totalMs);
  $('stat-memory').textContent = memory.tensors !== undefined ? `${memory.tensors} tensors` : `${memory.models} sessions`;
}

function onFrame(frame: TrackFrame): void {
  if (!pipeline) return;
  state.frames = frame.frameIndex + 1;
  state.lastFrame = frame;
  state.labels = frame.faces.map((f) => faceLabel(f).join(' | '));
  state.memory = pipeline.memory();
  drawFaces(overlay, frame.width, frame.height, frame.faces);
  showStats(frame, state.memory);
  if (state.status !== 'running') {
    state.status = 'running';
    say(`Running on ${backendLabel(state.backend)} with ${state.detector}.`);
  }
}

function follow(p: FaceAttributePipeline, id: number): void {
  const opts: TrackOptions = { attributes: attributes() };
  const every = numParam('detectEvery');
  if (every) opts.detectEvery = every;
  const h = p.track(video, onFrame, opts);
  handle = h;
  h.done.then(
    () => undefined,
    (e: unknown) => {
      if (id === session) fail(`Processing stopped: ${describeError(e)}`);
    },
  );
}

async function start(): Promise<void> {
  const id = ++session;
  await stop(false);
  state.backend = backendSelect.value as BackendChoice;
  state.detector = detectorSelect.value as DetectorChoice;
  state.status = 'starting';
  state.frames = 0;
  state.lastFrame = null;
  startButton.disabled = true;
  stopButton.disabled = false;
  if (state.backend.endsWith('webgpu')) {
    const problem = await webGpuProblem();
    state.webgpu = problem ?? null;
    if (problem) {
      fail(`WebGPU is unavailable: ${problem}`);
      startButton.disabled = false;
      stopButton.disabled = true;
      return;
    }
  }
  if (!navigator.mediaDevices?.getUserMedia) {
    fail('The camera API is unavailable: open this page over https or from localhost/127.0.0.1, in a browser with camera support.');
    startButton.disabled = false;
    stopButton.disabled = true;
    return;
  }
  say('Asking for camera permission…');
  try {
    stream = await navigator.mediaDevices.getUserMedia({ video: { width: { ideal: 640 }, height: { ideal: 480 } }, audio: false });
  } catch (e) {
    fail(cameraError(e));
    startButton.disabled = false;
    stopButton.disabled = true;
    return;
  }
  if (id !== session) return;
  video.srcObject = stream;
  await video.play();
  say(`Loading models for ${backendLabel(state.backend)} and ${state.detector}…`);
  try {
    const threads = numParam('threads');
    const backend = await createBackend(state.backend, threads !== undefined ? { threads } : {});
    const minFaceSize = numParam('minFaceSize');
    pipeline = await createPipeline({
      backend,
      detector: await createDetector(state.detector, minFaceSize !== undefined ? { minFaceSize } : {}),
      attributeModel: faceAttributes(),
      attributes: attributes(),
      modelBasePath: params.get('models') ?? defaultModelBase(),
    });
  } catch (e) {
    if (id === session) {
      fail(`${backendLabel(state.backend)} could not start: ${describeError(e)}`);
      await stop(false);
      startButton.disabled = false;
    }
    return;
  }
  if (id !== session) return;
  say('Models loaded; waiting for the first frame…');
  follow(pipeline, id);
}

async function stop(userStop = true): Promise<void> {
  const h = handle;
  const p = pipeline;
  handle = null;
  pipeline = null;
  if (h) {
    h.stop();
    await h.done.catch(() => undefined);
  }
  if (p) await p.dispose().catch(() => undefined);
  stream?.getTracks().forEach((t) => t.stop());
  stream = null;
  video.srcObject = null;
  if (userStop) {
    session++;
    state.status = 'stopped';
    say('Stopped. The camera is off.');
    startButton.disabled = false;
    stopButton.disabled = true;
    overlay.getContext('2d')?.clearRect(0, 0, overlay.width, overlay.height);
  }
}

startButton.addEventListener('click', () => void start());
stopButton.addEventListener('click', () => void stop());
backendSelect.addEventListener('change', () => {
  const software = state.softwareRenderer && backendSelect.value.endsWith('webgl') ? ` WebGL here is software-rendered ("${state.renderer}"), so expect it to be slow.` : '';
  state.backendReason = `${backendLabel(backendSelect.value)}, picked by you.${software}`;
  showBackendReason();
});
for (const s of [backendSelect, detectorSelect]) {
  s.addEventListener('change', () => {
    if (pipeline || state.status === 'starting') void start();
  });
}
raceBox.addEventListener('change', async () => {
  state.race = raceBox.checked;
  $('race-note').hidden = !state.race;
  // Same pipeline and camera; only the attributes the tracker asks for change.
  if (pipeline && handle) {
    const h = handle;
    h.stop();
    await h.done.catch(() => undefined);
    if (pipeline) follow(pipeline, session);
  }
});

// Mark the WebGPU entries when this browser has no adapter, before anyone picks them.
void webGpuProblem().then((problem) => {
  state.webgpu = problem ?? null;
  if (!problem) return;
  for (const o of Array.from(backendSelect.options)) {
    if (o.value.endsWith('webgpu')) o.text += ' (unavailable here)';
  }
});

if (params.get('autostart') === '1') void start();
