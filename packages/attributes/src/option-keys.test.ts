import { describe, expect, it } from 'vitest';
import { expectFaceAttrError, expectPluginOptionKeys } from '@faceattr/core/testing';
import { faceAttributes } from './face-attributes.js';

describe('faceAttributes() option keys', () => {
  it('refuses unknown keys naming them and the valid ones; createPipeline sends each key here', async () => {
    await expectPluginOptionKeys('faceAttributes()', (o) => faceAttributes(o as never), ['encoder', 'heads', 'batchSize', 'mirror']);
  });

  it('checks each value, printing it as given', async () => {
    const bad = async (o: object, text: string) => expect((await expectFaceAttrError(() => faceAttributes(o as never), 'INVALID_OPTIONS')).message).toContain(text);
    await bad({ batchSize: Number.NaN }, '"batchSize" must be a positive integer, got NaN.');
    await bad({ batchSize: '8' }, 'got "8".');
    await bad({ mirror: 'yes' }, '"mirror" must be true or false, got "yes".');
    await bad({ heads: 7 }, '"heads" must be an asset name, got 7.');
    await bad({ encoder: 'toString' }, 'Unknown encoder "toString"');
  });
});
