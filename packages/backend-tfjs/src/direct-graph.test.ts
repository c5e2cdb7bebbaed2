import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { cropResizeToTensor, loadModelAsset } from '@faceattr/core';
import { decodeImage } from '@faceattr/core/node';
import { compileDirectGraph } from './direct-graph.js';
import { loadGraphFromAsset } from './graph-model.js';
import { tfjsBackend } from './tfjs-backend.js';
import { assetsDir, demoPhoto } from '@faceattr/test-support';
import { BLAZEFACE } from '../test/support.js';

const asset = (name: string) => join(assetsDir(), name);

/** Crops of a real photo (face-api demo sample 1), MTCNN-normalised, as an NHWC batch. */
async function photoBatch(size: number, n: number): Promise<tf.Tensor4D> {
  const img = await decodeImage(demoPhoto(1));
  const data = new Float32Array(n * size * size * 3);
  for (let i = 0; i < n; i++) {
    const side = 120 + 40 * i;
    const crop = cropResizeToTensor(img, { x: 700 + 30 * i, y: 300 + 10 * i, width: side, height: side }, size, size, { mean: 127.5, std: 128 });
    data.set(crop, i * size * size * 3);
  }
  return tf.tensor4d(data, [n, size, size, 3]);
}

describe('direct graph executor (tfjs wasm)', () => {
  it('gives bitwise the outputs of GraphModel on the MTCNN nets, and takes over from it in the backend', async () => {
    const backend = tfjsBackend({ runtime: 'wasm' });
    await backend.init();
    const cases = [
      { name: 'mtcnn-pnet', input: await photoBatch(57, 1), outputs: ['prob', 'bbox'] },
      { name: 'mtcnn-rnet', input: await photoBatch(24, 5), outputs: ['prob', 'bbox'] },
      { name: 'mtcnn-onet', input: await photoBatch(48, 3), outputs: ['prob', 'bbox', 'landmarks'] },
    ];
    for (const c of cases) {
      const loaded = await loadModelAsset(asset(c.name), 'tfjs-graph');
      const { model, topology } = await loadGraphFromAsset(loaded);
      const direct = compileDirectGraph(topology, model.weights);
      expect(direct, c.name).toBeDefined();
      expect(direct!.inputs).toEqual(['input']);
      const before = tf.memory().numTensors;
      const got = direct!.execute({ input: c.input }, c.outputs);
      // Only the outputs survive the call.
      expect(tf.memory().numTensors - before).toBe(c.outputs.length);
      const want = model.execute({ input: c.input }, c.outputs) as tf.Tensor[];
      for (let k = 0; k < c.outputs.length; k++) {
        expect(got[k]!.shape).toEqual(want[k]!.shape);
        expect(Array.from(got[k]!.dataSync()), `${c.name} ${c.outputs[k]}`).toEqual(Array.from(want[k]!.dataSync()));
      }
      // A real face scores as one somewhere in the batch: the comparison is not between two zeros.
      expect(Math.max(...Array.from(got[0]!.dataSync()))).toBeGreaterThan(0.5);
      tf.dispose([...got, ...want, c.input]);
      model.dispose();
      const handle = (await backend.loadModel(loaded)) as unknown as { executor: string; release(): Promise<void> };
      expect(handle.executor).toBe('direct');
      await handle.release();
    }
    await backend.dispose();
    // The escape hatch: every model through GraphModel.
    const plain = tfjsBackend({ runtime: 'wasm', executor: 'graph-model' });
    await plain.init();
    const h = (await plain.loadModel(await loadModelAsset(asset('mtcnn-pnet'), 'tfjs-graph'))) as unknown as { executor: string };
    expect(h.executor).toBe('graph-model');
    await plain.dispose();
    expect(() => tfjsBackend({ runtime: 'wasm', executor: 'fast' as 'auto' })).toThrow(/executor/);
  });

  it('declines graphs with ops it does not cover (BlazeFace has Pad and depthwise convs): GraphModel runs those', async () => {
    const loaded = await loadModelAsset(BLAZEFACE, 'tfjs-graph');
    const { model, topology } = await loadGraphFromAsset(loaded);
    expect(compileDirectGraph(topology, model.weights)).toBeUndefined();
    model.dispose();
    expect(compileDirectGraph({ node: [{ name: 'x', op: 'Placeholder' }, { name: 'y', op: 'Relu', input: ['z'] }] }, {})).toBeUndefined();
    expect(compileDirectGraph(undefined, {})).toBeUndefined();
  });
});
