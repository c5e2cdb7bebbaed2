import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectFaceAttrError } from './expect-error.js';
import { loadModelAsset, type ModelSource } from '../model/load-asset.js';
import type { InferenceBackend, ModelHandle, TensorData } from '../plugins.js';

/** What {@link runBackendConformance} needs to test one backend. */
export interface BackendConformanceOptions {
  /** Suite title, e.g. "tfjs-wasm". */
  title: string;
  /** Creates a fresh, uninitialised backend. */
  create: () => InferenceBackend;
  /** A real model asset with one float32 image input. */
  model: ModelSource;
  /** Builds the feeds for one run (real pixels, not noise, where possible). */
  makeFeeds: () => Promise<Record<string, TensorData>> | Record<string, TensorData>;
  /** Runs for the leak check. Default 200. */
  leakRuns?: number;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

const expectCode = expectFaceAttrError;

/**
 * The contract every {@link InferenceBackend} must meet, as a vitest suite: loading a real
 * asset, output shapes from the manifest, determinism, input checks, release semantics,
 * and no resource growth over many runs.
 */
export function runBackendConformance(o: BackendConformanceOptions): void {
  describe(`backend conformance: ${o.title}`, () => {
    let backend: InferenceBackend;
    let model: ModelHandle;
    let feeds: Record<string, TensorData>;
    let first: Record<string, TensorData>;

    beforeAll(async () => {
      backend = o.create();
      await backend.init();
      await backend.init(); // idempotent
      const asset = await loadModelAsset(o.model, backend.artifact);
      model = await backend.loadModel(asset);
      feeds = await o.makeFeeds();
      first = await model.run(feeds);
    }, 120_000);

    afterAll(async () => {
      await backend?.dispose();
    });

    it('has a name and an artifact kind', () => {
      expect(backend.name).toMatch(/\S/);
      expect(['tfjs-graph', 'onnx']).toContain(backend.artifact);
    });

    it('exposes the manifest inputs and outputs', async () => {
      const asset = await loadModelAsset(o.model, backend.artifact);
      for (const i of asset.manifest.inputs) expect(model.inputNames).toContain(i.name);
      for (const out of asset.manifest.outputs) expect(model.outputNames).toContain(out.name);
    });

    it('returns every output with the manifest shape and finite values', async () => {
      const asset = await loadModelAsset(o.model, backend.artifact);
      for (const spec of asset.manifest.outputs) {
        const t = first[spec.name];
        expect(t, `output ${spec.name}`).toBeDefined();
        expect(t!.shape.length).toBe(spec.shape.length);
        spec.shape.forEach((d, i) => {
          if (d !== null) expect(t!.shape[i]).toBe(d);
        });
        expect(t!.data.length).toBe(t!.shape.reduce((a, b) => a * b, 1));
        expect(Array.from(t!.data).every(Number.isFinite)).toBe(true);
        // Real input gives a non-constant response.
        expect(Math.max(...t!.data) - Math.min(...t!.data)).toBeGreaterThan(0);
      }
    });

    it('returns only the outputs asked for', async () => {
      const name = model.outputNames[0]!;
      const out = await model.run(feeds, [name]);
      expect(Object.keys(out)).toEqual([name]);
    });

    it('is deterministic for the same input', async () => {
      const again = await model.run(feeds);
      for (const k of Object.keys(first)) expect(maxAbsDiff(first[k]!.data, again[k]!.data)).toBe(0);
    });

    it('does not modify the caller\'s input buffers', async () => {
      const copies = Object.fromEntries(Object.entries(feeds).map(([k, v]) => [k, v.data.slice()]));
      await model.run(feeds);
      for (const [k, v] of Object.entries(feeds)) expect(maxAbsDiff(v.data, copies[k]!)).toBe(0);
    });

    it('rejects an unknown input name with INVALID_INPUT', async () => {
      const f = Object.values(feeds)[0]!;
      await expectCode(model.run({ 'no-such-input': f }), 'INVALID_INPUT');
    });

    it('rejects an unknown output name with INVALID_INPUT', async () => {
      await expectCode(model.run(feeds, ['no-such-output']), 'INVALID_INPUT');
    });

    it('rejects a wrongly shaped input with INVALID_INPUT', async () => {
      const [k, f] = Object.entries(feeds)[0]!;
      const bad = { data: f.data.subarray(0, f.data.length / 2), shape: [f.shape[0]!, f.shape[1]! / 2, ...f.shape.slice(2)] };
      await expectCode(model.run({ [k]: bad as TensorData }), 'INVALID_INPUT');
    });

    it(`holds resources flat over ${o.leakRuns ?? 200} runs`, async () => {
      const before = backend.memory();
      for (let i = 0; i < (o.leakRuns ?? 200); i++) await model.run(feeds);
      const after = backend.memory();
      expect(after.models).toBe(before.models);
      if (before.tensors !== undefined) expect(after.tensors).toBe(before.tensors);
    }, 600_000);

    it('releases a model: memory drops and further runs throw DISPOSED', async () => {
      const asset = await loadModelAsset(o.model, backend.artifact);
      const before = backend.memory();
      const extra = await backend.loadModel(asset);
      expect(backend.memory().models).toBe(before.models + 1);
      await extra.release();
      await extra.release(); // idempotent
      const after = backend.memory();
      expect(after.models).toBe(before.models);
      if (before.tensors !== undefined) expect(after.tensors).toBe(before.tensors);
      await expectCode(extra.run(feeds), 'DISPOSED');
    });

    it('dispose() releases every model and supports await using', async () => {
      const b = o.create();
      await b.init();
      const asset = await loadModelAsset(o.model, b.artifact);
      const m = await b.loadModel(asset);
      expect(b.memory().models).toBe(1);
      await b[Symbol.asyncDispose]();
      expect(b.memory().models).toBe(0);
      await b.dispose(); // idempotent
      await expectCode(m.run(feeds), 'DISPOSED');
      await expectCode(b.loadModel(asset), 'DISPOSED');
    });
  });
}
