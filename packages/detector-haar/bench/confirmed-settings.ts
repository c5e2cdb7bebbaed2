/**
 * The sweep behind haar()'s confirmed-mode settings (src/confirm.ts, CONFIRMED_SETTINGS): each variant
 * changes one setting and runs the same cascade search + one O-Net call on face-api's six demo photos
 * fitted into 640x480 and 1280x720 (22 hand-checked faces, IoU >= 0.5, one box per face). Per variant
 * and size: faces found and extra boxes after O-Net, the same for the cascade's candidates alone
 * (what O-Net is given), candidates per frame, and the median process CPU ms of the cascade searches.
 *
 *   npx tsx --conditions=@faceattr/source packages/detector-haar/bench/confirmed-settings.ts
 *
 * Writes packages/detector-haar/bench/confirmed-settings.json. Runs on onnxruntime-node.
 */
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { createModelContext } from '@faceattr/core';
import { onnxBackend } from '@faceattr/backend-onnx';
import { loadOnetStage } from '@faceattr/detector-mtcnn';
import { CONFIRMED_SETTINGS, confirmWithOnet, haarCandidates, type ConfirmedSettings } from '../src/confirm.js';
import { decodeCascade, HAAR_MODEL_NAME } from '../src/index.js';
import { demoFrames, matchFaces } from '../test/support.js';

const VARIANTS: [string, Partial<ConfirmedSettings>][] = [
  ['kept', {}],
  ['no turned searches', { tiltDegrees: [] }],
  ['turned ±15', { tiltDegrees: [15, -15] }],
  ['turned ±18', { tiltDegrees: [18, -18] }],
  ['turned ±22', { tiltDegrees: [22, -22] }],
  ['turned ±25', { tiltDegrees: [25, -25] }],
  ['turned ±30', { tiltDegrees: [30, -30] }],
  ['turned scale 0.5', { tiltScale: 0.5 }],
  ['turned scale 0.75', { tiltScale: 0.75 }],
  ['turned step 1.1', { tiltScaleFactor: 1.1 }],
  ['turned step 1.3', { tiltScaleFactor: 1.3 }],
  ['turned scale 0.75, step 1.1', { tiltScale: 0.75, tiltScaleFactor: 1.1 }],
  ['minNeighbors 2', { minNeighbors: 2 }],
  ['minNeighbors 3 (OpenCV)', { minNeighbors: 3 }],
  ["O-Net's crop as the box", { box: 'crop' }],
];

const median = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const round = (v: number, d = 1) => Math.round(v * 10 ** d) / 10 ** d;

const backend = onnxBackend();
await backend.init();
const ctx = createModelContext(backend);
const asset = await ctx.loadAsset(HAAR_MODEL_NAME, 'data');
const cascade = decodeCascade(asset.files.get(asset.manifest.artifacts.data!.entry)!);
const onet = await loadOnetStage(ctx);
const sizes = { '640x480': await demoFrames(640, 480), '1280x720': await demoFrames(1280, 720) };

const rows: Record<string, unknown>[] = [];
for (const [name, change] of VARIANTS) {
  const settings: ConfirmedSettings = { ...CONFIRMED_SETTINGS, ...change };
  const row: Record<string, unknown> = { variant: name, change };
  for (const [size, frames] of Object.entries(sizes)) {
    const t = { found: 0, extra: 0, candidatesFound: 0, candidatesExtra: 0, candidates: 0, cpu: [] as number[] };
    for (const f of frames) {
      const c0 = process.cpuUsage();
      const candidates = haarCandidates(cascade, f.image, { minNeighbors: settings.minNeighbors }, settings);
      const c1 = process.cpuUsage(c0);
      t.cpu.push((c1.user + c1.system) / 1000);
      const faces = await confirmWithOnet(onet, f.image, candidates, settings);
      const m = matchFaces(f.faces, faces.map((x) => x.box));
      const mc = matchFaces(f.faces, candidates);
      Object.assign(t, { found: t.found + m.found, extra: t.extra + m.extra, candidatesFound: t.candidatesFound + mc.found, candidatesExtra: t.candidatesExtra + mc.extra, candidates: t.candidates + candidates.length });
    }
    row[size] = { found: `${t.found}/22`, extra: t.extra, candidates: `${t.candidatesFound}/22 found, ${t.candidatesExtra} extra`, candidatesPerFrame: round(t.candidates / frames.length), cascadeCpuMs: round(median(t.cpu)) };
  }
  rows.push(row);
  console.log(JSON.stringify(row));
}
await onet.release();
await backend.dispose();

writeFileSync(
  join(import.meta.dirname, 'confirmed-settings.json'),
  `${JSON.stringify({ command: 'npx tsx --conditions=@faceattr/source packages/detector-haar/bench/confirmed-settings.ts', date: new Date().toISOString(), machine: { node: process.version, cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, loadAverage1m: round(loadavg()[0] ?? 0, 2) }, kept: CONFIRMED_SETTINGS, rows }, null, 2)}\n`,
);
