/**
 * Memory soak: FRAMES frames (default 10,000) of a panning 640x480 clip (face-api demo sample1, 3 faces)
 * through pipeline.track() on onnxruntime-node cpu with MTCNN and the attribute model, recording RSS, the JS
 * heap, external/ArrayBuffer memory and the backend's live models every EVERY frames. The claim it checks:
 * memory is flat after warm-up (issue 14: 1,500 frames once went 165 -> 203 MB and stayed).
 *
 *   npm run bench -- track-soak                       (FACEATTR_SOAK_FRAMES=2000 for a shorter run)
 *
 * Writes packages/eval/bench/track-soak-results.json.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createPipeline, resizeImage, type RgbImage } from '@faceattr/core';
import { decodeImage } from '@faceattr/core/node';
import { onnxBackend } from '@faceattr/backend-onnx';
import { mtcnn } from '@faceattr/detector-mtcnn';
import { faceAttributes } from '@faceattr/attributes';
import { demoPhoto } from '@faceattr/test-support';

const FRAMES = Number(process.env['FACEATTR_SOAK_FRAMES'] ?? 10_000);
const EVERY = Math.max(1, Math.round(FRAMES / 40));
/** Samples before this frame are warm-up (sessions, arenas and JIT settling) and left out of the slope. */
const WARMUP = Math.min(1000, Math.floor(FRAMES / 5));

/** 64 crops of a 960x640 copy of the photo, panning left-right: the clip cycles through them, so the source allocates nothing per frame. */
const wide = resizeImage(await decodeImage(demoPhoto(1)), 960, 640);
function crop(img: RgbImage, x0: number, y0: number, w: number, h: number): RgbImage {
  const data = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) data.set(img.data.subarray(((y0 + y) * img.width + x0) * 3, ((y0 + y) * img.width + x0 + w) * 3), y * w * 3);
  return { data, width: w, height: h, channels: 3 };
}
const clip = Array.from({ length: 64 }, (_, i) => crop(wide, Math.round(160 * (1 + Math.sin((i / 64) * 2 * Math.PI))), 80, 640, 480));

function* frames() {
  for (let i = 0; i < FRAMES; i++) yield { image: clip[i % clip.length]!, timestampMs: i * (1000 / 30) };
}

const MB = 2 ** 20;
const round = (v: number) => Math.round(v * 10) / 10;
const pipeline = await createPipeline({ backend: onnxBackend(), detector: mtcnn(), attributeModel: faceAttributes() });
const samples: { frame: number; seconds: number; rssMB: number; heapUsedMB: number; externalMB: number; arrayBuffersMB: number; models: number; faces: number; maxTrackId: number }[] = [];
const t0 = performance.now();
let maxTrackId = 0;
const handle = pipeline.track(frames(), (f) => {
  for (const face of f.faces) maxTrackId = Math.max(maxTrackId, face.trackId);
  const n = f.frameIndex + 1;
  if (n % EVERY !== 0 && n !== 1) return;
  const m = process.memoryUsage();
  samples.push({
    frame: n,
    seconds: round((performance.now() - t0) / 1000),
    rssMB: round(m.rss / MB),
    heapUsedMB: round(m.heapUsed / MB),
    externalMB: round(m.external / MB),
    arrayBuffersMB: round(m.arrayBuffers / MB),
    models: pipeline.memory().models,
    faces: f.faces.length,
    maxTrackId,
  });
  const s = samples.at(-1)!;
  console.log(`frame ${n}: rss ${s.rssMB} MB, heap ${s.heapUsedMB} MB, external ${s.externalMB} MB, models ${s.models}, faces ${s.faces}, ${s.seconds} s`);
});
await handle.done;
await pipeline.dispose();

/** Least-squares slope of RSS over frames after warm-up, in MB per 1,000 frames. */
const after = samples.filter((s) => s.frame >= WARMUP);
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const fx = mean(after.map((s) => s.frame));
const fy = mean(after.map((s) => s.rssMB));
const slope = after.reduce((a, s) => a + (s.frame - fx) * (s.rssMB - fy), 0) / Math.max(1e-9, after.reduce((a, s) => a + (s.frame - fx) ** 2, 0));
const rss = after.map((s) => s.rssMB);
const summary = {
  date: new Date().toISOString(),
  backend: 'onnx-cpu',
  frame: '640x480',
  frames: FRAMES,
  every: EVERY,
  warmupFrames: WARMUP,
  seconds: round((performance.now() - t0) / 1000),
  rssAtWarmupMB: after[0]?.rssMB,
  rssEndMB: after.at(-1)?.rssMB,
  rssMinMaxAfterWarmupMB: [Math.min(...rss), Math.max(...rss)],
  rssSlopeMBPer1000Frames: round(slope * 1000),
  maxTrackId,
  samples,
};
writeFileSync(join(import.meta.dirname, 'track-soak-results.json'), `${JSON.stringify(summary, null, 2)}\n`);
console.log(`${FRAMES} frames in ${summary.seconds} s; RSS after warm-up ${summary.rssAtWarmupMB} -> ${summary.rssEndMB} MB (min/max ${summary.rssMinMaxAfterWarmupMB.join('/')}), slope ${summary.rssSlopeMBPer1000Frames} MB per 1,000 frames`);
