import { describe, it } from 'vitest';
import { expectPluginOptionKeys } from '@faceattr/core/testing';
import { haar } from './haar-detector.js';

describe('haar() option keys', () => {
  it('refuses unknown keys naming them and the valid ones; createPipeline sends each key here', async () => {
    await expectPluginOptionKeys('haar()', (o) => haar(o as never), ['scaleFactor', 'minNeighbors', 'minSize', 'maxSize', 'engine', 'cascade', 'mode']);
  });
});
