#!/usr/bin/env node
// Browser benchmark: per-stage ms and FPS of pipeline.createTracker() per backend in headless
// Chromium (WebGL2/WebGPU on SwiftShader here: compare backends, not absolute numbers).
// Writes examples/webcam/bench/results.json and the "Browser" section of docs/benchmarks.md.
//
//   node examples/webcam/bench/run.mjs [--no-build] [--backends tfjs-wasm,onnx-wasm] [--no-docs] [--docs-only]
//                                      [--budget-only | --matrix-only] [--frames N] [--rounds N] [--only ID,ID] (budget rows whose id contains one)
//
// Two parts. The frame budget (issue 16; bench/budget.mjs): 640x480 fake-camera frames with 3 faces through
// pipeline.createTracker().next(video) on the wasm backends, today's track() defaults against the code
// before them (canvas read, attributes on every frame), the levers one at a time, and @vladmandic/human on
// the same camera. The matrix: per-stage ms per backend on raw frames, the GPU backends included.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as env from '../scripts/browser-env.mjs';

const args = process.argv.slice(2);
const flag = (f) => args.includes(f);
const opt = (f) => {
  const i = args.indexOf(f);
  return i >= 0 ? args[i + 1] : undefined;
};

const problem = env.browserSuiteProblem();
if (problem) {
  console.error(`bench:browser cannot run: ${problem}`);
  process.exit(1);
}

// Frames per run: the software-GPU backends take seconds (WebGL) to minutes (WebGPU) per frame here.
const FRAMES = { 'tfjs-wasm': 20, 'onnx-wasm': 20, 'tfjs-webgl': 5, 'tfjs-webgpu': 2, 'onnx-webgpu': 2 };
const CONFIGS = [
  // 640x480 webcam frame, three faces (face-api demo/sample1.jpg), MTCNN defaults.
  ...['tfjs-wasm', 'onnx-wasm', 'tfjs-webgl'].map((backend) => ({ frame: 'scene', backend, detector: 'mtcnn' })),
  ...['tfjs-wasm', 'onnx-wasm'].map((backend) => ({ frame: 'scene', backend, detector: 'haar' })),
  // 160x160, one face, MTCNN minFaceSize 40: small enough for every backend.
  ...['tfjs-wasm', 'onnx-wasm', 'tfjs-webgl', 'tfjs-webgpu', 'onnx-webgpu'].map((backend) => ({ frame: 'face', backend, detector: 'mtcnn', minFaceSize: 40 })),
];
const only = opt('--backends')?.split(',');
const configs = CONFIGS.filter((c) => !only || only.includes(c.backend));

if (!flag('--matrix-only')) {
  const { runBudget } = await import('./budget.mjs');
  await runBudget({ build: !flag('--no-build'), docs: !flag('--no-docs'), docsOnly: flag('--docs-only'), frames: Number(opt('--frames') ?? 30), rounds: Number(opt('--rounds') ?? 3), only: opt('--only')?.split(',') });
  if (flag('--budget-only')) process.exit(0);
}

const resultsFile = path.join(env.EXAMPLE_DIR, 'bench/results.json');
let out;
if (flag('--docs-only')) {
  // Regenerate the docs section from the last results.json without running anything.
  out = JSON.parse(readFileSync(resultsFile, 'utf8'));
} else {
  out = await runAll();
  writeFileSync(resultsFile, `${JSON.stringify(out, null, 2)}\n`);
  console.log(`wrote ${path.relative(process.cwd(), resultsFile)}`);
}
const { results, chromium } = out;

async function runAll() {
  const fixtures = path.join(env.OUT, 'fixtures');
  mkdirSync(fixtures, { recursive: true });
  const frames = {
    scene: env.composeFrame({ photo: 'sample1.jpg', width: 640, height: 480, name: 'scene-640x480', dir: fixtures }),
    face: env.composeFrame({ photo: 'sample1.jpg', width: 160, height: 160, name: 'face-160', dir: fixtures, crop: { x: 692, y: 300, w: 480, h: 480 } }),
  };

  if (!flag('--no-build') && flag('--matrix-only')) {
    console.log('building the demo (vite build)...');
    await env.buildApp();
  }
  const server = await env.serveApp(fixtures);
  const browser = await env.launchChromium({ webgpu: true });
  const results = [];
  let info;
  try {
    for (const c of configs) {
      // A fresh page per run: tfjs has one global backend and ORT one wasm instance per page.
      const page = await browser.context.newPage();
      try {
        await page.goto(new URL('harness.html', server.url).toString());
        await page.waitForFunction(() => window.harness !== undefined);
        info ??= await page.evaluate(() => window.harness.info());
        const f = frames[c.frame];
        const spec = { backend: c.backend, detector: c.detector, ...(c.minFaceSize ? { minFaceSize: c.minFaceSize } : {}) };
        if (c.backend.endsWith('webgpu') && info.webgpu) {
          results.push({ ...c, size: `${f.width}x${f.height}`, skipped: info.webgpu });
          console.log(`${c.backend} ${c.detector} ${c.frame}: skipped (${info.webgpu})`);
          continue;
        }
        const n = FRAMES[c.backend];
        const t = Date.now();
        const r = await page.evaluate(([s, fr, n]) => window.harness.bench(s, [fr], n, 1), [spec, { url: f.url, width: f.width, height: f.height }, n]);
        results.push({ ...c, size: `${f.width}x${f.height}`, ...r });
        console.log(`${c.backend} ${c.detector} ${c.frame}: ${r.fps.toFixed(2)} fps, median ${JSON.stringify(r.median)} (${((Date.now() - t) / 1000).toFixed(0)} s)`);
      } catch (e) {
        results.push({ ...c, error: String(e?.message ?? e).split('\n')[0] });
        console.log(`${c.backend} ${c.detector} ${c.frame}: FAILED ${e?.message ?? e}`);
      } finally {
        await page.close();
      }
    }
    const foreign = env.foreignRequests(browser.requests);
    if (foreign.length) throw new Error(`requests left 127.0.0.1: ${foreign.join(', ')}`);
  } finally {
    await browser.close();
    await server.close();
  }

  const chromium = execFileSync(env.CHROMIUM, ['--version'], { encoding: 'utf8' }).trim();
  const out = {
    date: new Date().toISOString(),
    chromium,
    flags: 'headless=new, --enable-unsafe-webgpu (SwiftShader adapter), WebGL2 on ANGLE/SwiftShader, cross-origin isolated',
    page: info,
    machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, loadavg: os.loadavg().map((v) => +v.toFixed(2)) },
    note: 'Software GPU (SwiftShader): only relative numbers between backends on this machine mean anything.',
    results,
  };
  return out;
}

