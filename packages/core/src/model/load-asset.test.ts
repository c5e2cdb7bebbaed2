import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { builtAsset } from '@faceattr/test-support';
import { loadModelAsset } from './load-asset.js';
import { sha256Hex, sha256Js } from './sha256.js';
import { expectFaceAttrError as failure } from '../testing/expect-error.js';

const tmp: string[] = [];
function copyAsset(): string {
  const dir = mkdtempSync(join(tmpdir(), 'faceattr-asset-'));
  tmp.push(dir);
  cpSync(builtAsset('blazeface-back'), dir, { recursive: true });
  return dir;
}
afterEach(() => {
  for (const d of tmp.splice(0)) rmSync(d, { recursive: true, force: true });
});


describe('loadModelAsset', () => {
  it('loads and verifies a real asset from a directory, a manifest path and a file: URL', async () => {
    const dir = builtAsset('blazeface-back');
    for (const src of [dir, join(dir, 'manifest.json'), pathToFileURL(`${dir}/`)]) {
      const a = await loadModelAsset(src, 'tfjs-graph');
      expect(a.manifest.name).toBe('blazeface-back');
      expect([...a.files.keys()].sort()).toEqual(['model.bin', 'model.json']);
      expect(a.files.get('model.bin')!.length).toBe(a.manifest.files.find((f) => f.path === 'model.bin')!.bytes);
    }
  });

  it('loads an asset from bytes in memory', async () => {
    const dir = builtAsset('blazeface-back');
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    const files = { 'model.json': readFileSync(join(dir, 'model.json')), 'model.bin': readFileSync(join(dir, 'model.bin')) };
    const a = await loadModelAsset({ manifest, files }, 'tfjs-graph');
    expect(a.location).toBe('(in memory)');
  });

  it('fails with MODEL_LOAD_FAILED naming the file when a sha256 is wrong', async () => {
    const dir = copyAsset();
    const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    m.files.find((f: { path: string }) => f.path === 'model.bin').sha256 = '0'.repeat(64);
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(m));
    const e = await failure(loadModelAsset(dir, 'tfjs-graph'));
    expect(e.code).toBe('MODEL_LOAD_FAILED');
    expect(e.message).toContain('model.bin');
    expect(e.message).toContain('sha256');
  });

  it('fails when a weight file was altered but kept its size', async () => {
    const dir = copyAsset();
    const bin = readFileSync(join(dir, 'model.bin'));
    bin[1000] = bin[1000]! ^ 0xff;
    writeFileSync(join(dir, 'model.bin'), bin);
    const e = await failure(loadModelAsset(dir, 'tfjs-graph'));
    expect(e.code).toBe('MODEL_LOAD_FAILED');
    expect(e.details?.['file']).toBe('model.bin');
  });

  it('fails naming the file when a weight file is missing or truncated', async () => {
    const dir = copyAsset();
    rmSync(join(dir, 'model.bin'));
    const e = await failure(loadModelAsset(dir, 'tfjs-graph'));
    expect(e.code).toBe('MODEL_LOAD_FAILED');
    expect(e.message).toMatch(/model\.bin.*not found/);

    const dir2 = copyAsset();
    writeFileSync(join(dir2, 'model.bin'), readFileSync(join(dir2, 'model.bin')).subarray(0, 100));
    const e2 = await failure(loadModelAsset(dir2, 'tfjs-graph'));
    expect(e2.message).toMatch(/model\.bin.*100 bytes/);
  });

  it('rejects a missing manifest, bad JSON, a wrong format and a missing artifact', async () => {
    expect((await failure(loadModelAsset('/nonexistent/model-dir', 'tfjs-graph'))).code).toBe('MODEL_LOAD_FAILED');
    const dir = copyAsset();
    writeFileSync(join(dir, 'manifest.json'), '{ not json');
    expect((await failure(loadModelAsset(dir, 'tfjs-graph'))).message).toMatch(/not valid JSON/);
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ format: 'something-else' }));
    expect((await failure(loadModelAsset(dir, 'tfjs-graph'))).message).toMatch(/format/);
    const dir2 = copyAsset();
    const e = await failure(loadModelAsset(dir2, 'data'));
    expect(e.message).toMatch(/no data artifact/);
  });
});

describe('sha256', () => {
  it('the pure-JS fallback matches WebCrypto on real bytes and edge lengths', async () => {
    const bytes = readFileSync(join(builtAsset('blazeface-back'), 'model.json'));
    for (const n of [0, 1, 55, 56, 63, 64, 65, 1000, bytes.length]) {
      const b = new Uint8Array(bytes.subarray(0, n));
      const js = Array.from(sha256Js(b), (v) => v.toString(16).padStart(2, '0')).join('');
      expect(js).toBe(await sha256Hex(b));
    }
  });
});
