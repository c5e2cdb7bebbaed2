// Track faces through a video file in Node: node examples/node-video/index.mjs [clip.mp4]
// Prints each frame's faces with their track ids, then one line per track (smoothed age and gender).
// Without a path it first makes a 2 s clip (a slow pan over a bundled demo photo) with ffmpeg, so it runs anywhere.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createPipeline } from '@faceattr/core';
import { onnxBackend } from '@faceattr/backend-onnx';
import { mtcnn } from '@faceattr/detector-mtcnn';
import { faceAttributes } from '@faceattr/attributes';
import { findFfmpeg, openVideo } from '@faceattr/cli';

// --ffmpeg-style lookup: $FACEATTR_FFMPEG, then the npm package @ffmpeg-installer/ffmpeg, then ffmpeg on PATH.
const ffmpeg = await findFfmpeg();

let file = process.argv[2];
let tmp;
if (!file) {
  tmp = mkdtempSync(join(tmpdir(), 'faceattr-node-video-'));
  file = join(tmp, 'demo-pan.mp4');
  const photo = fileURLToPath(new URL('../../node_modules/@vladmandic/face-api/demo/sample1.jpg', import.meta.url));
  // 20 frames at 10 fps: a 480x360 window moving 4 px right and 1 px down per frame over the photo scaled to 720 px.
  await promisify(execFile)(ffmpeg.path, [
    '-hide_banner', '-loglevel', 'error', '-y', '-loop', '1', '-framerate', '10', '-i', photo,
    '-vf', "scale=720:-2,crop=480:360:'20+4*n':'30+n'", '-frames:v', '20', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', file,
  ]);
  console.log(`no video given: made ${file} from ${photo}`);
}

const video = await openVideo(file, { ffmpeg });
const { width, height, fps, estimatedFrames } = video.info;
console.log(`${file}: ${width}x${height}, ${fps} fps, ~${estimatedFrames ?? '?'} frames (ffmpeg ${ffmpeg.version} from ${ffmpeg.source})`);

// minFaceSize 40 skips faces under 40 px, which makes MTCNN several times faster; lower it for distant faces.
const pipeline = await createPipeline({ backend: onnxBackend(), detector: mtcnn({ minFaceSize: 40 }), attributeModel: faceAttributes() });
const tracks = new Map(); // trackId -> { first, last, frames, face }
try {
  // Every decoded frame is processed in order; the video is read one frame at a time (ffmpeg waits for us).
  const handle = pipeline.track(video, (frame) => {
    const faces = frame.faces.map((f) => `#${f.trackId} ${f.gender.label[0].toUpperCase()} ${f.age.years.toFixed(0)}y`);
    console.log(`frame ${frame.frameIndex} @ ${(frame.timestampMs / 1000).toFixed(2)} s (${frame.timings.totalMs.toFixed(0)} ms): ${faces.join(', ') || 'no faces'}`);
    for (const f of frame.faces) {
      const t = tracks.get(f.trackId) ?? { first: frame.frameIndex, frames: 0 };
      tracks.set(f.trackId, { ...t, last: frame.frameIndex, frames: t.frames + 1, face: f });
    }
  });
  await handle.done;
  console.log(`${handle.frames} frames, ${tracks.size} track(s):`);
  for (const [id, t] of tracks) {
    const { age, gender, box } = t.face;
    console.log(
      `  track ${id}: frames ${t.first}-${t.last} (${t.frames} seen), last at ${Math.round(box.x)},${Math.round(box.y)}: ` +
        `${gender.label} (${(gender.probability * 100).toFixed(0)}%), age ${age.years.toFixed(0)} ± ${age.uncertainty.toFixed(0)}`,
    );
  }
} finally {
  await pipeline.dispose();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
}
