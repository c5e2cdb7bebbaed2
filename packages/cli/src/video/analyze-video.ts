import { basename } from 'node:path';
import { FaceAttrError, type FaceAttributePipeline, type TrackedFace } from '@faceattr/core';
import { drawFaces, faceLabel, type Rgb } from '../annotate.js';
import { faceToJson, type FaceJson } from '../face-json.js';
import { Progress } from '../progress.js';
import { openVideo } from './decode-video.js';
import { createVideoWriter, type VideoWriter } from './encode-video.js';
import type { FfmpegBinary } from './find-ffmpeg.js';

/** One face in one frame of `faceattr analyze --json` on a video. */
export interface TrackedFaceJson extends FaceJson {
/** The face's track: the same id in every frame the face is followed. */
  trackId: number;
  /** Detector runs in which this face was found so far (1 on the frame it first appears). */
  hits: number;
}

/** One processed frame of a video in `faceattr analyze --json`. */
export interface VideoFrameJson {
/** 0-based frame number. */
  frameIndex: number;
/** Media time of the frame, in ms. */
  timestampMs: number;
  /** Whether the detector ran on this frame (`--every N`); when false, `faces` are the tracks' last boxes. */
  detected: boolean;
/** The faces tracked in this frame. */
  faces: TrackedFaceJson[];
}

/** A track over the whole video: where it was seen and its smoothed attributes when last seen. */
export interface TrackSummary {
/** The track's id, as in each frame's faces. */
  trackId: number;
/** Index of the first frame it was seen in. */
  firstFrame: number;
/** Index of the last frame it was seen in. */
  lastFrame: number;
  /** Frames in which this track was reported (with `--every N`, also frames where its box was carried over). */
  framesSeen: number;
/** Media time of `firstFrame`, in ms. */
  firstTimestampMs: number;
/** Media time of `lastFrame`, in ms. */
  lastTimestampMs: number;
  /** Box when last seen. */
  box: FaceJson['box'];
/** Smoothed perceived age when last seen, in years. */
  age?: number;
/** Its standard deviation, in years. */
  ageUncertainty?: number;
/** Smoothed perceived gender when last seen. */
  gender?: FaceJson['gender'];
/** Smoothed perceived race when last seen (only when asked for). */
  race?: FaceJson['race'];
}

/** The JSON for one video in `faceattr analyze --json` (images keep `{ file, width, height, faces }`). */
export interface VideoFileResult {
/** The video file, as given. */
  file: string;
/** Tells videos from images in a mixed `--json` array. */
  type: 'video';
/** Frame width in pixels. */
  width: number;
/** Frame height in pixels. */
  height: number;
/** The frame rate frames were read at. */
  fps: number;
  /** Present (true) when the file announced no usable frame rate and `fps` is the fallback of 30. */
  fpsGuessed?: true;
/** The video stream's codec. */
  codec: string;
  /** Frames processed (all decoded frames, or `--max-frames`). */
  frameCount: number;
  /** Container duration when ffmpeg reports one. */
  durationMs?: number;
  /** Written annotated video, when `--annotate` was given. */
  annotated?: string;
/** One summary per track, by id. */
  tracks: TrackSummary[];
/** Every processed frame with its faces. */
  frames: VideoFrameJson[];
}

/** What {@link analyzeVideo} takes. */
export interface AnalyzeVideoOptions {
/** The ffmpeg to decode (and encode) with. */
  ffmpeg: FfmpegBinary | string;
  /** Run the detector on every Nth frame (the tracker's `detectEvery`). */
  every?: number;
/** Process at most this many frames. */
  maxFrames?: number;
  /** Write an annotated mp4 here. */
  annotate?: string;
  /** Diagnostics (ffmpeg warnings), one line each. */
  note?: (message: string) => void;
  /** Progress on stderr (a bar on a terminal). */
  writeErr?: (s: string) => void;
/** Whether `writeErr` is a terminal (draw a bar, not lines). */
  errIsTTY?: boolean;
/** Stops decoding; the call then rejects and removes any partial annotated file. */
  signal?: AbortSignal;
}

const PALETTE: readonly Rgb[] = [
  [40, 220, 90], [255, 190, 30], [60, 170, 255], [255, 90, 200], [160, 110, 255], [0, 220, 220], [255, 120, 60], [200, 230, 60],
];

/** Box colour of a track in annotated videos (cycles through 8 colours by id). */
export const trackColor = (trackId: number): Rgb => PALETTE[(trackId - 1) % PALETTE.length]!;

/** `#3 F 97% 34Y`: track id, then the usual face label. */
export const trackLabel = (f: TrackedFace): string => `#${f.trackId} ${faceLabel(f)}`;

function trackedToJson(f: TrackedFace): TrackedFaceJson {
  return { trackId: f.trackId, hits: f.hits, ...faceToJson(f) };
}

/**
 * Decodes `file` with ffmpeg, follows its faces with `pipeline.createTracker()` and returns per-frame
 * results with track ids plus a per-track summary; with `annotate`, writes the frames with boxes,
 * track ids and labels as an H.264 mp4. A failure removes any partial annotated file.
 */
