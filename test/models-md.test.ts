import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ASSET_NAMES } from '@faceattr/assets';

// MODELS.md is the licence `@faceattr/assets` points at ("SEE LICENSE IN MODELS.md"): it must cover every asset.
describe('MODELS.md', () => {
  const text = readFileSync(new URL('../MODELS.md', import.meta.url), 'utf8');
  it.each([...ASSET_NAMES])('lists %s with its source and licence', (name) => {
    expect(text).toContain(`\`${name}\``);
  });
});
