/**
 * `@faceattr/cli/eval`: what `faceattr eval` runs, for scripts that evaluate or train the same way:
 * the UTKFace label readers and chip padding, and the metrics (age MAE, CS@5, FairFace age bins,
 * gender and race accuracy, per-group breakdowns).
 * @packageDocumentation
 */
export * from './utkface.js';
export * from './metrics.js';
