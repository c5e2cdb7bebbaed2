import { expect, it } from 'vitest';
import { FaceAttrError } from '@faceattr/core';
import { onnxBackend } from './index.web.js';

// Own test file: onnxruntime-web sets up its wasm once per process, so this must run in a fresh one.
it('a wasmPaths without the onnxruntime-web wasm files fails init with BACKEND_UNAVAILABLE naming wasmPaths', async () => {
  const b = onnxBackend({ wasmPaths: '/nonexistent-faceattr-wasm/' });
  let err: unknown;
  try {
    await b.init();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(FaceAttrError);
  expect((err as FaceAttrError).code).toBe('BACKEND_UNAVAILABLE');
  expect((err as FaceAttrError).message).toContain('/nonexistent-faceattr-wasm/ort-wasm');
  expect((err as FaceAttrError).message).toContain('wasmPaths');
});
