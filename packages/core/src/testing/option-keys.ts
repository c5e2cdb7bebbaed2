import { expect } from 'vitest';
import { expectFaceAttrError } from './expect-error.js';
import { createPipeline } from '../pipeline/create-pipeline.js';

/**
 * Checks a plugin factory's option keys as every factory must: an unknown key or a non-object is refused with
 * INVALID_OPTIONS naming the key and listing `keys`; a pipeline option is sent to createPipeline(); and each of
 * `keys` put in createPipeline() by mistake is sent back to `factory` (core's table of plugin options is complete).
 * `factory` is how users call it, e.g. `mtcnn()`.
 */
export async function expectPluginOptionKeys(factory: string, create: (options: unknown) => unknown, keys: readonly string[]): Promise<void> {
  const refused = async (options: unknown) => (await expectFaceAttrError(() => create(options), 'INVALID_OPTIONS')).message;
  expect(await refused({ noSuchOption: 1 })).toBe(`Unknown option "noSuchOption" for ${factory}; the options are ${keys.join(', ')}.`);
  expect(await refused({ maxFaces: 3 })).toContain(`Unknown option "maxFaces" for ${factory}; pass it to createPipeline()`);
  await refused(42);
  for (const key of keys) {
    const e = await expectFaceAttrError(createPipeline({ [key]: 1 } as never), 'INVALID_OPTIONS');
    expect(e.message).toContain(`${factory.replace(/\(\)$/, '')}({ ${key}: ... })`);
  }
}
