import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isFaceAttrError } from '@faceattr/core';
import { openVideo, parseFfmpegInfo, probeVideo, rateArg, readVideoFrames, runningFfmpeg } from './decode-video.js';
import { createVideoWriter } from './encode-video.js';
import { findFfmpeg, type FfmpegBinary } from './find-ffmpeg.js';
import { ffmpegChildren, makePanClip, panFrame, type PanClip } from '../../test/support.js';
import { demoPhoto as photo } from '@faceattr/test-support';

const ffmpeg = await findFfmpeg().catch((e: unknown) => {
  console.warn(`Skipping the video decode/encode tests: ${String((e as Error).message)}`);
  return undefined;
});

describe('findFfmpeg', () => {
  it('takes --ffmpeg, then FACEATTR_FFMPEG, then @ffmpeg-installer/ffmpeg, then PATH; a given binary that does not run is an error', async () => {
    const fromPackage = await findFfmpeg({ env: {} }).catch(() => undefined);
    if (fromPackage) expect(['@ffmpeg-installer/ffmpeg', 'PATH']).toContain(fromPackage.source);
    if (!fromPackage) return;
    expect(fromPackage.version).toMatch(/\S/);
    const viaEnv = await findFfmpeg({ env: { FACEATTR_FFMPEG: fromPackage.path } });
    expect(viaEnv).toMatchObject({ source: 'env', path: fromPackage.path });
    const viaOption = await findFfmpeg({ path: fromPackage.path, env: { FACEATTR_FFMPEG: '/nonexistent/ffmpeg' } });
    expect(viaOption.source).toBe('option');
    const bad = await findFfmpeg({ env: { FACEATTR_FFMPEG: '/nonexistent/ffmpeg' } }).catch((e: unknown) => e);
    expect(isFaceAttrError(bad, 'INVALID_OPTIONS')).toBe(true);
    expect((bad as Error).message).toMatch(/FACEATTR_FFMPEG "\/nonexistent\/ffmpeg" is not a working ffmpeg/);
    const notFfmpeg = await findFfmpeg({ path: process.execPath }).catch((e: unknown) => e);
    expect(isFaceAttrError(notFfmpeg, 'INVALID_OPTIONS')).toBe(true);
  });
});

describe('parseFfmpegInfo', () => {
  it('reads size, rate, duration and rotation from ffmpeg -i output and skips cover art', () => {
    const stderr = [
      "Input #0, mov,mp4,m4a,3gp,3g2,mj2, from 'phone.mov':",
      '  Duration: 00:01:02.50, start: 0.000000, bitrate: 9000 kb/s',
      '    Stream #0:0(und): Video: mjpeg (Baseline), yuvj420p(pc), 300x300, 90k tbr, 90k tbn (attached pic)',
      '    Stream #0:1(und): Video: h264 (High) (avc1 / 0x31637661), yuv420p(tv, bt709), 1920x1080 [SAR 1:1 DAR 16:9], 8997 kb/s, 29.97 fps, 29.97 tbr, 600 tbn, 1200 tbc (default)',
      '    Metadata:',
      '      rotate          : 90',
      '    Stream #0:2(und): Audio: aac (LC) (mp4a / 0x6134706D), 44100 Hz, stereo, fltp, 96 kb/s (default)',
      'At least one output file must be specified',
    ].join('\n');
    expect(parseFfmpegInfo('phone.mov', stderr)).toEqual({
      file: 'phone.mov', width: 1080, height: 1920, fps: 29.97, fpsGuessed: false, codec: 'h264', rotation: 90, streamIndex: 1, durationMs: 62_500, estimatedFrames: 1873,
    });
    const webm = "  Duration: N/A, start: 0.000000\n    Stream #0:0: Video: vp8, yuv420p(progressive), 640x360, SAR 1:1 DAR 16:9, 1k tbr, 1k tbn, 1k tbc (default)";
    // A browser recording: no average rate, a 1000 Hz base rate. Reading at 1000 fps would repeat each frame ~30x.
    expect(parseFfmpegInfo('a.webm', webm)).toMatchObject({ width: 640, height: 360, fps: 30, fpsGuessed: true, codec: 'vp8' });
    expect(parseFfmpegInfo('a.y4m', webm.replace('1k tbr', '25 tbr'))).toMatchObject({ fps: 25, fpsGuessed: false });
    expect([rateArg(29.97), rateArg(23.98), rateArg(59.94), rateArg(25), rateArg(12.5)]).toEqual(['30000/1001', '24000/1001', '60000/1001', '25', '12.5']);
    expect(parseFfmpegInfo('a.webm', webm).durationMs).toBeUndefined();
    const e = (() => {
      try {
        return parseFfmpegInfo('x.mp4', '[mov,mp4,m4a,3gp,3g2,mj2 @ 0x2403db00] moov atom not found\nx.mp4: Invalid data found when processing input');
      } catch (err) {
        return err;
      }
    })();
    expect(isFaceAttrError(e, 'INVALID_INPUT')).toBe(true);
    expect((e as Error).message).toMatch(/cannot read video \(moov atom not found; x\.mp4: Invalid data found when processing input\)/);
  });
});

