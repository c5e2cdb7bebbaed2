import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '@faceattr/test-support';
import { BLAZEFACE } from '../test/support.js';

// The published bundles, not src: plain node loads them through the exports maps (ESM and CJS).
const script = (load: string) => `
${load}
(async () => {
  const b = tfjs.tfjsBackend({ runtime: 'wasm' });
  await b.init();
  const asset = await core.loadModelAsset(${JSON.stringify(BLAZEFACE)}, 'tfjs-graph');
  const m = await b.loadModel(asset);
  const out = await m.run({ input: { data: new Float32Array(256 * 256 * 3).fill(0.1), shape: [1, 256, 256, 3] } });
  const err = await core.createPipeline({ backend: 'nope', attributes: [] }).catch((e) => e);
  console.log(JSON.stringify({ shape: out.Identity.shape, code: err.code, isError: err instanceof core.FaceAttrError, models: b.memory().models }));
  await b.dispose();
})();`;

function run(args: string[]): { shape: number[]; code: string; isError: boolean; models: number } {
  const out = execFileSync(process.execPath, args, { cwd: REPO_ROOT, encoding: 'utf8', timeout: 60_000 });
  return JSON.parse(out.trim().split('\n').pop()!);
}

describe('built packages load from plain node', () => {
  it('ESM: import @faceattr/core and @faceattr/backend-tfjs', () => {
    const r = run([
      '--input-type=module',
      '-e',
      script(`import * as core from '@faceattr/core'; import * as tfjs from '@faceattr/backend-tfjs';`),
    ]);
    expect(r).toEqual({ shape: [1, 512, 1], code: 'BACKEND_UNAVAILABLE', isError: true, models: 1 });
  });

  it('CJS: require @faceattr/core and @faceattr/backend-tfjs', () => {
    const r = run(['-e', script(`const core = require('@faceattr/core'); const tfjs = require('@faceattr/backend-tfjs');`)]);
    expect(r).toEqual({ shape: [1, 512, 1], code: 'BACKEND_UNAVAILABLE', isError: true, models: 1 });
  });
});
