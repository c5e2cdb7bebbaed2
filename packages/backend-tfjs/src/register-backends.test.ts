import { describe, expect, it } from 'vitest';
import { backends, FaceAttrError } from '@faceattr/core';
import { registerTfjsBackends } from './register-backends.js';
import type { TfjsBackend } from './tfjs-backend.js';

describe('registerTfjsBackends', () => {
  registerTfjsBackends();

  it('labels each Node runtime and marks `tfjs` as the alias of tfjs-wasm', () => {
    const tfjs = backends.entries().filter((e) => e.name.startsWith('tfjs'));
    expect(tfjs.map((e) => e.name)).toEqual(['tfjs-node-gpu', 'tfjs-node', 'tfjs-wasm', 'tfjs-cpu', 'tfjs']);
    expect(backends.get('tfjs-wasm')?.label).toBe('TensorFlow.js WebAssembly');
    expect(backends.get('tfjs')).toMatchObject({ aliasOf: 'tfjs-wasm', label: 'TensorFlow.js WebAssembly' });
  });

  it('passes create() options to tfjsBackend(), with the runtime fixed by the name', async () => {
    const { instance } = await backends.create('tfjs-cpu', { runtime: 'wasm', executor: 'graph-model' });
    expect(instance.name).toBe('tfjs-cpu');
    await instance.dispose();
    // The backend validates its own options; the registry hands the error back unwrapped.
    const err = await backends.create('tfjs-cpu', { executor: 'fast' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FaceAttrError);
    expect((err as FaceAttrError).code).toBe('INVALID_OPTIONS');
    expect((err as FaceAttrError).message).toMatch(/Unknown tfjs executor "fast"/);
    const again = (await backends.create('tfjs-cpu')).instance as TfjsBackend;
    expect(again.runtime).toBe('cpu');
    await again.dispose();
  });
});
