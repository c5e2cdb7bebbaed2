import { describe, expect, it } from 'vitest';
import { backends, detectors } from '@faceattr/core';
import { demoPhoto as photo } from '@faceattr/test-support';
import { availableParallelism } from 'node:os';
import { buildPipeline, onnxThreads, threadsPerJob } from './build-pipeline.js';
import { main, USAGE } from './cli.js';
import type { FileResult } from './analyze.js';

async function run(args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(args, (s) => (stdout += s), (s) => (stderr += s), false);
  return { code, stdout, stderr };
}

describe('CLI choices come from the plugin registries', () => {
  it('registers the names the CLI has always taken, and --help lists every registered name with its label', async () => {
    for (const n of ['tfjs-wasm', 'tfjs-cpu', 'onnx']) expect(backends.has(n), n).toBe(true);
    for (const n of ['mtcnn', 'haar']) expect(detectors.has(n), n).toBe(true);
    const help = (await run(['--help'])).stdout;
    for (const e of [...backends.entries(), ...detectors.entries()]) {
      expect(help).toMatch(new RegExp(`^  ${e.name} +${e.aliasOf ? `same as ${e.aliasOf}` : e.label.replace(/[()]/g, '\\$&')}$`, 'm'));
    }
    expect(help).toContain('--backend NAME                   inference backend (default onnx, the fastest in Node');
    expect(USAGE).toBe(help.trimEnd());
  });

  it('onnx-cpu workers share the CPUs (one worker gets them all); other backends take no thread option', () => {
    const cpus = availableParallelism();
    expect(threadsPerJob(1)).toBe(cpus);
    expect(threadsPerJob(cpus)).toBe(1);
    expect(threadsPerJob(cpus * 4)).toBe(1);
    expect(onnxThreads('onnx', threadsPerJob(1))).toEqual({ backendOptions: { intraOpNumThreads: cpus } });
    expect(onnxThreads('onnx-cpu', 1)).toEqual({ backendOptions: { intraOpNumThreads: 1 } });
    expect(onnxThreads('tfjs-wasm', 2)).toEqual({});
  });

  it('names the registered choices for an unknown one', async () => {
    const r = await run(['analyze', '--detector', 'retina', photo(1)]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`--detector must be one of ${detectors.names().join(', ')}; got "retina".`);
  });

  it('--backend onnx (the alias) with --detector haar runs onnx-cpu and the Haar cascade', async () => {
    const p = await buildPipeline({ backend: 'onnx', detector: 'haar', attributes: [] });
    try {
      expect([p.backendName, p.detectorName]).toEqual(['onnx-cpu', 'haar']);
    } finally {
      await p.dispose();
    }
    const r = await run(['analyze', '--json', '--backend', 'onnx', '--detector', 'haar', photo(1)]);
    expect(r.code).toBe(0);
    const [file] = JSON.parse(r.stdout) as FileResult[];
    expect(file!.faces.length).toBeGreaterThan(0);
    expect(file!.faces[0]!.age).toBeGreaterThan(10);
  }, 120_000);

  it('detector options reach the plugin through the registry, which validates them', async () => {
    const r = await run(['analyze', '--backend', 'tfjs-cpu', '--min-face-size', '2', photo(1)]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/"minFaceSize" must be a number of pixels >= 4/);
    const p = await buildPipeline({ backend: 'tfjs-cpu', detector: 'mtcnn', attributes: [], detectorOptions: { minFaceSize: 80 } });
    try {
      expect([p.backendName, p.detectorName]).toEqual(['tfjs-cpu', 'mtcnn']);
    } finally {
      await p.dispose();
    }
  }, 60_000);
});
