/** Round half to even, as C's lrint (OpenCV's cvRound) does in the default rounding mode. */
export function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
