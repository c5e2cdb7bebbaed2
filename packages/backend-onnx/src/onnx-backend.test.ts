import { describe, expect, it } from 'vitest';
import { backends, FaceAttrError, loadModelAsset } from '@faceattr/core';
import { runBackendConformance } from '@faceattr/core/testing';
import { onnxBackend, registerOnnxBackends } from './index.js';
import { onnxBackend as onnxWebBackend } from './index.web.js';
import { maxScaledDiff } from '@faceattr/core/testing';
import { availableParallelism } from 'node:os';
import { BLAZEFACE, blazefaceFeeds } from '../test/support.js';
import { nodePlatform } from './node-platform.js';

runBackendConformance({
  title: 'onnx-cpu (onnxruntime-node)',
  create: () => onnxBackend(),
  model: BLAZEFACE,
  makeFeeds: blazefaceFeeds,
  leakRuns: 100,
});

// The web entry's wasm provider, run in Node (onnxruntime-web works there with one thread).
runBackendConformance({
  title: 'onnx-wasm (onnxruntime-web)',
  create: () => onnxWebBackend(),
  model: BLAZEFACE,
  makeFeeds: blazefaceFeeds,
  leakRuns: 30,
});

async function failure(p: Promise<unknown> | (() => unknown)): Promise<FaceAttrError> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    expect(e).toBeInstanceOf(FaceAttrError);
    return e as FaceAttrError;
  }
  throw new Error('expected a failure');
}

