import { describe, expect, it } from 'vitest';
import { FaceAttrError } from '../errors.js';
import { PluginRegistry } from './registry.js';
import { attributeModels, backends, detectors } from './index.js';

// Real objects with a real init contract: a registry of plain counters.
interface Thing {
  name: string;
  init(): Promise<void>;
}

function thing(name: string, fail?: string): Thing {
  return {
    name,
    init: async () => {
      if (fail) throw new Error(fail);
    },
  };
}

describe('PluginRegistry', () => {
  it('with nothing registered, names the /register entry of its own kind (and the way out without attributes)', async () => {
    const message = async <T,>(r: PluginRegistry<T>) => {
      expect(r.names(), 'nothing registered in this test file').toEqual([]);
      const e = await r.create().catch((x: unknown) => x);
      expect(e).toBeInstanceOf(FaceAttrError);
      return (e as FaceAttrError).message;
    };
    expect(await message(backends)).toBe('No backend is registered. Import one (e.g. "@faceattr/backend-onnx/register") or pass a backend object.');
    expect(await message(detectors)).toBe('No detector is registered. Import one (e.g. "@faceattr/detector-mtcnn/register") or pass a detector object.');
    expect(await message(attributeModels)).toBe(
      'No attribute model is registered. Import one (e.g. "@faceattr/attributes/register") or pass an attribute model object; to find faces without attributes, create the pipeline with attributes: [].',
    );
    // A registry of another kind names no package that is not its own.
    expect(await message(new PluginRegistry<Thing>('encoder', 'MODEL_LOAD_FAILED'))).toBe("No encoder is registered. Import one's /register entry or pass an encoder object.");
  });

  it('creates the highest-priority entry that initialises, remembering failures', async () => {
    const r = new PluginRegistry<Thing>('backend', 'BACKEND_UNAVAILABLE', (t) => t.init());
    let calls = 0;
    r.register('broken', () => {
      calls++;
      return thing('broken', 'no GPU here');
    }, 10);
    r.register('slow', () => thing('slow'), 1);
    r.register('fast', () => thing('fast'), 5);
    expect(r.names()).toEqual(['broken', 'fast', 'slow']);
    expect((await r.create()).name).toBe('fast');
    expect((await r.create()).name).toBe('fast');
    expect(calls).toBe(1); // the failure was remembered, not retried
    r.resetFailures();
    await r.create();
    expect(calls).toBe(2);
  });

  it('throws one error listing every failure, and the registered names for an unknown one', async () => {
    const r = new PluginRegistry<Thing>('backend', 'BACKEND_UNAVAILABLE', (t) => t.init());
    r.register('a', () => thing('a', 'missing package'));
    let err: FaceAttrError | undefined;
    try {
      await r.create(['nope', 'a']);
    } catch (e) {
      err = e as FaceAttrError;
    }
    expect(err).toBeInstanceOf(FaceAttrError);
    expect(err!.code).toBe('BACKEND_UNAVAILABLE');
    expect(err!.message).toContain('"nope": unknown (registered: a)');
    expect(err!.message).toContain('missing package');
  });

  it('keeps a higher-priority registration over a lower one of the same name', async () => {
    const r = new PluginRegistry<Thing>('detector', 'DETECTOR_UNAVAILABLE');
    r.register('x', () => thing('high'), 5);
    r.register('x', () => thing('low'), 1);
    expect((await r.create('x')).instance.name).toBe('high');
  });

  it('lists entries with their labels, descriptions and alias targets, best first', () => {
    const r = new PluginRegistry<Thing>('backend', 'BACKEND_UNAVAILABLE');
    r.register('plain', () => thing('plain'), 3);
    r.register('gl', () => thing('gl'), { priority: 7, label: 'WebGL', description: 'GPU through WebGL2' });
    r.register('any', () => thing('gl'), { label: 'WebGL', aliasOf: 'gl' });
    expect(r.entries()).toEqual([
      { name: 'gl', priority: 7, label: 'WebGL', description: 'GPU through WebGL2' },
      { name: 'plain', priority: 3, label: 'plain' },
      { name: 'any', priority: 0, label: 'WebGL', aliasOf: 'gl' },
    ]);
    expect(r.get('any')?.aliasOf).toBe('gl');
    expect(r.get('none')).toBeUndefined();
    // Listing hands out copies: the registry's own entries stay as registered.
    (r.entries()[0] as { label: string }).label = 'changed';
    expect(r.get('gl')?.label).toBe('WebGL');
  });

  it('rejects a registration without a factory or with a non-finite priority', () => {
    const r = new PluginRegistry<Thing>('detector', 'DETECTOR_UNAVAILABLE');
    expect(() => r.register('x', undefined as never)).toThrow(/needs a factory function/);
    expect(() => r.register('x', () => thing('x'), { priority: Number.NaN })).toThrow(/finite number/);
    expect(r.names()).toEqual([]);
  });

  it('passes create() options to the factory, for a name and for the best-available pick', async () => {
    const r = new PluginRegistry<Thing & { size: number }>('detector', 'DETECTOR_UNAVAILABLE', (t) => t.init());
    const seen: unknown[] = [];
    r.register('sized', (o) => {
      seen.push(o);
      return { ...thing('sized'), size: (o?.['minFaceSize'] as number | undefined) ?? 40 };
    });
    expect((await r.create('sized', { minFaceSize: 12 })).instance.size).toBe(12);
    expect((await r.create(undefined, { minFaceSize: 30 })).instance.size).toBe(30);
    expect((await r.create('sized')).instance.size).toBe(40);
    expect(seen).toEqual([{ minFaceSize: 12 }, { minFaceSize: 30 }, undefined]);
  });

  it('with options, retries a remembered failure and remembers none of its own (options may fix or cause it)', async () => {
    const r = new PluginRegistry<Thing>('backend', 'BACKEND_UNAVAILABLE', (t) => t.init());
    let calls = 0;
    // A wasm runtime that only starts when told where its binary is.
    r.register('wasm', (o) => {
      calls++;
      return thing('wasm', o?.['wasmPaths'] ? undefined : 'cannot find the .wasm file');
    });
    await expect(r.create('wasm')).rejects.toThrow(/cannot find the \.wasm file/);
    await expect(r.create('wasm')).rejects.toThrow(/cannot find the \.wasm file/);
    expect(calls).toBe(1); // remembered
    await expect(r.create('wasm', { wasmThreads: 2 })).rejects.toThrow(/cannot find the \.wasm file/);
    expect(calls).toBe(2); // tried again with options
    expect((await r.create('wasm', { wasmPaths: '/static/' })).instance.name).toBe('wasm');
    expect(calls).toBe(3);
  });

  it('throws a factory\'s INVALID_OPTIONS for given options as is, instead of falling over to the next entry', async () => {
    const r = new PluginRegistry<Thing>('detector', 'DETECTOR_UNAVAILABLE');
    r.register('strict', (o) => {
      if (o?.['minFaceSize'] !== undefined && (o['minFaceSize'] as number) < 4) throw new FaceAttrError('INVALID_OPTIONS', '"minFaceSize" must be >= 4.');
      return thing('strict');
    }, 10);
    r.register('lenient', () => thing('lenient'), 1);
    const err = await r.create(undefined, { minFaceSize: 2 }).catch((e: unknown) => e as FaceAttrError);
    expect(err).toBeInstanceOf(FaceAttrError);
    expect((err as FaceAttrError).code).toBe('INVALID_OPTIONS');
    expect((err as FaceAttrError).message).toBe('"minFaceSize" must be >= 4.');
    // Not remembered: the same entry works with good options.
    expect((await r.create(undefined, { minFaceSize: 8 })).name).toBe('strict');
  });
});
