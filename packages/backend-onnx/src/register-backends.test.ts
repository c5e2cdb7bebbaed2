import { describe, expect, it } from 'vitest';
import { backends, FaceAttrError } from '@faceattr/core';
import { registerOnnxBackends, type OnnxBackend } from './index.js';

describe('registerOnnxBackends (Node)', () => {
  registerOnnxBackends();

  it('labels onnx-cpu and onnx-cuda and marks `onnx` as the alias of onnx-cpu', () => {
    expect(backends.entries().filter((e) => e.name.startsWith('onnx'))).toEqual([
      { name: 'onnx-cpu', priority: 25, label: 'ONNX Runtime CPU' },
      { name: 'onnx-cuda', priority: 5, label: 'ONNX Runtime CUDA (needs its CUDA binaries)' },
      { name: 'onnx', priority: 0, label: 'ONNX Runtime CPU', aliasOf: 'onnx-cpu' },
    ]);
  });

  it('passes create() options to onnxBackend(), with the provider fixed by the name', async () => {
    const { instance } = await backends.create('onnx', { intraOpNumThreads: 1, executionProviders: ['cuda'] });
    expect((instance as OnnxBackend).executionProviders).toEqual(['cpu']);
    await instance.dispose();
    const err = await backends.create('onnx-cpu', { intraOpNumThreads: 0 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FaceAttrError);
    expect((err as FaceAttrError).code).toBe('INVALID_OPTIONS');
    expect((err as FaceAttrError).message).toContain('intraOpNumThreads must be a positive integer, got 0.');
  });
});
