import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModelAsset, type InferenceBackend, type TensorData } from '@faceattr/core';
// Test-only: the tfjs backend is the reference the ONNX conversions are checked against.
import { tfjsBackend } from '@faceattr/backend-tfjs';
import { onnxBackend } from './index.js';
import { onnxBackend as onnxWebBackend } from './index.web.js';
import { maxScaledDiff } from '@faceattr/core/testing';
import { photoFeeds, tfjsGraphAssets } from '../test/support.js';

const assets = tfjsGraphAssets();

describe('ONNX conversions agree with their tfjs graphs (tfjs wasm vs onnxruntime-node cpu vs onnxruntime-web wasm)', () => {
  const runtimes: Record<string, InferenceBackend> = {};
  const report: string[] = [];

  beforeAll(async () => {
    runtimes['tfjs-wasm'] = tfjsBackend({ runtime: 'wasm' });
    runtimes['onnx-cpu'] = onnxBackend();
    runtimes['onnx-wasm'] = onnxWebBackend();
    for (const b of Object.values(runtimes)) await b.init();
  });

  afterAll(async () => {
    for (const b of Object.values(runtimes)) await b.dispose();
    console.log(`parity, max |a-b| / max(1,|a|) vs tfjs-wasm:\n${report.join('\n')}`);
  });

  it('finds the shipped tfjs graph assets', () => {
    expect(assets.map((a) => a.manifest.name)).toContain('blazeface-back');
  });

  for (const { dir, manifest } of assets) {
    it(`${manifest.name}: every output within 1e-4`, async () => {
      expect(manifest.artifacts.onnx, `${manifest.name} has no onnx artifact: run \`npm run build\``).toBeDefined();
      const feeds = await photoFeeds(manifest);
      const results: Record<string, Record<string, TensorData>> = {};
      for (const [name, b] of Object.entries(runtimes)) {
        const m = await b.loadModel(await loadModelAsset(dir, b.artifact));
        results[name] = await m.run(feeds);
        await m.release();
      }
      const ref = results['tfjs-wasm']!;
      for (const spec of manifest.outputs) {
        const r = ref[spec.name]!;
        expect(r, spec.name).toBeDefined();
        for (const other of ['onnx-cpu', 'onnx-wasm']) {
          const o = results[other]![spec.name]!;
          expect(o.shape, `${other} ${spec.name}`).toEqual(r.shape);
          const d = maxScaledDiff(r.data, o.data);
          report.push(`  ${manifest.name} ${spec.name} [${r.shape.join('x')}] ${other}: ${d.toExponential(2)}`);
          expect(d, `${other} ${spec.name}`).toBeLessThanOrEqual(1e-4);
        }
      }
    });
  }
});
