import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FaceAttrError, type FaceAttributePipeline } from '@faceattr/core';
import { decodeImage } from '@faceattr/core/node';
import { expectFaceAttrError } from '@faceattr/core/testing';
import { demoPhoto as photo } from '@faceattr/test-support';
import { buildPipeline } from '../build-pipeline.js';
import { createPipelinePool, type PipelinePool } from './pool.js';

// One ONNX thread per worker: two workers on this 2-core machine, as `--jobs 2` runs them.
const SPEC = { backend: 'onnx', detector: 'mtcnn', backendOptions: { intraOpNumThreads: 1 }, detectorOptions: { minFaceSize: 40 } } as const;
const CRASH = 'crash-here';

describe('createPipelinePool (worker threads, real models and photos)', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'faceattr-pool-'));
  let pool: PipelinePool;
  let local: FaceAttributePipeline;
  beforeAll(async () => {
    process.env['FACEATTR_POOL_CRASH_MARKER'] = CRASH; // workers copy the environment when they start
    [pool, local] = await Promise.all([createPipelinePool({ ...SPEC, size: 2 }), buildPipeline({ ...SPEC, attributes: ['age', 'gender'] })]);
  });
  afterAll(async () => {
    delete process.env['FACEATTR_POOL_CRASH_MARKER'];
    await Promise.all([pool?.dispose(), local?.dispose()]);
    rmSync(tmp, { recursive: true, force: true });
  });

  it('gives the same faces as a pipeline on this thread; transfer moves the pixels, the default copies them once', async () => {
    expect(pool.info).toMatchObject({ backend: 'onnx-cpu', detector: 'mtcnn', attributeModel: 'dlib-resnet-128-utk+heads-dlib-resnet-128-utk' });
    expect(pool.info.assets).toEqual(['dlib-resnet-128-utk@1.0.0', 'heads-dlib-resnet-128-utk@1.0.0']);
    const image = await decodeImage(photo(1));
    const expected = await local.detect(image);
    const copy = { ...image, data: image.data.slice() };
    const copied = await pool.detect(copy);
    expect(copy.data.byteLength).toBe(image.data.byteLength); // still the caller's
    const moved = await pool.detect(copy, { transfer: true });
    expect(copy.data.byteLength).toBe(0); // detached: it went to the worker without a copy
    for (const faces of [copied, moved]) {
      expect(faces.length).toBe(expected.length);
      faces.forEach((f, i) => {
        expect(f.box.x).toBeCloseTo(expected[i]!.box.x, 3);
        expect(f.age!.years).toBeCloseTo(expected[i]!.age!.years, 4);
        expect(f.gender!.label).toBe(expected[i]!.gender!.label);
      });
    }
  }, 120_000);

  it('a bad image fails alone, with the FaceAttrError code and message a pipeline here gives', async () => {
    const bad = join(tmp, 'truncated.jpg');
    writeFileSync(bad, readFileSync(photo(3)).subarray(0, 5000));
    const local = await expectFaceAttrError(decodeImage(bad), 'INVALID_INPUT');
    const results = await Promise.allSettled([pool.detectFile(photo(2)), pool.detectFile(bad), pool.detectFile(join(tmp, 'missing.jpg')), pool.detectFile(photo(3))]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled']);
    const [, badErr, missingErr] = results.map((r) => (r.status === 'rejected' ? (r.reason as FaceAttrError) : undefined));
    expect(badErr).toBeInstanceOf(FaceAttrError);
    expect([badErr!.code, badErr!.message]).toEqual([local.code, local.message]);
    expect(missingErr).toBeInstanceOf(FaceAttrError);
    expect(missingErr!.code).toBe('INVALID_INPUT');
    expect((results[0] as PromiseFulfilledResult<{ faces: unknown[] }>).value.faces.length).toBeGreaterThan(0);
  }, 120_000);

  it('a worker that dies fails its one job with a typed error and is replaced; the other jobs finish', async () => {
    const crash = join(tmp, `${CRASH}.jpg`);
    writeFileSync(crash, readFileSync(photo(4)));
    const results = await Promise.allSettled([pool.detectFile(crash), pool.detectFile(photo(4)), pool.detectFile(photo(5))]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled', 'fulfilled']);
    const e = (results[0] as PromiseRejectedResult).reason as FaceAttrError;
    expect(e).toBeInstanceOf(FaceAttrError);
    expect(e.code).toBe('INFERENCE_FAILED');
    expect(e.details).toMatchObject({ reason: 'worker-exited' });
    // The replacement serves jobs: two at once keep both workers busy.
    const again = await Promise.all([pool.detectFile(photo(2)), pool.detectFile(photo(3))]);
    expect(again.every((r) => r.faces.length > 0)).toBe(true);
  }, 180_000);

  it('refuses bad options with the pipeline\'s own error, and DISPOSED after dispose', async () => {
    expect((await expectFaceAttrError(createPipelinePool({ size: 1, backend: 'gpu-magic' }), 'INVALID_OPTIONS')).message).toMatch(/--backend must be one of/);
    expect((await expectFaceAttrError(createPipelinePool({ ...SPEC, size: 1, detectorOptions: { minFaceSize: 2 } }), 'INVALID_OPTIONS')).message).toMatch(/minFaceSize/);
    await expectFaceAttrError(createPipelinePool({ size: 0 }), 'INVALID_OPTIONS');
    const small = await createPipelinePool({ ...SPEC, size: 1, attributes: [] });
    const job = small.detectFile(photo(1));
    await small[Symbol.asyncDispose]();
    expect((await job).faces.length).toBeGreaterThan(0); // a running job finishes
    await expectFaceAttrError(small.detectFile(photo(1)), 'DISPOSED');
  }, 180_000);
});
