import { describe, expect, it } from 'vitest';
import { createPipeline, FaceAttrError, loadModelAsset } from '@faceattr/core';
import { runBackendConformance } from '@faceattr/core/testing';
import { registerTfjsBackends } from './register-backends.js';
import { tfjsBackend } from './tfjs-backend.js';
import { maxScaledDiff } from '@faceattr/core/testing';
import { BLAZEFACE, blazefaceFeeds } from '../test/support.js';
import { expectFaceAttrError as failure } from '@faceattr/core/testing';

runBackendConformance({
  title: 'tfjs-wasm',
  create: () => tfjsBackend({ runtime: 'wasm' }),
  model: BLAZEFACE,
  makeFeeds: blazefaceFeeds,
  leakRuns: 200,
});

// The pure-JS cpu runtime is ~20x slower: fewer leak runs keep CI short.
runBackendConformance({
  title: 'tfjs-cpu',
  create: () => tfjsBackend({ runtime: 'cpu' }),
  model: BLAZEFACE,
  makeFeeds: blazefaceFeeds,
  leakRuns: 20,
});


// maxScaledDiff: |a - b| / max(1, |a|); BlazeFace logits reach |v| = 217 (1.1e-3 absolute there, 1e-5 relative).

describe('tfjs backend', () => {
  it('wasm and cpu agree within 1e-4 on a real model and a real photo', async () => {
    const feeds = await blazefaceFeeds();
    const outputs = [];
    for (const runtime of ['wasm', 'cpu'] as const) {
      const b = tfjsBackend({ runtime });
      await b.init();
      const m = await b.loadModel(await loadModelAsset(BLAZEFACE, 'tfjs-graph'));
      outputs.push(await m.run(feeds));
      await b.dispose();
    }
    const [w, c] = outputs;
    for (const k of Object.keys(w!)) {
      expect(w![k]!.data.length).toBe(c![k]!.data.length);
      expect(maxScaledDiff(w![k]!.data, c![k]!.data), k).toBeLessThan(1e-4);
    }
  });

  it('interleaved backends on different runtimes each compute on their own runtime', async () => {
    const feeds = await blazefaceFeeds();
    const asset = await loadModelAsset(BLAZEFACE, 'tfjs-graph');
    const wasm = tfjsBackend({ runtime: 'wasm' });
    const cpu = tfjsBackend({ runtime: 'cpu' });
    await wasm.init();
    await cpu.init();
    const mw = await wasm.loadModel(asset);
    const mc = await cpu.loadModel(asset);
    const a = await mw.run(feeds, ['Identity']);
    const b = await mc.run(feeds, ['Identity']);
    const a2 = await mw.run(feeds, ['Identity']);
    expect(Array.from(a2['Identity']!.data)).toEqual(Array.from(a['Identity']!.data));
    expect(maxScaledDiff(a['Identity']!.data, b['Identity']!.data)).toBeLessThan(1e-4);
    await wasm.dispose();
    await cpu.dispose();
  });

  it('tfjs-node and tfjs-node-gpu, not installed here, fail with BACKEND_UNAVAILABLE and how to install', async () => {
    for (const runtime of ['node', 'node-gpu'] as const) {
      const e = await failure(tfjsBackend({ runtime }).init());
      expect(e.code).toBe('BACKEND_UNAVAILABLE');
      expect(e.message).toMatch(/npm install @tensorflow\/tfjs-node(-gpu)?@4\.22\.0/);
    }
  });

  it('webgl and webgpu are refused in Node with BACKEND_UNAVAILABLE', async () => {
    expect((await failure(tfjsBackend({ runtime: 'webgl' }).init())).code).toBe('BACKEND_UNAVAILABLE');
    expect((await failure(tfjsBackend({ runtime: 'webgpu' }).init())).code).toBe('BACKEND_UNAVAILABLE');
  });

  it('an unknown runtime is INVALID_OPTIONS', () => {
    expect(() => tfjsBackend({ runtime: 'tpu' as never })).toThrow(FaceAttrError);
  });

  it('rejects loading an onnx-only asset', async () => {
    const b = tfjsBackend({ runtime: 'wasm' });
    await b.init();
    const asset = await loadModelAsset(BLAZEFACE, 'tfjs-graph');
    const e = await failure(b.loadModel({ ...asset, artifact: 'onnx' }));
    expect(e.code).toBe('MODEL_LOAD_FAILED');
    await b.dispose();
  });

  it('createPipeline with an unknown backend name fails with BACKEND_UNAVAILABLE listing the registered names', async () => {
    registerTfjsBackends();
    const e = await failure(createPipeline({ backend: 'tfjs-quantum', attributes: [] }));
    expect(e.code).toBe('BACKEND_UNAVAILABLE');
    expect(e.message).toContain('tfjs-wasm');
  });

  it('createPipeline rejects bad options with INVALID_OPTIONS before loading anything', async () => {
    expect((await failure(createPipeline({ attributes: ['age', 'mood' as never] }))).code).toBe('INVALID_OPTIONS');
    expect((await failure(createPipeline({ maxFaces: 0 }))).code).toBe('INVALID_OPTIONS');
    expect((await failure(createPipeline({ minScore: 2 }))).code).toBe('INVALID_OPTIONS');
  });

  it('createPipeline with an unknown detector name fails with DETECTOR_UNAVAILABLE and releases the backend', async () => {
    const backend = tfjsBackend({ runtime: 'wasm' });
    const e = await failure(createPipeline({ backend, detector: 'no-such-detector', attributes: [] }));
    expect(e.code).toBe('DETECTOR_UNAVAILABLE');
    expect((await failure(backend.init())).code).toBe('DISPOSED');
  });
});
