#!/usr/bin/env node
// Makes the fake-camera clip the browser tests use: face-api's demo/sample1.jpg (three faces) scaled onto
// 640x480, as a y4m that Chromium's fake camera plays in a loop, and its first frame as raw RGB (what the
// tests compare against). Uses the static ffmpeg of the optional dependency @ffmpeg-installer/ffmpeg.
//
//   npm run camera-clip -w @faceattr/example-webcam [-- --out DIR] [--fps N] [--json]
//
// Prints the Chromium command that runs the demo on it, without a camera.
import path from 'node:path';
import { existsSync } from 'node:fs';
import { FFMPEG, REPO, composeFrame } from './browser-env.mjs';

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : fallback;
};
if (!existsSync(FFMPEG)) {
  console.error(`camera-clip: no ffmpeg at ${path.relative(process.cwd(), FFMPEG)} (optional dependency @ffmpeg-installer/ffmpeg; run npm ci).`);
  process.exit(1);
}
// npm runs workspace scripts in the workspace's folder; INIT_CWD is where the command was typed.
const dir = path.resolve(process.env.INIT_CWD ?? process.cwd(), opt('--out', path.join(REPO, '.tmp/camera')));
const fps = Number(opt('--fps', '30'));
if (!Number.isInteger(fps) || fps < 1 || fps > 60) {
  console.error(`camera-clip: --fps must be an integer in 1..60, got ${opt('--fps')}`);
  process.exit(2);
}
const clip = composeFrame({ photo: 'sample1.jpg', width: 640, height: 480, name: 'scene-640x480', dir, fps });
if (args.includes('--json')) {
  console.log(JSON.stringify(clip));
} else {
  console.log(`wrote ${clip.y4m} (${fps} fps, plays in a loop) and ${clip.rgb} (its first frame, raw RGB)

Run the demo on it: start npm run dev -w @faceattr/example-webcam (port 5173; npm run preview serves the build on 4173), then
  chromium --use-fake-ui-for-media-stream --use-fake-device-for-media-stream \\
    --use-file-for-fake-video-capture=${clip.y4m} 'http://127.0.0.1:5173/?autostart=1'
(Google Chrome takes the same flags; --use-fake-ui-for-media-stream grants the camera without asking.)`);
}
