import { expect } from 'vitest';
import { FaceAttrError, type FaceAttrErrorCode } from '../errors.js';

/**
 * Awaits `p` (or calls it, for a function that throws synchronously), asserts it fails with a FaceAttrError
 * (with `code`, when given), and returns the error.
 */
export async function expectFaceAttrError(p: Promise<unknown> | (() => unknown), code?: FaceAttrErrorCode): Promise<FaceAttrError> {
  let err: unknown;
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    err = e;
  }
  expect(err, 'expected a FaceAttrError').toBeInstanceOf(FaceAttrError);
  if (code !== undefined) expect((err as FaceAttrError).code).toBe(code);
  return err as FaceAttrError;
}
