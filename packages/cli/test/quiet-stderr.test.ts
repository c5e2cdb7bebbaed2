// The built `faceattr` command prints no runtime noise on stderr: neither onnxruntime-node's failed
// probe of the CUDA provider ("Failed to load library libonnxruntime_providers_shared.so") nor tfjs's
// "install the node backend" banner (its cpu backend's first tensor).
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { demoPhoto, REPO_ROOT } from '@faceattr/test-support';

const BIN = join(REPO_ROOT, 'packages', 'cli', 'dist', 'bin.js');
const NOISE = /Failed to load library|install our node backend|tfjs-node/;

function analyze(backend: string): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, 'analyze', '--backend', backend, demoPhoto(1)], { cwd: REPO_ROOT, timeout: 120_000 }, (err, _stdout, stderr) =>
      resolve({ code: typeof err?.code === 'number' ? err.code : err ? -1 : 0, stderr }),
    );
  });
}

describe('faceattr analyze stderr (built CLI)', () => {
  it.each(['onnx', 'tfjs-wasm', 'tfjs-cpu'])('--backend %s succeeds without runtime banners or load errors', async (backend) => {
    const r = await analyze(backend);
    expect(r.stderr).not.toMatch(NOISE);
    expect(r.code, r.stderr).toBe(0);
  }, 120_000);

  it('--backend onnx-cuda without the CUDA binaries fails with its own error only', async () => {
    const r = await analyze('onnx-cuda');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('CUDA');
    expect(r.stderr).not.toMatch(NOISE);
  }, 120_000);
});
