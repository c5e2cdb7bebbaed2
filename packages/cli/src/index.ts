/**
 * `@faceattr/cli`: the `faceattr` command (analyze, eval) as a library, for scripts and tests.
 * @packageDocumentation
 */
export { main, USAGE } from './cli.js';
export { analyze } from './analyze.js';
export type { AnalyzeOptions, FileResult } from './analyze.js';
export { evaluate } from './evaluate.js';
export type { EvalOptions, EvalReport } from './evaluate.js';
export { faceToJson } from './face-json.js';
export type { FaceJson } from './face-json.js';
