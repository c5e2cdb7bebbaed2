/**
 * `@faceattr/cli/pool`: a pool of worker threads, each with its own pipeline, for Node: every core of
 * one machine (`faceattr analyze --jobs N` runs on it).
 * @packageDocumentation
 */
export { createPipelinePool } from './pool.js';
export type { PipelinePool, PipelinePoolOptions, DetectImageOptions, DetectFileOptions } from './pool.js';
export type { PipelineSpec, PoolModelInfo, FileDetection, ImagePayload } from './protocol.js';
