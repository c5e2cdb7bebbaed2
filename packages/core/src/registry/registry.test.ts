import { describe, expect, it } from 'vitest';
import { FaceAttrError } from '../errors.js';
import { PluginRegistry } from './registry.js';

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
});
