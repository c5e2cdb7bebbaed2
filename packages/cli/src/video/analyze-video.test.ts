import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPipeline, iou, type FaceAttributePipeline, type FaceResult, type TrackFrame } from '@faceattr/core';
import { onnxBackend } from '@faceattr/backend-onnx';
import { mtcnn } from '@faceattr/detector-mtcnn';
import { faceAttributes } from '@faceattr/attributes';
import { main } from '../cli.js';
import { planAnnotations, type AnalyzeResult } from '../analyze.js';
import { trackColor, type VideoFileResult } from './analyze-video.js';
import { openVideo, probeVideo, readVideoFrames } from './decode-video.js';
import { findFfmpeg } from './find-ffmpeg.js';
import { runMain, ffmpegChildren, makePanClip, panFrame, type PanClip } from '../../test/support.js';
import { demoPhoto as photo } from '@faceattr/test-support';

const ffmpeg = await findFfmpeg().catch((e: unknown) => {
  console.warn(`Skipping the video analysis tests: ${String((e as Error).message)}`);
  return undefined;
});

// The faces in this clip are 65-80 px; a 40 px smallest face keeps MTCNN's pyramid (and the test) short.
const FAST = ['--backend', 'onnx', '--min-face-size', '40'];

const run = (args: string[]) => runMain(['analyze', ...FAST, ...args]);

const center = (b: { x: number; y: number; width: number; height: number }) => ({ x: b.x + b.width / 2, y: b.y + b.height / 2 });

