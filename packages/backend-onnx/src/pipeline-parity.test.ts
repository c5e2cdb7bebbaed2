import { join } from 'node:path';
import { expect, it } from 'vitest';
import { createPipeline, type DetectedFace } from '@faceattr/core';
import { decodeImage } from '@faceattr/core/node';
// Test-only: the reference backend and a real detector that runs its models through the backend.
import { tfjsBackend } from '@faceattr/backend-tfjs';
import { mtcnn } from '@faceattr/detector-mtcnn';
import { onnxBackend } from './index.js';
import { REPO_ROOT } from './test-inputs.js';

// Attributes need the attribute model; this checks the detection part of the pipeline end to end.
it('an MTCNN detection pipeline finds the same faces on onnx-cpu as on tfjs-wasm', async () => {
  const img = await decodeImage(join(REPO_ROOT, 'node_modules', '@vladmandic', 'face-api', 'demo', 'sample1.jpg'));
  const found: DetectedFace[][] = [];
  for (const backend of [tfjsBackend({ runtime: 'wasm' }), onnxBackend()]) {
    const pipeline = await createPipeline({ backend, detector: mtcnn(), attributes: [] });
    try {
      found.push(await pipeline.detect(img));
    } finally {
      await pipeline.dispose();
    }
  }
  const [ref, got] = found as [DetectedFace[], DetectedFace[]];
  expect(ref.length).toBeGreaterThan(0);
  expect(got.length).toBe(ref.length);
  ref.forEach((r, i) => {
    const g = got[i]!;
    // Scores are softmax outputs (parity 1e-4); boxes are pixels, regressed from outputs that agree to ~1e-6.
    expect(Math.abs(g.score - r.score)).toBeLessThan(1e-4);
    for (const k of ['x', 'y', 'width', 'height'] as const) expect(Math.abs(g.box[k] - r.box[k]), k).toBeLessThan(0.01);
  });
}, 120_000);
