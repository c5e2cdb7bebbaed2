import { readFileSync } from 'node:fs';
import { FaceAttrError, resizeImage } from '@faceattr/core';
import { describe, expect, it } from 'vitest';
import { wasmModuleVersions } from '@faceattr/test-support';
import { detectMultiScale, detectRaw, haarEngine, loadHaarWasm, parseCascadeXml } from './index.js';
import { DEMO_FILES, loadDemo } from '../test/support.js';
import { FRONTALFACE_XML } from '../test/opencv-reference.js';

const cascade = parseCascadeXml(readFileSync(FRONTALFACE_XML, 'utf8'));
const tiltedXml = readFileSync(new URL('./fixtures/tilted-cascade.xml', import.meta.url), 'utf8');

function errorCode(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(FaceAttrError);
    return (e as FaceAttrError).code;
  }
  return 'no error';
}

describe('WebAssembly cascade scan', () => {
  it('the committed module (src/wasm/cascade-wasm.ts) is what assembly/cascade.ts compiles to', async () => {
    const v = await wasmModuleVersions('detector-haar', 'src/wasm/cascade-wasm.ts');
    if (v) expect(v.committed, v.hint).toBe(v.compiled);
  }, 60_000);

  it('loads asynchronously, and auto picks it for integer-weight stump cascades only', async () => {
    expect(await loadHaarWasm()).toBe(true);
    expect(haarEngine(cascade)).toBe('wasm');
    expect(haarEngine(cascade, { engine: 'js' })).toBe('js');
    // The fixture has a fractional weight (float32 rounding path): not the exact integer plan.
    const fractional = parseCascadeXml(tiltedXml);
    expect(haarEngine(fractional)).toBe('js');
    expect(errorCode(() => haarEngine(fractional, { engine: 'wasm' }))).toBe('INVALID_OPTIONS');
    expect(errorCode(() => haarEngine(cascade, { engine: 'gpu' as 'js' }))).toBe('INVALID_OPTIONS');
  });

  it('wasm and js give identical raw hits (minNeighbors 0) and boxes on the six demo photos', async () => {
    for (const file of DEMO_FILES) {
      const full = await loadDemo(file);
      const img = resizeImage(full, 400, Math.round((full.height * 400) / full.width));
      const js = detectRaw(cascade, img, { minNeighbors: 0, engine: 'js' });
      const wasm = detectRaw(cascade, img, { minNeighbors: 0, engine: 'wasm' });
      expect(js.length, file).toBeGreaterThan(0);
      expect(wasm, file).toEqual(js);
      expect(detectMultiScale(cascade, img, { engine: 'wasm' }), file).toEqual(detectMultiScale(cascade, img, { engine: 'js' }));
    }
  });

  it('identical raw hits with step-1 levels, min/max sizes, gray input, and a tilted cascade (general kernel)', async () => {
    const full = await loadDemo('sample3.jpg');
    const img = resizeImage(full, 320, Math.round((full.height * 320) / full.width));
    for (const o of [{ scaleFactor: 1.3, minSize: 60 }, { scaleFactor: 1.05, maxSize: 100 }, { scaleFactor: 2.5 }]) {
      expect(detectRaw(cascade, img, { minNeighbors: 0, engine: 'wasm', ...o }), JSON.stringify(o)).toEqual(detectRaw(cascade, img, { minNeighbors: 0, engine: 'js', ...o }));
    }
    const gray = { data: img.data.filter((_, i) => i % 3 === 1), width: img.width, height: img.height, channels: 1 as const };
    expect(detectRaw(cascade, gray, { minNeighbors: 0, engine: 'wasm' })).toEqual(detectRaw(cascade, gray, { minNeighbors: 0, engine: 'js' }));
    // Integer weights: the exact plan with tilted groups and form-0 (general) stumps.
    const tilted = parseCascadeXml(tiltedXml.replace('8 13 10 5 0.5</_>', '8 13 10 5 2.</_>'));
    expect(haarEngine(tilted)).toBe('wasm');
    const js = detectRaw(tilted, img, { scaleFactor: 1.2, minNeighbors: 0, engine: 'js' });
    expect(js.length).toBeGreaterThan(100);
    expect(detectRaw(tilted, img, { scaleFactor: 1.2, minNeighbors: 0, engine: 'wasm' })).toEqual(js);
    // Back to the face cascade: the module's plan tables are rewritten for it.
    expect(detectRaw(cascade, img, { minNeighbors: 0, engine: 'wasm' })).toEqual(detectRaw(cascade, img, { minNeighbors: 0, engine: 'js' }));
  });
});
