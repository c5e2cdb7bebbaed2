import { describe, expect, it } from 'vitest';
import { FaceAttrError } from '../errors.js';
import type { TensorData } from '../plugins.js';
import { checkRunArguments, expectedInputs, type ExpectedInput } from './check-run.js';
import type { TensorSpec } from './manifest.js';

const model = { name: 'net', inputNames: ['image', 'scale'], outputNames: ['boxes', 'scores'] };
const expected = new Map<string, ExpectedInput>([['image', { shape: [null, 4, 4, 3], dtype: 'float32' }]]);
const lookup = (n: string) => expected.get(n);

const image = (n = 2): TensorData => ({ data: new Float32Array(n * 48), shape: [n, 4, 4, 3] });
const scale: TensorData = { data: Int32Array.of(2), shape: [1] };

function failure(feeds: Record<string, TensorData>, outputs?: readonly string[]): FaceAttrError {
  try {
    checkRunArguments(model, feeds, outputs, lookup);
  } catch (e) {
    expect(e).toBeInstanceOf(FaceAttrError);
    expect((e as FaceAttrError).code).toBe('INVALID_INPUT');
    return e as FaceAttrError;
  }
  throw new Error('expected INVALID_INPUT');
}

describe('checkRunArguments', () => {
  it('returns the outputs asked for, or all of them; a free dimension takes any size', () => {
    expect(checkRunArguments(model, { image: image(), scale }, undefined, lookup)).toEqual(['boxes', 'scores']);
    expect(checkRunArguments(model, { image: image(7), scale }, ['scores'], lookup)).toEqual(['scores']);
    // No expectation for "scale": any dtype and shape whose size matches its values.
    expect(checkRunArguments(model, { image: image(), scale: { data: new Float32Array(6), shape: [2, 3] } }, ['boxes'], lookup)).toEqual(['boxes']);
  });

  it('names every unknown output and lists the real ones', () => {
    expect(failure({ image: image(), scale }, ['scores', 'nope', 'nada']).message).toBe(
      'Model "net" has no output "nope", "nada"; its outputs are boxes, scores.',
    );
  });

  it('rejects an unknown input and a missing one', () => {
    expect(failure({ image: image(), scale, extra: scale }).message).toBe('Model "net" has no input "extra"; its inputs are image, scale.');
    expect(failure({ image: image() }).message).toBe('Model "net" needs input "scale", which was not given.');
  });

  it('rejects a shape that does not match the value count, or is not whole numbers', () => {
    expect(failure({ image: { data: new Float32Array(47), shape: [1, 4, 4, 3] }, scale }).message).toBe(
      'Input "image" of "net" has shape [1, 4, 4, 3] but 47 values.',
    );
    expect(failure({ image: image(), scale: { data: Int32Array.of(1), shape: [-1, -1] } }).message).toMatch(/has shape \[-1, -1\] but 1 values/);
    expect(failure({ image: image(), scale: { data: Int32Array.of(1), shape: [0.5, 2] } }).message).toMatch(/has shape \[0.5, 2\]/);
  });

  it('rejects the wrong dtype and a shape off the expected one, showing free dimensions as ?', () => {
    expect(failure({ image: { data: new Int32Array(48), shape: [1, 4, 4, 3] }, scale }).message).toBe(
      'Input "image" of "net" must be a Float32Array, got a Int32Array.',
    );
    expect(failure({ image: { data: new Float32Array(64), shape: [1, 4, 4, 4] }, scale }).message).toBe(
      'Input "image" of "net" must have shape [?, 4, 4, 3], got [1, 4, 4, 4].',
    );
    expect(failure({ image: { data: new Float32Array(48), shape: [4, 4, 3] }, scale }).message).toMatch(/must have shape \[\?, 4, 4, 3\], got \[4, 4, 3\]/);
  });

  it('checks the outputs before the inputs', () => {
    expect(failure({}, ['nope']).message).toMatch(/no output "nope"/);
  });
});

describe('expectedInputs', () => {
  const specs: TensorSpec[] = [{ name: 'ids', shape: [null, 8], dtype: 'int32' }];

  it('prefers the manifest spec, else the declared shape (negative or symbolic dims are free) as float32', () => {
    const e = expectedInputs(['ids', 'image', 'mask'], specs, (n) => (n === 'image' ? [-1, 'height', 32, 3] : n === 'ids' ? [1, 8] : undefined));
    expect(e.get('ids')).toEqual({ shape: [null, 8], dtype: 'int32' });
    expect(e.get('image')).toEqual({ shape: [null, null, 32, 3], dtype: 'float32' });
    expect(e.has('mask')).toBe(false);
  });

  it('feeds checkRunArguments: an int32 spec rejects float32 data', () => {
    const e = expectedInputs(['ids'], specs, () => undefined);
    const m = { name: 'tok', inputNames: ['ids'], outputNames: ['y'] };
    expect(() => checkRunArguments(m, { ids: { data: new Float32Array(8), shape: [1, 8] } }, undefined, (n) => e.get(n))).toThrow(
      'Input "ids" of "tok" must be a Int32Array, got a Float32Array.',
    );
    expect(checkRunArguments(m, { ids: { data: new Int32Array(16), shape: [2, 8] } }, undefined, (n) => e.get(n))).toEqual(['y']);
  });
});
