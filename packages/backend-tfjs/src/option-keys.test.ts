import { describe, it } from 'vitest';
import { expectPluginOptionKeys } from '@faceattr/core/testing';
import { tfjsBackend } from './tfjs-backend.js';

describe('tfjsBackend() option keys', () => {
  it('refuses unknown keys naming them and the valid ones; createPipeline sends each key here', async () => {
    await expectPluginOptionKeys('tfjsBackend()', (o) => tfjsBackend(o as never), ['runtime', 'executor', 'wasmPaths', 'wasmThreads']);
  });
});
