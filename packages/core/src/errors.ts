/**
 * Every failure faceattr reports is a {@link FaceAttrError} with a stable `code`.
 * Messages say what to change; `cause` keeps the underlying error.
 */
export type FaceAttrErrorCode =
  /** A backend or runtime cannot be used here (not installed, not supported, unknown name). */
  | 'BACKEND_UNAVAILABLE'
  /** A detector name is unknown or its models cannot be used. */
  | 'DETECTOR_UNAVAILABLE'
  /** A model manifest or weight file is missing, malformed, or fails its size/sha256 check. */
  | 'MODEL_LOAD_FAILED'
  /** The image given cannot be used (empty, wrong channels, corrupt, non-finite pixels). */
  | 'INVALID_INPUT'
  /** An option has a wrong type or is out of range. */
  | 'INVALID_OPTIONS'
  /** Running a model failed at inference time. */
  | 'INFERENCE_FAILED'
  /** The object was used after `dispose()`. */
  | 'DISPOSED';

/** The optional parts of a {@link FaceAttrError}. */
export interface FaceAttrErrorOptions {
/** The underlying error, kept as the standard `Error.cause`. */
  cause?: unknown;
  /** Extra machine-readable context, e.g. the file that failed. */
  details?: Record<string, unknown>;
}

/**
 * The one error type faceattr throws: `code` says what kind of failure it is, the message what to change.
 * @example
 * ```ts
 * try {
 *   await pipeline.detect(image);
 * } catch (e) {
 *   if (isFaceAttrError(e, 'INVALID_INPUT')) console.warn(e.message, e.details);
 *   else throw e;
 * }
 * ```
 */
export class FaceAttrError extends Error {
/** What kind of failure this is; stable across versions. */
  readonly code: FaceAttrErrorCode;
/** Machine-readable context (the file, the execution provider...), when there is any. */
  readonly details: Record<string, unknown> | undefined;

  constructor(code: FaceAttrErrorCode, message: string, options: FaceAttrErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'FaceAttrError';
    this.code = code;
    this.details = options.details;
  }
}

/** True when `e` is a {@link FaceAttrError}, optionally with the given code. */
export function isFaceAttrError(e: unknown, code?: FaceAttrErrorCode): e is FaceAttrError {
  return e instanceof FaceAttrError && (code === undefined || e.code === code);
}

/** Short text of an unknown thrown value, for messages. */
export function describeError(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}