describe.skipIf(!ffmpeg)('video decode and encode with ffmpeg', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'faceattr-video-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  const file = join(tmp, 'pan.mp4');
  let clip: PanClip;
  beforeAll(async () => {
    clip = await makePanClip(file, { photo: photo(3), sceneWidth: 720, width: 480, height: 360, frames: 20, fps: 10, x0: 20, y0: 30, dx: 4, dy: 1 }, ffmpeg!);
  });

  it('probes size, rate and duration, and decodes every frame in order with its timestamp and pixels', async () => {
    const info = await probeVideo(file, { ffmpeg: ffmpeg! });
    expect(info).toMatchObject({ width: 480, height: 360, fps: 10, fpsGuessed: false, codec: 'h264', durationMs: 2000, estimatedFrames: 20, rotation: 0 });
    let k = 0;
    for await (const f of readVideoFrames(info, { ffmpeg: ffmpeg! })) {
      expect(f.index).toBe(k);
      expect(f.timestampMs).toBeCloseTo(k * 100, 6);
      expect([f.image.width, f.image.height, f.image.data.length]).toEqual([480, 360, 480 * 360 * 3]);
      // H.264 at crf 12 with 4:2:0 chroma: close to what went in, not identical.
      const want = panFrame(clip, k).data;
      let sum = 0;
      for (let i = 0; i < want.length; i += 7) sum += Math.abs(want[i]! - f.image.data[i]!);
      expect(sum / (want.length / 7)).toBeLessThan(4);
      k++;
    }
    expect(k).toBe(20);
  });

  it('a variable-frame-rate video is read on a constant grid, so timestamps are media times', async () => {
    // 10 fps with a 0.35 s pause after frame 9 (frames 10.. shifted): 17 frames within the 2 s.
    const vfr = join(tmp, 'vfr.webm');
    await new Promise<void>((res, rej) =>
      execFile(ffmpeg!.path, ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=size=160x120:rate=10', '-t', '2',
        '-vf', "setpts='(N*0.1+if(gt(N,9),0.35,0))/TB'", '-vsync', 'vfr', '-c:v', 'libvpx', '-b:v', '400k', vfr], (e) => (e ? rej(e) : res())),
    );
    const frames: Uint8Array[] = [];
    for await (const f of await openVideo(vfr, { ffmpeg: ffmpeg! })) frames.push(f.image.data);
    expect(frames).toHaveLength(20);
    const same = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));
    // The pause holds picture 9 (shown at 0.9 s) on grid slots 10 and 11 (1.0, 1.1 s); the next picture (1.35 s) lands
    // within half a slot of its time. Read frame by frame instead, slot 10 would already be the next picture.
    expect(same(frames[10]!, frames[9]!) && same(frames[11]!, frames[9]!)).toBe(true);
    expect(same(frames[8]!, frames[9]!) || same(frames[13]!, frames[9]!)).toBe(false);
    expect(new Set(frames.map((f) => Buffer.from(f).toString('base64'))).size).toBe(17);
  });

  it('stops after maxFrames, and breaking out of the loop kills ffmpeg', async () => {
    const video = await openVideo(file, { ffmpeg: ffmpeg!, maxFrames: 5 });
    let n = 0;
    for await (const _ of video) n++;
    expect(n).toBe(5);
    n = 0;
    for await (const _ of video) {
      if (++n === 2) {
        expect(runningFfmpeg.size).toBe(1);
        expect(ffmpegChildren()).toHaveLength(process.platform === 'linux' ? 1 : 0);
        break;
      }
    }
    expect(runningFfmpeg.size).toBe(0);
    expect(ffmpegChildren()).toEqual([]);
  });

  it('applies backpressure: ffmpeg waits for a slow consumer instead of buffering the video', async () => {
    const it = (await openVideo(file, { ffmpeg: ffmpeg! }))[Symbol.asyncIterator]();
    await it.next();
    await new Promise((r) => setTimeout(r, 600)); // ample time to decode 2 s of 480x360
    const [child] = [...runningFfmpeg];
    expect(child?.exitCode).toBeNull(); // still blocked on the pipe: 19 frames (10 MB) not yet taken
    await it.return!(undefined);
    expect(runningFfmpeg.size).toBe(0);
  });

  it('an abort signal stops decoding and kills ffmpeg', async () => {
    const ac = new AbortController();
    let n = 0;
    for await (const _ of await openVideo(file, { ffmpeg: ffmpeg!, signal: ac.signal })) if (++n === 3) ac.abort();
    expect(n).toBe(3);
    expect(ffmpegChildren()).toEqual([]);
  });

  it('reports garbage and truncated files as INVALID_INPUT, quoting ffmpeg', async () => {
    const garbage = join(tmp, 'garbage.mp4');
    writeFileSync(garbage, Buffer.from(Array.from({ length: 4000 }, (_, i) => (i * 7919) % 251)));
    await expect(probeVideo(join(tmp, 'nope.mp4'), { ffmpeg: ffmpeg! })).rejects.toThrow(/^cannot read video: no such file ".*nope\.mp4"\.$/);
    const e1 = await probeVideo(garbage, { ffmpeg: ffmpeg! }).catch((e: unknown) => e);
    expect(isFaceAttrError(e1, 'INVALID_INPUT')).toBe(true);
    expect((e1 as Error).message).toMatch(/cannot read video \(.*Invalid data found/);
    // Cut inside the frame data (the moov index is at the front: faststart): probing works, decoding comes up short.
    const truncated = join(tmp, 'truncated.mp4');
    const bytes = readFileSync(file);
    writeFileSync(truncated, bytes.subarray(0, Math.floor(bytes.length * 0.9)));
    const video = await openVideo(truncated, { ffmpeg: ffmpeg! });
    expect(video.info.estimatedFrames).toBe(20);
    let n = 0;
    const e2 = await (async () => {
      for await (const _ of video) n++;
    })().catch((e: unknown) => e);
    expect(n).toBeLessThan(18);
    expect(isFaceAttrError(e2, 'INVALID_INPUT')).toBe(true);
    expect((e2 as Error).message).toMatch(new RegExp(`ffmpeg decoded only ${n} of about 20 frames \\(.*\\); the file looks truncated or damaged`));
    expect(ffmpegChildren()).toEqual([]);
  });

  it('a file named like an ffmpeg protocol ("pipe:0") is read as a file', async () => {
    writeFileSync(join(tmp, 'pipe:0'), readFileSync(file));
    const cwd = process.cwd();
    process.chdir(tmp);
    try {
      const video = await openVideo('pipe:0', { ffmpeg: ffmpeg!, maxFrames: 1 });
      expect([video.info.width, video.info.height]).toEqual([480, 360]);
      let n = 0;
      for await (const _ of video) n++;
      expect(n).toBe(1);
    } finally {
      process.chdir(cwd);
    }
  });

  it('encodes odd sizes padded to even ones, and writes nothing when aborted', async () => {
    const out = join(tmp, 'odd.mp4');
    const w = await createVideoWriter(out, { width: 33, height: 25, fps: 5, ffmpeg: ffmpeg! });
    expect(w.codec).toBe('libx264');
    for (let k = 0; k < 3; k++) await w.write({ data: new Uint8Array(33 * 25 * 3).fill(40 * k), width: 33, height: 25, channels: 3 });
    await w.close();
    const info = await probeVideo(out, { ffmpeg: ffmpeg! });
    expect([info.width, info.height, info.codec]).toEqual([34, 26, 'h264']);
    const aborted = join(tmp, 'aborted.mp4');
    const w2 = await createVideoWriter(aborted, { width: 32, height: 24, fps: 5, ffmpeg: ffmpeg! });
    await w2.write({ data: new Uint8Array(32 * 24 * 3), width: 32, height: 24, channels: 3 });
    await w2.abort();
    expect(readdirSync(tmp).filter((f) => f.startsWith('aborted'))).toEqual([]);
    await expect(w2.write({ data: new Uint8Array(32 * 24 * 3), width: 32, height: 24, channels: 3 })).rejects.toThrow(/after close\(\) or abort\(\)/);
    expect(ffmpegChildren()).toEqual([]);
  });
});