const fmt = (v) => (v >= 100 ? v.toFixed(0) : v.toFixed(1));
const base = (frame, detector) => results.find((r) => r.frame === frame && r.detector === detector && r.backend === 'tfjs-wasm' && r.fps);
const rows = results.map((r) => {
  const label = `${r.size} ${r.frame === 'scene' ? '3 faces' : '1 face'}, ${r.detector}${r.minFaceSize ? ` (min ${r.minFaceSize})` : ''}`;
  if (r.skipped || r.error) return `| ${label} | ${r.backend} | ${r.skipped ? `skipped: ${r.skipped}` : `failed: ${r.error}`} | | | | | | | | | |`;
  const b = base(r.frame, r.detector);
  const rel = b ? `${(b.median.totalMs / r.median.totalMs).toFixed(2)}x` : '';
  const m = r.median;
  return `| ${label} | ${r.backend} | ${r.frames} | ${fmt(m.readMs)} | ${fmt(m.detectMs)} | ${fmt(m.encodeMs)} | ${fmt(m.headsMs)} | ${fmt(m.totalMs)} | ${r.fps.toFixed(2)} | ${rel} | ${fmt(r.loadMs)} | ${fmt(r.firstFrameMs)} |`;
});
const section = `<!-- browser:start -->
## Browser (headless Chromium, software GPU)

Per-stage median ms per frame of \`pipeline.createTracker().next()\` (\`smoothing: 1, attributesEvery: 1\`: detector and
attributes on every frame) in the demo's harness page, after 1 warm-up frame; FPS = frames / wall time. ${chromium}, headless, on this
shared ${out.machine.cpus}-core machine (load average ${out.machine.loadavg.join(' / ')} at the end): **WebGL2 and WebGPU
run on SwiftShader, a CPU implementation of the GPU**, so the GPU rows say nothing about a real GPU. Read them as
relative numbers: "vs tfjs-wasm" is tfjs-wasm's median total / this row's (higher is faster). Page cross-origin
isolated (wasm threads allowed), ${out.date.slice(0, 10)}.

Command: \`npm run bench:browser\` (\`node examples/webcam/bench/run.mjs\`; raw: \`examples/webcam/bench/results.json\`).

| frame, detector | backend | frames | read | detect | encode | heads | total ms | FPS | vs tfjs-wasm | load ms | 1st frame ms |
|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|
${rows.join('\n')}

- "read" is about 0 because the harness feeds raw RGB frames; reading a 640x480 \`<video>\` frame in the demo
  costs 8-19 ms more. "encode" is alignment + the dlib ResNet encoder for every face; "heads" the three heads.
- Each wasm runtime uses its default threads in the cross-origin isolated page: ONNX Runtime web takes half the
  logical cores (1 thread here), tfjs wasm its own pool, so the wasm rows are not a like-for-like thread count.
- \`onnx-webgpu\` is \`executionProviders: ['webgpu', 'wasm']\` (ORT places shape ops on the CPU). The WebGPU rows
  ran on SwiftShader's fallback adapter. "load" is \`createPipeline()\` (runtime start, model download and
  session/graph creation); the first frame (shader compilation on the GPU backends) is not in the medians.
- Correctness in the same setting is covered by \`examples/webcam/test/webcam.browser.test.ts\` (tfjs webgl,
  tfjs webgpu and onnx wasm match tfjs wasm in Node: same labels, ages within 0.5 year; they agreed to 1e-4).
<!-- browser:end -->`;
console.log(`\n${section}\n`);
if (!flag('--no-docs')) {
  const docs = path.join(env.REPO, 'docs/benchmarks.md');
  const text = readFileSync(docs, 'utf8');
  const re = /<!-- browser:start -->[\s\S]*<!-- browser:end -->/;
  writeFileSync(docs, re.test(text) ? text.replace(re, section) : `${text.trimEnd()}\n\n${section}\n`);
  console.log('updated the Browser section of docs/benchmarks.md');
}
