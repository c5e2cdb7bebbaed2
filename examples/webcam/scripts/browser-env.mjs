// Shared by the browser tests (test/*.browser.test.ts) and the benchmark (bench/run.mjs):
// test media made from face photos, the production build, the static server, headless Chromium.
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startStaticServer } from './static-server.mjs';

export const EXAMPLE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const REPO = path.resolve(EXAMPLE_DIR, '../..');
export const CHROMIUM = process.env.FACEATTR_CHROMIUM ?? '/usr/bin/chromium';
export const FFMPEG = path.join(REPO, 'node_modules/@ffmpeg-installer/linux-x64/ffmpeg');
export const PHOTOS = path.join(REPO, 'node_modules/@vladmandic/face-api/demo');
export const MODELS = path.join(REPO, 'packages/assets/published-models');
/** Git-ignored output folder for media, screenshots and the build. */
export const OUT = path.join(REPO, '.tmp/browser');
export const DIST = path.join(OUT, 'dist');

/** Why the browser suite cannot run here, or undefined when it can. */
export function browserSuiteProblem() {
  if (!existsSync(CHROMIUM)) return `no Chromium at ${CHROMIUM} (Debian: apt-get install -y chromium; or set FACEATTR_CHROMIUM)`;
  if (!existsSync(FFMPEG)) return `no ffmpeg at ${FFMPEG} (optional dependency @ffmpeg-installer/ffmpeg)`;
  if (!existsSync(path.join(MODELS, 'mtcnn-pnet/manifest.json'))) return `no model assets in ${MODELS} (run npm run build)`;
  return undefined;
}

/**
 * A frame made from a demo photo: scaled to fit width x height, centred on black. Writes
 * `<name>.y4m` (`seconds` of the still at 10 fps, what Chromium's fake camera plays, in a loop)
 * and `<name>.rgb` (the first frame decoded back from the y4m, raw RGB: exactly the pixels the
 * camera delivers, up to the browser's own YUV->RGB conversion).
 * @param {{ photo: string, width: number, height: number, name: string, dir: string, seconds?: number, fps?: number, crop?: { x: number, y: number, w: number, h: number } }} o
 */
export function composeFrame(o) {
  mkdirSync(o.dir, { recursive: true });
  const y4m = path.join(o.dir, `${o.name}.y4m`);
  const rgb = path.join(o.dir, `${o.name}.rgb`);
  const crop = o.crop ? `crop=${o.crop.w}:${o.crop.h}:${o.crop.x}:${o.crop.y},` : '';
  const vf = `${crop}scale=${o.width}:${o.height}:force_original_aspect_ratio=decrease,pad=${o.width}:${o.height}:(ow-iw)/2:(oh-ih)/2`;
  const q = ['-hide_banner', '-loglevel', 'error', '-y'];
  execFileSync(FFMPEG, [...q, '-loop', '1', '-i', path.join(PHOTOS, o.photo), '-vf', vf, '-t', String(o.seconds ?? 1), '-r', String(o.fps ?? 10), '-pix_fmt', 'yuv420p', y4m]);
  execFileSync(FFMPEG, [...q, '-i', y4m, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', rgb]);
  return { y4m, rgb, width: o.width, height: o.height, url: `fixtures/${o.name}.rgb` };
}

/**
 * The demo and the harness built into .tmp/browser/dist by the package's own `npm run build` (vite build),
 * so the tests also check that the script a person runs works.
 */
export async function buildApp() {
  await promisify(execFile)('npm', ['run', 'build', '-w', '@faceattr/example-webcam', '--', '--outDir', DIST, '--emptyOutDir', '--logLevel', 'warn'], { cwd: REPO });
  return DIST;
}

/**
 * The fake-camera clip (`scene-640x480.y4m` and its first frame as raw RGB) written into `dir` by the
 * command a person runs, `npm run camera-clip -w @faceattr/example-webcam` (scripts/camera-clip.mjs).
 */
export function makeCameraClip(dir) {
  const out = execFileSync('npm', ['run', '--silent', 'camera-clip', '-w', '@faceattr/example-webcam', '--', '--out', dir, '--json'], { cwd: REPO, encoding: 'utf8' });
  const clip = JSON.parse(out.trim().split('\n').pop() ?? '');
  return { ...clip, url: `fixtures/${path.basename(clip.rgb)}` };
}

/** The built app on 127.0.0.1 (cross-origin isolated), with /models/ and /fixtures/, and `extra` routes. */
export function serveApp(fixturesDir, extra = []) {
  return startStaticServer([
    { prefix: '/models/', dir: MODELS },
    { prefix: '/fixtures/', dir: fixturesDir },
    ...extra,
    { prefix: '/', dir: DIST },
  ]);
}

/**
 * Headless Chromium with a fresh profile. `camera`: a y4m for the fake camera (permission granted
 * by the fake UI); `webgpu`: expose Chromium's WebGPU (SwiftShader here).
 * @param {{ camera?: string, webgpu?: boolean, extraArgs?: string[] }} o
 */
export async function launchChromium(o = {}) {
  const { chromium } = await import('playwright-core');
  const profile = mkdtempSync(path.join(tmpdir(), 'faceattr-chromium-'));
  const args = [
    '--headless=new',
    '--no-sandbox',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--disable-quic',
    '--js-flags=--expose-gc',
    '--enable-precise-memory-info',
    '--enable-blink-features=ForceEagerMeasureMemory',
    ...(o.webgpu ? ['--enable-unsafe-webgpu'] : []),
    ...(o.camera ? ['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${o.camera}`] : ['--use-fake-device-for-media-stream']),
    ...(o.extraArgs ?? []),
  ];
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args,
    viewport: { width: 1000, height: 900 },
  });
  /** Every URL any page of this browser requested. */
  const requests = [];
  context.on('request', (r) => requests.push(r.url()));
  return {
    context,
    requests,
    async close() {
      await context.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** The requests that went anywhere but 127.0.0.1 (data: and blob: URLs stay in the page). */
export function foreignRequests(urls) {
  return urls.filter((u) => {
    if (u.startsWith('data:') || u.startsWith('blob:')) return false;
    try {
      return new URL(u).hostname !== '127.0.0.1';
    } catch {
      return true;
    }
  });
}
