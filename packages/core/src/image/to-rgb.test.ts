import { describe, expect, it } from 'vitest';
import { FaceAttrError } from '../errors.js';
import { toRgbImage } from './to-rgb.js';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(FaceAttrError);
    return (e as FaceAttrError).code;
  }
  return undefined;
}

describe('toRgbImage', () => {
  it('converts RGBA to packed RGB, dropping alpha', () => {
    const rgba = new Uint8ClampedArray([10, 20, 30, 255, 40, 50, 60, 0]);
    const out = toRgbImage({ data: rgba, width: 2, height: 1, channels: 4 });
    expect(Array.from(out.data)).toEqual([10, 20, 30, 40, 50, 60]);
    expect(out.channels).toBe(3);
  });

  it('expands gray to RGB', () => {
    const out = toRgbImage({ data: new Uint8Array([7, 200]), width: 1, height: 2, channels: 1 });
    expect(Array.from(out.data)).toEqual([7, 7, 7, 200, 200, 200]);
  });

  it('rounds and clamps float pixels', () => {
    const out = toRgbImage({ data: new Float32Array([-3, 12.6, 300]), width: 1, height: 1, channels: 3 });
    expect(Array.from(out.data)).toEqual([0, 13, 255]);
  });

  it('reads ImageData-like objects as RGBA', () => {
    const out = toRgbImage({ data: new Uint8ClampedArray([1, 2, 3, 4]), width: 1, height: 1 } as unknown as ImageData);
    expect(Array.from(out.data)).toEqual([1, 2, 3]);
  });

  it('rejects a zero-size image with INVALID_INPUT', () => {
    expect(codeOf(() => toRgbImage({ data: new Uint8Array(0), width: 0, height: 0, channels: 3 }))).toBe('INVALID_INPUT');
    expect(codeOf(() => toRgbImage({ data: new Uint8Array(0), width: 5, height: 0, channels: 3 }))).toBe('INVALID_INPUT');
  });

  it('rejects a wrong channel count with INVALID_INPUT', () => {
    expect(codeOf(() => toRgbImage({ data: new Uint8Array(8), width: 2, height: 2, channels: 2 }))).toBe('INVALID_INPUT');
    expect(codeOf(() => toRgbImage({ data: new Uint8Array(20), width: 2, height: 2, channels: 5 }))).toBe('INVALID_INPUT');
  });

  it('rejects a buffer whose length does not match width x height x channels', () => {
    expect(codeOf(() => toRgbImage({ data: new Uint8Array(11), width: 2, height: 2, channels: 3 }))).toBe('INVALID_INPUT');
  });

  it('rejects a NaN-filled float buffer with INVALID_INPUT naming the pixel', () => {
    const data = new Float32Array(4 * 4 * 3).fill(Number.NaN);
    let err: FaceAttrError | undefined;
    try {
      toRgbImage({ data, width: 4, height: 4, channels: 3 });
    } catch (e) {
      err = e as FaceAttrError;
    }
    expect(err?.code).toBe('INVALID_INPUT');
    expect(err?.message).toMatch(/non-finite.*\(0, 0\)/);
  });

  it('rejects non-images and unsupported objects', () => {
    expect(codeOf(() => toRgbImage(null as never))).toBe('INVALID_INPUT');
    expect(codeOf(() => toRgbImage({ foo: 1 } as never))).toBe('INVALID_INPUT');
  });

  it('never writes into the caller buffer', () => {
    const data = new Uint8Array([1, 2, 3, 4, 5, 6]);
    const out = toRgbImage({ data, width: 2, height: 1, channels: 3 });
    expect(Object.isFrozen(out)).toBe(false);
    expect(Array.from(data)).toEqual([1, 2, 3, 4, 5, 6]);
  });
});