describe.skipIf(!ffmpeg)('faceattr analyze on a video (a 2 s pan over a demo photo, real ffmpeg and models)', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'faceattr-analyze-video-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  const file = join(tmp, 'pan.mp4');
  const annotated = join(tmp, 'annotated');
  /** Frame 0 as a JPEG, for runs that mix images and videos. */
  const still = join(tmp, 'still.jpg');
  // sample1 scaled to 720x480; a 480x360 window moves 4 px right and 1 px down per frame, so the faces
  // move by (-4, -1) px per frame. Two faces stay in view throughout; a third one is off to the right.
  const DX = 4;
  const DY = 1;
  let clip: PanClip;
  let result: VideoFileResult;
  let stderr: string;
  beforeAll(async () => {
    clip = await makePanClip(file, { photo: photo(1), sceneWidth: 720, width: 480, height: 360, frames: 20, fps: 10, x0: 20, y0: 30, dx: DX, dy: DY }, ffmpeg!);
    const f0 = panFrame(clip, 0);
    const rgba = new Uint8Array(480 * 360 * 4);
    for (let i = 0; i < 480 * 360; i++) rgba.set([f0.data[i * 3]!, f0.data[i * 3 + 1]!, f0.data[i * 3 + 2]!, 255], i * 4);
    writeFileSync(still, jpeg.encode({ data: rgba, width: 480, height: 360 }, 95).data);
    const r = await run(['--json', '--annotate', annotated, file]);
    expect(r.code).toBe(0);
    stderr = r.stderr;
    result = (JSON.parse(r.stdout) as AnalyzeResult[])[0] as VideoFileResult;
  });

  /** The two faces fully in view: the tracks that start on frame 0 with a box of real-face size. */
  const mainTracks = () => result.frames[0]!.faces.filter((f) => f.box.width > 50);

  it('--json: one entry per video with every frame, its timestamp and the tracked faces', () => {
    expect(stderr).toBe('');
    expect(result).toMatchObject({ file, type: 'video', width: 480, height: 360, fps: 10, codec: 'h264', frameCount: 20, durationMs: 2000 });
    expect(result.frames.map((f) => f.frameIndex)).toEqual([...Array(20).keys()]);
    expect(result.frames.map((f) => f.timestampMs)).toEqual([...Array(20).keys()].map((k) => k * 100));
    expect(result.frames.every((f) => f.detected)).toBe(true);
    const f = result.frames[5]!.faces[0]!;
    expect(Object.keys(f)).toEqual(expect.arrayContaining(['trackId', 'hits', 'box', 'score', 'landmarks', 'age', 'ageUncertainty', 'gender']));
    expect(f.race).toBeUndefined();
    expect(ffmpegChildren()).toEqual([]);
  });

  it('each face in view keeps one trackId through the clip, and its box moves by the known pan', () => {
    const start = mainTracks();
    expect(start).toHaveLength(2);
    expect(new Set(start.map((f) => f.trackId)).size).toBe(2);
    for (const s of start) {
      const c0 = center(s.box);
      const xs: number[] = [];
      const ys: number[] = [];
      for (const [k, fr] of result.frames.entries()) {
        // The face nearest to where the pan puts it must carry the same id in every frame.
        const want = { x: c0.x - k * DX, y: c0.y - k * DY };
        const near = fr.faces.filter((f) => Math.hypot(center(f.box).x - want.x, center(f.box).y - want.y) < 8);
        expect(near.map((f) => f.trackId), `frame ${k}`).toEqual([s.trackId]);
        xs.push(center(near[0]!.box).x);
        ys.push(center(near[0]!.box).y);
      }
      // Least-squares motion per frame over the 20 frames.
      const slope = (v: number[]) => {
        const n = v.length;
        const mk = (n - 1) / 2;
        const mv = v.reduce((a, b) => a + b, 0) / n;
        let num = 0;
        let den = 0;
        v.forEach((y, k) => {
          num += (k - mk) * (y - mv);
          den += (k - mk) ** 2;
        });
        return num / den;
      };
      expect(slope(xs)).toBeCloseTo(-DX, 0);
      expect(slope(ys)).toBeCloseTo(-DY, 0);
      const summary = result.tracks.find((t) => t.trackId === s.trackId)!;
      expect(summary).toMatchObject({ firstFrame: 0, lastFrame: 19, framesSeen: 20, firstTimestampMs: 0, lastTimestampMs: 1900 });
      expect(result.frames[19]!.faces.find((f) => f.trackId === s.trackId)!.hits).toBe(20);
    }
  });

  describe('attributes match pipeline.detect() on the same still frames', () => {
    let pipeline: FaceAttributePipeline;
    beforeAll(async () => {
      pipeline = await createPipeline({ backend: onnxBackend(), detector: mtcnn({ minFaceSize: 40 }), attributeModel: faceAttributes() });
    });
    afterAll(() => pipeline?.dispose());

    const match = (faces: readonly FaceResult[], box: FaceResult['box']) => faces.find((f) => iou(f.box, box) > 0.5);

    it('CLI (smoothed over the track) vs detect() on frames 0, 10 and 19 of the clip as it was encoded', async () => {
      for (const k of [0, 10, 19]) {
        const still = await pipeline.detect(panFrame(clip, k));
        for (const s of mainTracks()) {
          const tracked = result.frames[k]!.faces.find((f) => f.trackId === s.trackId)!;
          const ref = match(still, tracked.box);
          expect(ref, `frame ${k} track ${s.trackId}`).toBeDefined();
          // Frame 0 is the track's first prediction (no smoothing yet): only H.264 separates the two.
          expect(Math.abs(tracked.age! - ref!.age!.years)).toBeLessThan(k === 0 ? 2 : 4);
          expect(tracked.gender!.label).toBe(ref!.gender!.label);
          expect(Math.abs(tracked.gender!.probability - ref!.gender!.probability)).toBeLessThan(0.1);
        }
      }
    });

    it('pipeline.track() follows the decoded video directly (openVideo is a track source); smoothing 1, re-encoding and searching every frame give detect()\'s numbers', async () => {
      const frames: TrackFrame[] = [];
      const video = await openVideo(file, { ffmpeg: ffmpeg!, maxFrames: 3 });
      const handle = pipeline.track(video, (f) => void frames.push(f), { smoothing: 1, attributesEvery: 1, searchEvery: 1 });
      await handle.done;
      expect(handle.frames).toBe(3);
      expect(frames.map((f) => [f.frameIndex, f.timestampMs, f.width, f.height])).toEqual([[0, 0, 480, 360], [1, 100, 480, 360], [2, 200, 480, 360]]);
      const decoded: Uint8Array[] = [];
      for await (const f of readVideoFrames(video.info, { ffmpeg: ffmpeg!, maxFrames: 3 })) decoded.push(f.image.data);
      const still = await pipeline.detect({ data: decoded[2]!, width: 480, height: 360, channels: 3 });
      for (const f of frames[2]!.faces.filter((x) => x.box.width > 50)) {
        const ref = match(still, f.box)!;
        expect(f.age!.years).toBeCloseTo(ref.age!.years, 3);
        expect(f.gender!.probability).toBeCloseTo(ref.gender!.probability, 4);
      }
      expect(ffmpegChildren()).toEqual([]);
      // stop() mid-video ends the stream and the ffmpeg feeding it.
      const stopped = pipeline.track(await openVideo(file, { ffmpeg: ffmpeg! }), (f) => {
        if (f.frameIndex === 1) stopped.stop();
      });
      await stopped.done;
      expect(stopped.frames).toBe(2);
      expect(ffmpegChildren()).toEqual([]);
    });
  });

  it('--annotate writes NAME.annotated.mp4: same size and frame count, boxes in each track\'s colour', async () => {
    expect(readdirSync(annotated)).toEqual(['pan.annotated.mp4']);
    const out = join(annotated, 'pan.annotated.mp4');
    expect(result.annotated).toBe(out);
    const info = await probeVideo(out, { ffmpeg: ffmpeg! });
    expect(info).toMatchObject({ width: 480, height: 360, fps: 10, codec: 'h264' });
    const a: Uint8Array[] = [];
    for await (const f of readVideoFrames(info, { ffmpeg: ffmpeg! })) a.push(f.image.data);
    expect(a).toHaveLength(20);
    for (const k of [0, 19]) {
      const src = panFrame(clip, k).data;
      for (const s of mainTracks()) {
        const b = result.frames[k]!.faces.find((f) => f.trackId === s.trackId)!.box;
        // The label strip above the box is filled with the track's colour (black text on it).
        const col = trackColor(s.trackId);
        let coloured = 0;
        let changed = 0;
        let n = 0;
        for (let y = Math.ceil(b.y - 8); y < b.y - 1; y++) {
          for (let x = Math.ceil(b.x + 1); x < b.x + 30; x++) {
            const o = (y * 480 + x) * 3;
            n++;
            if (Math.abs(a[k]![o]! - col[0]) + Math.abs(a[k]![o + 1]! - col[1]) + Math.abs(a[k]![o + 2]! - col[2]) < 90) coloured++;
            if (Math.abs(a[k]![o]! - src[o]!) + Math.abs(a[k]![o + 1]! - src[o + 1]!) + Math.abs(a[k]![o + 2]! - src[o + 2]!) > 60) changed++;
          }
        }
        expect(coloured / n, `frame ${k} track ${s.trackId}`).toBeGreaterThan(0.4);
        expect(changed / n).toBeGreaterThan(0.6);
      }
    }
  });

  it('--csv: one row per face per frame with frame, timestamp and track id; --every 3 and --max-frames 9', async () => {
    const r = await run(['--csv', '--every', '3', '--max-frames', '9', file]);
    expect(r.code).toBe(0);
    const [header, ...rows] = r.stdout.trim().split('\n');
    expect(header).toBe('file,width,height,face,x,y,box_width,box_height,score,age,age_uncertainty,gender,gender_probability,race,race_probability,frame,timestamp_ms,track_id,error_code,error_message');
    const cells = rows.map((l) => l.split(','));
    expect(new Set(cells.map((c) => c[15]))).toEqual(new Set(['0', '1', '2', '3', '4', '5', '6', '7', '8']));
    expect(cells.every((c) => c[0] === file && c[1] === '480' && c[2] === '360' && Number(c[17]) >= 1)).toBe(true);
    // Between detector runs (frames 1, 2, 4, 5, 7, 8) the tracks keep their last boxes.
    const boxOf = (frame: number, track: string) => cells.find((c) => c[15] === String(frame) && c[17] === track)?.slice(4, 8).join();
    for (const id of new Set(cells.filter((c) => c[15] === '0' && Number(c[6]) > 50).map((c) => c[17]!))) {
      expect(boxOf(1, id)).toBe(boxOf(0, id));
      expect(boxOf(2, id)).toBe(boxOf(0, id));
      expect(boxOf(3, id)).not.toBe(boxOf(0, id));
      expect(boxOf(8, id)).toBe(boxOf(6, id));
    }
  });

  it('text: a summary line per video and one per track', async () => {
    const r = await run(['--max-frames', '4', '--every', '2', file]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} \\(video 480x360, 4 frames at 10 fps, 0\\.4 s, processed at [\\d.]+ frames/s\\): \\d+ tracks?$`));
    expect(lines.filter((l) => /^ {2}track \d+: frames 0-3 \(4 seen, 0\.00-0\.30 s\), last box \d+,\d+ \d+x\d+, age \d+ ±\d+, (female|male) \d+%$/.test(l))).toHaveLength(2);
  });

  it('a corrupt video and a missing one are reported and skipped (exit 1); the other inputs are still processed and nothing partial is written', async () => {
    const garbage = join(tmp, 'garbage.mp4');
    writeFileSync(garbage, Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 7919) % 251)));
    const outDir = join(tmp, 'annotated-2');
    const r = await run(['--json', '--max-frames', '2', '--annotate', outDir, garbage, file, join(tmp, 'missing.mov'), still]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/skipping .*garbage\.mp4: cannot read video \(.*Invalid data found when processing input\)/);
    expect(r.stderr).toMatch(/skipping .*missing\.mov: no such file or directory/);
    // Every input has a record, in input order; the failed ones carry their error.
    const out = JSON.parse(r.stdout) as AnalyzeResult[];
    expect(out.map((x) => x.file)).toEqual([garbage, file, join(tmp, 'missing.mov'), still]);
    expect(out.map((x) => ('error' in x ? x.error.code : 'ok'))).toEqual(['INVALID_INPUT', 'ok', 'INVALID_INPUT', 'ok']);
    expect((out[1] as VideoFileResult).frameCount).toBe(2);
    expect((out[3] as { faces: unknown[] }).faces.length).toBeGreaterThanOrEqual(2);
    expect(readdirSync(outDir).sort()).toEqual(['pan.annotated.mp4', 'still.jpg']);
    expect(ffmpegChildren()).toEqual([]);
  });

  it('a truncated video is an error after the frames before the cut: skipped (exit 1), its partial annotated video removed', async () => {
    const truncated = join(tmp, 'cut.mp4');
    const bytes = readFileSync(file);
    writeFileSync(truncated, bytes.subarray(0, Math.floor(bytes.length * 0.9)));
    const outDir = join(tmp, 'annotated-3');
    // --every 10: the decoder reads every frame up to the cut; the detector runs on two of them.
    const r = await run(['--json', '--every', '10', '--annotate', outDir, truncated, still]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/skipping .*cut\.mp4: ffmpeg decoded only \d+ of about 20 frames \(.*\); the file looks truncated or damaged/);
    expect((JSON.parse(r.stdout) as AnalyzeResult[]).map((x) => ('error' in x ? `${x.file} failed` : x.file))).toEqual([`${truncated} failed`, still]);
    expect(readdirSync(outDir)).toEqual(['still.jpg']);
    expect(ffmpegChildren()).toEqual([]);
  });

  it('a --ffmpeg that does not work skips the videos with a message saying what to change; images still run', async () => {
    const r = await run(['--json', '--ffmpeg', join(tmp, 'no-ffmpeg-here'), file, still]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/skipping .*pan\.mp4: --ffmpeg ".*no-ffmpeg-here" is not a working ffmpeg .*leave it unset to use the bundled one/);
    expect((JSON.parse(r.stdout) as AnalyzeResult[]).map((x) => ('error' in x ? `${x.file} failed` : x.file))).toEqual([`${file} failed`, still]);
  });
});

describe('analyze options for videos (no models or ffmpeg needed)', () => {
  it('--every, --max-frames and --min-face-size must be positive integers (exit 2)', async () => {
    for (const [opt, v] of [['--every', '0'], ['--max-frames', 'ten'], ['--min-face-size', '-5']] as const) {
      let err = '';
      const code = await main(['analyze', `${opt}=${v}`, 'clip.mp4'], () => undefined, (s) => (err += s), false);
      expect(code).toBe(2);
      expect(err).toContain(`${opt} must be a positive integer; got "${v}"`);
    }
  });

  it('--annotate names: NAME.jpg / NAME.annotated.mp4, never an input and never twice', () => {
    const plan = planAnnotations(['a/x.jpg', 'b/x.jpg', 'v/x.mp4', 'out/y.jpg', 'out/y-2.jpg', 'v/clip.MOV'], 'out');
    expect([...plan.values()]).toEqual([join('out', 'x.jpg'), join('out', 'x-2.jpg'), join('out', 'x.annotated.mp4'), join('out', 'y-3.jpg'), join('out', 'y-2-2.jpg'), join('out', 'clip.annotated.mp4')]);
  });
});
