import { describe, it } from 'vitest';
import { expectPluginOptionKeys } from '@faceattr/core/testing';
import { onnxBackend } from './index.js';

describe('onnxBackend() option keys', () => {
  it('refuses unknown keys naming them and the valid ones; createPipeline sends each key here', async () => {
    await expectPluginOptionKeys('onnxBackend()', (o) => onnxBackend(o as never), ['executionProviders', 'intraOpNumThreads', 'wasmPaths', 'wasmThreads']);
  });
});