export async function analyzeVideo(pipeline: FaceAttributePipeline, file: string, o: AnalyzeVideoOptions): Promise<VideoFileResult> {
  const video = await openVideo(file, { ffmpeg: o.ffmpeg, ...(o.maxFrames ? { maxFrames: o.maxFrames } : {}), ...(o.signal ? { signal: o.signal } : {}), ...(o.note ? { onWarning: o.note } : {}) });
  const { info } = video;
  const tracker = pipeline.createTracker({ detectEvery: o.every ?? 1 });
  const total = o.maxFrames ? Math.min(o.maxFrames, info.estimatedFrames ?? o.maxFrames) : info.estimatedFrames;
  const progress = total ? new Progress(total, `  ${basename(file)}`, o.writeErr, o.errIsTTY ?? false) : undefined;
  let writer: VideoWriter | undefined;
  const frames: VideoFrameJson[] = [];
  const tracks = new Map<number, TrackSummary>();
  try {
    if (o.annotate) writer = await createVideoWriter(o.annotate, { width: info.width, height: info.height, fps: info.fps, ffmpeg: o.ffmpeg });
    for await (const frame of video) {
      const tf = await tracker.next(frame.image, frame.timestampMs);
      const faces = tf.faces.map(trackedToJson);
      frames.push({ frameIndex: frame.index, timestampMs: Math.round(frame.timestampMs * 1000) / 1000, detected: tf.detected, faces });
      for (const f of faces) {
        const t = tracks.get(f.trackId);
        const summary: TrackSummary = {
          trackId: f.trackId,
          firstFrame: t?.firstFrame ?? frame.index,
          lastFrame: frame.index,
          framesSeen: (t?.framesSeen ?? 0) + 1,
          firstTimestampMs: t?.firstTimestampMs ?? frames.at(-1)!.timestampMs,
          lastTimestampMs: frames.at(-1)!.timestampMs,
          box: f.box,
        };
        if (f.age !== undefined) {
          summary.age = f.age;
          summary.ageUncertainty = f.ageUncertainty!;
        }
        if (f.gender) summary.gender = f.gender;
        if (f.race) summary.race = f.race;
        tracks.set(f.trackId, summary);
      }
      if (writer) {
        // The decoded buffer is ours and the tracker is done with it: draw in place.
        drawFaces(frame.image, tf.faces, { label: (f) => trackLabel(f as TrackedFace), color: (f) => trackColor((f as TrackedFace).trackId) });
        await writer.write(frame.image);
      }
      progress?.tick();
    }
    // An interrupt ends the frame loop early: drop the partial video rather than finish a truncated one.
    if (o.signal?.aborted) throw new FaceAttrError('INFERENCE_FAILED', `${file}: interrupted before the last frame; no annotated video was written.`);
    if (writer) await writer.close();
  } catch (e) {
    await writer?.abort();
    throw e;
  } finally {
    progress?.end();
  }
  // Key order as documented: the small fields first, the per-frame array last.
  const result: VideoFileResult = {
    file,
    type: 'video',
    width: info.width,
    height: info.height,
    fps: info.fps,
    ...(info.fpsGuessed ? { fpsGuessed: true as const } : {}),
    codec: info.codec,
    frameCount: frames.length,
    ...(info.durationMs !== undefined ? { durationMs: info.durationMs } : {}),
    ...(o.annotate ? { annotated: o.annotate } : {}),
    tracks: [...tracks.values()].sort((a, b) => a.trackId - b.trackId),
    frames,
  };
  return result;
}

/** The text-mode summary: one line for the video, one per track. */
export function videoSummaryText(r: VideoFileResult, elapsedMs?: number): string {
  const secs = r.frameCount / r.fps;
  const speed = elapsedMs ? `, processed at ${((r.frameCount * 1000) / elapsedMs).toFixed(1)} frames/s` : '';
  const lines = [
    `${r.file} (video ${r.width}x${r.height}, ${r.frameCount} frames at ${+r.fps.toFixed(3)} fps${r.fpsGuessed ? ' (rate unknown, assumed)' : ''}, ${secs.toFixed(1)} s${speed}): ${r.tracks.length} track${r.tracks.length === 1 ? '' : 's'}`,
  ];
  for (const t of r.tracks) {
    const parts = [`  track ${t.trackId}: frames ${t.firstFrame}-${t.lastFrame} (${t.framesSeen} seen, ${(t.firstTimestampMs / 1000).toFixed(2)}-${(t.lastTimestampMs / 1000).toFixed(2)} s)`];
    parts.push(`last box ${Math.round(t.box.x)},${Math.round(t.box.y)} ${Math.round(t.box.width)}x${Math.round(t.box.height)}`);
    if (t.age !== undefined) parts.push(`age ${t.age.toFixed(0)} ±${t.ageUncertainty!.toFixed(0)}`);
    if (t.gender) parts.push(`${t.gender.label} ${(t.gender.probability * 100).toFixed(0)}%`);
    if (t.race) parts.push(`${t.race.label} ${(t.race.probabilities[t.race.label]! * 100).toFixed(0)}%`);
    lines.push(parts.join(', '));
  }
  return `${lines.join('\n')}\n`;
}
