import { describe, it } from 'vitest';
import { expectPluginOptionKeys } from '@faceattr/core/testing';
import { mtcnn } from './detector.js';

describe('mtcnn() option keys', () => {
  it('refuses unknown keys naming them and the valid ones; createPipeline sends each key here', async () => {
    await expectPluginOptionKeys('mtcnn()', (o) => mtcnn(o as never), ['minFaceSize', 'scaleFactor', 'thresholds', 'channelOrder', 'pyramid']);
  });
});
