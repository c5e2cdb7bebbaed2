/**
 * `@faceattr/cli`: the `faceattr` command (analyze, eval) as a library, for scripts and tests,
 * plus the ffmpeg-based video reader and writer it uses for videos in Node.
 * @packageDocumentation
 */
export { main, USAGE } from './cli.js';
export { analyze, planAnnotations } from './analyze.js';
export type { AnalyzeOptions, AnalyzeResult, AnalyzeSummary, FailedFile, FileResult, OutputFormat } from './analyze.js';
export { evaluate } from './evaluate.js';
export type { EvalOptions, EvalReport } from './evaluate.js';
export { faceToJson } from './face-json.js';
export type { FaceJson } from './face-json.js';
export { drawFaces, faceLabel } from './annotate.js';
export type { DrawOptions, Rgb } from './annotate.js';
export { isVideoFile, VIDEO_EXT } from './list-images.js';
export { findFfmpeg, FFMPEG_ENV } from './video/find-ffmpeg.js';
export type { FfmpegBinary, FfmpegSource, FindFfmpegOptions } from './video/find-ffmpeg.js';
export { openVideo, probeVideo, readVideoFrames, parseFfmpegInfo, runningFfmpeg } from './video/decode-video.js';
export type { VideoInfo, DecodedVideoFrame, DecodeVideoOptions, VideoReader } from './video/decode-video.js';
export { createVideoWriter } from './video/encode-video.js';
export type { VideoWriter, VideoWriterOptions } from './video/encode-video.js';
export { analyzeVideo, videoSummaryText, trackColor, trackLabel } from './video/analyze-video.js';
export type { AnalyzeVideoOptions, VideoFileResult, VideoFrameJson, TrackedFaceJson, TrackSummary } from './video/analyze-video.js';