describe('onnx backend', () => {
  it('names itself after the first execution provider', () => {
    expect(onnxBackend().name).toBe('onnx-cpu');
    expect(onnxWebBackend().name).toBe('onnx-wasm');
    expect(onnxWebBackend({ executionProviders: ['webgpu', 'wasm'] }).name).toBe('onnx-webgpu');
  });

  it('cuda, not installed here, fails init with BACKEND_UNAVAILABLE saying how to install it', async () => {
    const e = await failure(onnxBackend({ executionProviders: ['cuda'] }).init());
    expect(e.code).toBe('BACKEND_UNAVAILABLE');
    expect(e.message).toContain('--onnxruntime-node-install=cuda12');
    expect(e.details).toMatchObject({ executionProvider: 'cuda' });
  });

  it('webgpu and webgl are refused in Node with BACKEND_UNAVAILABLE', async () => {
    expect((await failure(onnxWebBackend({ executionProviders: ['webgpu'] }).init())).code).toBe('BACKEND_UNAVAILABLE');
    expect((await failure(onnxWebBackend({ executionProviders: ['webgl'] }).init())).code).toBe('BACKEND_UNAVAILABLE');
  });

  it('providers of the other entry, an empty list and bad thread counts are INVALID_OPTIONS', async () => {
    expect((await failure(() => onnxBackend({ executionProviders: ['wasm'] }))).code).toBe('INVALID_OPTIONS');
    expect((await failure(() => onnxWebBackend({ executionProviders: ['cuda'] }))).message).toContain('Node entry');
    expect((await failure(() => onnxBackend({ executionProviders: [] }))).code).toBe('INVALID_OPTIONS');
    expect((await failure(() => onnxBackend({ executionProviders: ['tpu' as never] }))).code).toBe('INVALID_OPTIONS');
    expect((await failure(() => onnxBackend({ intraOpNumThreads: 0 }))).code).toBe('INVALID_OPTIONS');
  });

  it("Node sessions default to every CPU with sleeping idle threads, and keep the caller's thread count", () => {
    const complete = nodePlatform.sessionOptions!;
    const cpus = availableParallelism();
    const dflt = complete({ executionProviders: ['cpu'] });
    expect(dflt.intraOpNumThreads).toBe(cpus);
    expect(dflt.extra?.session.intra_op.allow_spinning).toBe(cpus > 1 ? '0' : undefined);
    expect(complete({ executionProviders: ['cpu'], intraOpNumThreads: 3 })).toMatchObject({ intraOpNumThreads: 3, extra: { session: { intra_op: { allow_spinning: '0' } } } });
    const one = complete({ executionProviders: ['cpu'], intraOpNumThreads: 1 });
    expect(one.intraOpNumThreads).toBe(1);
    expect(one.extra).toBeUndefined();
    // Shapes change from call to call (pyramid levels, face counts): no per-shape memory plan.
    expect(dflt.enableMemPattern).toBe(false);
  });

  it('rejects a tfjs-graph asset with MODEL_LOAD_FAILED', async () => {
    const b = onnxBackend();
    const e = await failure(b.loadModel(await loadModelAsset(BLAZEFACE, 'tfjs-graph')));
    expect(e.code).toBe('MODEL_LOAD_FAILED');
    await b.dispose();
  });

  it('rejects a missing input, a wrong dtype and an unknown output with INVALID_INPUT', async () => {
    const b = onnxBackend();
    const m = await b.loadModel(await loadModelAsset(BLAZEFACE, 'onnx'));
    const feeds = await blazefaceFeeds();
    expect((await failure(m.run({}))).code).toBe('INVALID_INPUT');
    const f = feeds['input']!;
    expect((await failure(m.run({ input: { data: Int32Array.from(f.data), shape: f.shape } }))).code).toBe('INVALID_INPUT');
    expect((await failure(m.run(feeds, ['nope']))).code).toBe('INVALID_INPUT');
    await b.dispose();
  });

  it('release() during runs lets started runs finish, then frees the session', async () => {
    const feeds = await blazefaceFeeds();
    for (const b of [onnxBackend(), onnxWebBackend()]) {
      const m = await b.loadModel(await loadModelAsset(BLAZEFACE, 'onnx'));
      const runs = [m.run(feeds), m.run(feeds)];
      await m.release();
      expect(b.memory().models).toBe(0);
      for (const r of await Promise.allSettled(runs)) {
        if (r.status === 'fulfilled') expect(r.value['Identity']!.data.length).toBe(512);
        else expect((r.reason as FaceAttrError).code).toBe('DISPOSED');
      }
      expect((await failure(m.run(feeds))).code).toBe('DISPOSED');
      await b.dispose();
    }
  });

  it('onnxruntime-node cpu, single-threaded and default, and onnxruntime-web wasm agree', async () => {
    const feeds = await blazefaceFeeds();
    const outs = [];
    for (const b of [onnxBackend(), onnxBackend({ intraOpNumThreads: 1 }), onnxWebBackend()]) {
      const m = await b.loadModel(await loadModelAsset(BLAZEFACE, 'onnx'));
      outs.push(await m.run(feeds));
      await b.dispose();
    }
    for (const k of Object.keys(outs[0]!)) {
      expect(maxScaledDiff(outs[0]![k]!.data, outs[1]![k]!.data), k).toBeLessThanOrEqual(1e-4);
      expect(maxScaledDiff(outs[0]![k]!.data, outs[2]![k]!.data), k).toBeLessThanOrEqual(1e-4);
    }
  });

  it('registers onnx, onnx-cpu and onnx-cuda; onnx-cuda fails here with BACKEND_UNAVAILABLE and a list falls over to onnx-cpu', async () => {
    registerOnnxBackends();
    expect(backends.has('onnx')).toBe(true);
    expect(backends.has('onnx-cpu')).toBe(true);
    const names = backends.names();
    // An unnamed pick prefers onnx-cpu; cuda is opt-in by name.
    expect(names.indexOf('onnx-cpu')).toBeLessThan(names.indexOf('onnx-cuda'));
    const { name, instance } = await backends.create('onnx');
    expect(name).toBe('onnx');
    expect(instance.name).toBe('onnx-cpu');
    await instance.dispose();
    expect((await failure(backends.create('onnx-cuda'))).code).toBe('BACKEND_UNAVAILABLE');
    const picked = await backends.create(['onnx-cuda', 'onnx-cpu']);
    expect(picked.instance.name).toBe('onnx-cpu');
    await picked.instance.dispose();
  });
});
