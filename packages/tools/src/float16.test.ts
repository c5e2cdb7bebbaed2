import { describe, expect, it } from 'vitest';
import { exactHalfBytes, floatToHalf, halfToFloat, toHalfBytes } from './float16.js';

describe('float16', () => {
  it('every half round-trips through float (NaNs stay NaN)', () => {
    const wrong: number[] = [];
    for (let h = 0; h < 0x10000; h++) {
      const f = halfToFloat(h);
      if (Number.isNaN(f) ? !Number.isNaN(halfToFloat(floatToHalf(f))) : floatToHalf(f) !== h) wrong.push(h);
    }
    expect(wrong).toEqual([]);
  });

  it('rounds to nearest, ties to even, through subnormals, and overflows to infinity', () => {
    expect(halfToFloat(floatToHalf(1 + 2 ** -11))).toBe(1); // tie, 1 is even
    expect(halfToFloat(floatToHalf(1 + 3 * 2 ** -11))).toBe(1 + 2 ** -9); // tie, rounds up to even
    expect(halfToFloat(floatToHalf(1 + 2 ** -11 + 2 ** -20))).toBe(1 + 2 ** -10); // past the tie
    expect(halfToFloat(floatToHalf(2 ** -24))).toBe(2 ** -24); // smallest subnormal
    expect(halfToFloat(floatToHalf(2 ** -26))).toBe(0);
    expect(halfToFloat(floatToHalf(-(2 ** -25) * 1.5))).toBe(-(2 ** -24));
    expect(halfToFloat(floatToHalf(65504))).toBe(65504);
    expect(halfToFloat(floatToHalf(65520))).toBe(Infinity);
    expect(Object.is(halfToFloat(floatToHalf(-0)), -0)).toBe(true);
  });

  it('exactHalfBytes keeps only tensors whose every value is a half', () => {
    const bytes = (a: number[]) => new Uint8Array(Float32Array.from(a).buffer);
    expect(exactHalfBytes(bytes([0.5, -2, 1024, 2 ** -24]))).toEqual(toHalfBytes(bytes([0.5, -2, 1024, 2 ** -24])));
    expect(exactHalfBytes(bytes([0.5, 0.1]))).toBeUndefined();
  });
});
